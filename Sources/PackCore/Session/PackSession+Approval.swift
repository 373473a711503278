import Foundation

// An order a hub rule marks "require a supervisor" (`rules.supervisor`) cannot be closed, and
// its label does not print, until a supervisor scans their badge (one of `supervisorBadges`, as
// for overrides and CMD:REPRINT). The badge may come at any time while the order is open
// (`approval_given`) or once it is complete (`approval_required` said so; the badge then
// completes it and the label prints). The approval is recorded as the result's override with
// the reason `supervisor_approval`; an override that opened a blocked order approves it too.
extension PackSession {
    /// Whether the open order waits for a supervisor's approval.
    func needsApproval(_ progress: OrderProgress) -> Bool {
        progress.order.rules?.supervisor != nil && !(progress.override?.reasons.contains(.supervisorApproval) ?? false)
    }

    /// What the packer is told when the order is complete and needs a supervisor.
    func approvalMessage(_ order: Order) -> String {
        let reason = order.rules?.supervisor ?? ""
        guard !configuration.supervisorBadges.isEmpty else {
            return "Order \(order.id) is complete but needs a supervisor (\(reason)), and no supervisor badge is configured at this station: nothing prints. Ask the admin to set station.supervisor_badges; put the box aside."
        }
        return "Order \(order.id) is complete but needs a supervisor: \(reason). A supervisor must scan their badge to close it; the label prints then."
    }

    /// A supervisor's badge while the open order needs approval: approves it, and completes it
    /// when every line is done. Nil when the open order needs no approval.
    mutating func approve(badge: String, symbology: String?, at time: Date) -> Verdict? {
        guard var progress = current, needsApproval(progress) else { return nil }
        progress.override = PackResult.Override(badge: badge, reasons: [.supervisorApproval], at: time)
        current = progress
        let id = progress.order.id
        guard progress.isComplete else {
            let v = Verdict(kind: .approvalGiven, message: "Supervisor \(badge) approved order \(id); go on packing.", orderID: id)
            return record(v, data: badge, symbology: symbology, at: time)
        }
        let outcome: PackResult.Outcome = progress.short.allSatisfy { $0 == 0 } ? .packed : .shortShipped
        let v = Verdict(kind: .orderComplete, message: "Order \(id) approved by supervisor \(badge) and complete. Close the box; the label prints.", orderID: id)
        return finish(outcome, verdict: v, data: badge, symbology: symbology, at: time)
    }

    /// The override that opens a blocked order also approves it when a rule asks for a supervisor.
    func overrideReasons(_ order: Order, _ reasons: [Verdict.BlockReason]) -> [Verdict.BlockReason] {
        order.rules?.supervisor == nil ? reasons : reasons + [.supervisorApproval]
    }

    /// The rules' notices for an order as it opens.
    func ruleNotices(_ order: Order, override: PackResult.Override?) -> [Notice] {
        guard let rules = order.rules else { return [] }
        var notices = rules.notices.map { Notice(.rule, $0) }
        notices += rules.inserts.map { Notice(.insert, "Put in the box: \($0).") }
        if let reason = rules.supervisor {
            let approved = override?.reasons.contains(.supervisorApproval) ?? false
            notices.append(Notice(.supervisor, approved
                ? "Supervisor approval (\(reason)) given by \(override!.badge)."
                : "Needs a supervisor before it closes: \(reason). A supervisor may scan their badge now or when it is complete."))
        }
        return notices
    }
}
