import PackCore

extension Bench {
    /// What the hub's rules ask of the open order, for the kiosk (docs/rules.md): notices, inserts
    /// to put in, and whether a supervisor must approve it and who did. Nil when no rule applied.
    static func rulesView(_ progress: OrderProgress) -> JSONValue {
        guard let rules = progress.order.rules else { return .null }
        let approval = progress.override.flatMap { $0.reasons.contains(.supervisorApproval) ? $0.badge : nil }
        return .object([
            ("notices", .array(rules.notices.map(JSONValue.string))),
            ("inserts", .array(rules.inserts.map(JSONValue.string))),
            ("supervisor", .optional(rules.supervisor)),
            ("approved_by", .optional(rules.supervisor == nil ? nil : approval)),
        ])
    }
}
