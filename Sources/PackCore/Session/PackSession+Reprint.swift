import Barcodes
import Foundation

// Reprint and void at the bench. `CMD:REPRINT` prints every package label of the last finished
// order again; `CMD:VOID` makes the last label printed void and prints its replacement, marked
// as such. Neither touches the open order: they are not part of any pack result, and the
// bench does not replay them after a restart (the labels they queued are already queued).
//
// When the configuration requires it, the command waits for a supervisor badge: the next
// input must be one of `supervisorBadges`, within `supervisorWait` seconds. Any other input
// cancels the reprint and is not used (the packer is told to scan it again), so nothing the
// packer scans is taken for something else. After the wait, inputs are handled as usual and a
// late badge is told the request timed out.
extension PackSession {
    /// Remembers what a finished order printed: all its package labels for `CMD:REPRINT`, and
    /// the last label printed for `CMD:VOID`.
    mutating func rememberLabels(_ progress: OrderProgress, verdict v: Verdict) {
        let closed = progress.labelledTotals.count
        var all = v.labels
        if closed > 0 {
            let last = progress.boxes.count
            let total = progress.boxes[last - 1].contains { $0 > 0 } ? last : closed
            let declared = progress.order.shipment?.packages ?? 1
            let count = progress.boxLimit != nil ? declared : total
            all = (1...total).map { PackageLabel(package: $0, packages: count, weightGrams: progress.weightGrams(box: $0 - 1)) }
        }
        guard !all.isEmpty else { return }
        lastFinished = (progress.order, all.map { var l = $0; l.reprint = true; return l })
        if var label = v.labels.last {
            label.reprint = false
            lastLabel = (progress.order, label)
        }
    }

    /// `CMD:REPRINT` or `CMD:VOID`: done at once, or waiting for a supervisor badge.
    mutating func requestReprint(_ command: PackCommand, at time: Date) -> Verdict {
        let what = command == .void ? "void the last label" : "reprint the last order's labels"
        guard command == .void ? lastLabel != nil : lastFinished != nil else {
            return Verdict(kind: .nothingToReprint, message: "Nothing to \(command == .void ? "void" : "reprint"): no label was printed at this bench since the agent started. Reprint an older order's labels with `packstation label`.", orderID: current?.order.id)
        }
        guard configuration.reprintRequiresSupervisor else { return reprint(command, supervisor: nil) }
        guard !configuration.supervisorBadges.isEmpty else {
            return Verdict(kind: .commandRejected, message: "Cannot \(what): a supervisor badge is required but none is configured. Ask the admin to set station.supervisor_badges.", orderID: current?.order.id)
        }
        pendingReprint = (command, time)
        let seconds = Int(configuration.supervisorWait.rounded())
        return Verdict(kind: .supervisorRequired, message: "To \(what), a supervisor must scan their badge within \(seconds) s. Scan anything else to cancel.", orderID: current?.order.id)
    }

    /// The input after `supervisor_required`: the reprint, its cancellation, or nil when the
    /// wait is over and the input is handled as usual.
    mutating func continueReprint(_ waiting: (command: PackCommand, at: Date), _ input: Input, at time: Date) -> Verdict? {
        var data: String
        switch input {
        case .command(let c): data = commandText(c)
        case .scan(let raw): data = (try? Barcode.parse(raw).get())?.data ?? raw
        }
        let isBadge = configuration.supervisorBadges.contains(data)
        let what = waiting.command == .void ? "Void" : "Reprint"
        guard time.timeIntervalSince(waiting.at) <= configuration.supervisorWait else {
            guard isBadge else { return nil }
            return Verdict(kind: .reprintCancelled, message: "\(what) cancelled: the badge came after the \(Int(configuration.supervisorWait.rounded())) s wait. Scan the command again, then the badge.", orderID: current?.order.id)
        }
        if isBadge { return reprint(waiting.command, supervisor: data) }
        if PackCommand.parse(barcode: data).flatMap({ try? $0.get() }) == waiting.command {
            // The same command again: it waits anew.
            return requestReprint(waiting.command, at: time)
        }
        return Verdict(kind: .reprintCancelled, message: "\(what) cancelled: \(data.debugPreview) is not a supervisor badge. Nothing was printed, and that scan was not used: scan it again.", orderID: current?.order.id)
    }

    /// The reprint itself: the labels in the verdict, marked as reprints.
    private func reprint(_ command: PackCommand, supervisor: String?) -> Verdict {
        let by = supervisor.map { " (supervisor \($0))" } ?? ""
        if command == .void, let (order, label) = lastLabel {
            let carrier = order.shipment.map { $0.label != nil || $0.hasLabelPerPackage } ?? false
            var replacement = label
            replacement.reprint = true
            let name = label.packages == 1 ? "The label" : "Label \(label.package) of \(label.packages)"
            let how = carrier
                ? "The carrier's label cannot be marked: it prints again unchanged, with the same tracking number."
                : "Its replacement prints, marked \"REPRINT - replaces voided label\"."
            var v = Verdict(kind: .labelVoided, message: "\(name) of order \(order.id) is void\(by). \(how) Destroy the voided label and put the new one on the box.", orderID: order.id)
            v.labels = [replacement]
            v.reprint = Reprint(order: order, voided: label, supervisor: supervisor)
            return v
        }
        let (order, labels) = lastFinished!
        let names = labels.count == 1 ? "label prints" : "\(labels.count) package labels print (1 to \(labels.count) of \(labels[0].packages))"
        var v = Verdict(kind: .labelsReprinted, message: "Order \(order.id): its \(names) again\(by).", orderID: order.id)
        v.labels = labels
        v.reprint = Reprint(order: order, voided: nil, supervisor: supervisor)
        return v
    }
}
