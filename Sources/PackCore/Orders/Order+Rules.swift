/// What the hub's automation rules decided for an order (its `rules` member, docs/rules.md):
/// the bench shows the notices and inserts, says why an order is held, and does not close an
/// order that needs a supervisor until one scans their badge.
extension Order {
    /// The `rules` member the hub writes into the order stations get.
    public struct RuleDecisions: Hashable, Sendable {
        /// The rules that applied, in file order.
        public var applied: [String]
        /// Why a rule holds the order.
        public var holdReason: String?
        /// Notices for the packer.
        public var notices: [String]
        /// Inserts to put in the box (also in `flags`).
        public var inserts: [String]
        /// Why a supervisor must approve the order before it closes; nil: no approval needed.
        public var supervisor: String?

        /// Creates decisions.
        public init(applied: [String] = [], holdReason: String? = nil, notices: [String] = [], inserts: [String] = [], supervisor: String? = nil) {
            self.applied = applied
            self.holdReason = holdReason
            self.notices = notices
            self.inserts = inserts
            self.supervisor = supervisor
        }
    }

    /// The most entries of each list in `rules` (a rules file has at most 1,000 rules).
    static let maximumRuleEntries = 1_000

    /// `rules`: `{applied, hold_reason?, station?, notices?, inserts?, supervisor?}`.
    static func decodeRules<N: JSONReadable>(_ r: inout FieldReader, _ value: N?) -> RuleDecisions? {
        guard var object = r.object(value, "rules", required: false) else { return nil }
        let applied = r.strings(&object, "applied", "rules", maxCount: maximumRuleEntries, maxLength: 100)
        let hold = r.string(&object, "hold_reason", "rules", required: false, maxLength: 500)
        _ = r.string(&object, "station", "rules", required: false, maxLength: 64)
        let notices = r.strings(&object, "notices", "rules", maxCount: maximumRuleEntries, maxLength: 500)
        let inserts = r.strings(&object, "inserts", "rules", maxCount: maximumRuleEntries, maxLength: 100)
        let supervisor = r.string(&object, "supervisor", "rules", required: false, maxLength: 500)
        return RuleDecisions(applied: applied, holdReason: hold, notices: notices, inserts: inserts, supervisor: supervisor)
    }
}
