import Foundation
internal import GRDB
import OrderRules
import PackCore

/// `packstation-hub rules dry-run FILE`: what a rule set would do to the open orders, changing
/// nothing (one read transaction over the orders not yet packed).
extension HubStore {
    /// One open order a rule matched.
    public struct DryRunOrder: Sendable {
        /// The order.
        public var orderID: String
        /// What the rules would do.
        public var outcome: RuleOutcome
        /// The order's facts, for describing changes.
        public var facts: RuleFacts
        /// Whether this differs from what the rules in force recorded on the order.
        public var differsFromNow: Bool
    }

    /// What a dry run found.
    public struct DryRunSummary: Hashable, Sendable {
        /// Open orders evaluated.
        public var orders = 0
        /// Orders at least one rule matched.
        public var matched = 0
        /// Orders whose record would differ from the one the rules in force wrote.
        public var differing = 0
        /// Orders that could not be read (their imported document no longer decodes).
        public var unreadable = 0
        /// Orders each rule matched, in file order.
        public var perRule: [String: Int] = [:]
    }

    /// Evaluates `rules` against every open order (not packed), calling `each` for those a rule
    /// matches or whose recorded rules would change; nothing is written.
    public func dryRun(_ rules: RuleSet, each: (DryRunOrder) -> Void) throws(HubError) -> DryRunSummary {
        try read { db in
            var summary = DryRunSummary()
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT o.id, COALESCE(o.imported_body, o.body) AS imported, r.record FROM orders o LEFT JOIN order_rules r ON r.order_id = o.id
                WHERE o.packed_at IS NULL AND o.status != 'packed' ORDER BY o.id
                """)
            while let row = try cursor.next() {
                summary.orders += 1
                let text: String = row["imported"]
                guard let order = try? Order.decode(from: text.utf8) else { summary.unreadable += 1; continue }
                let facts = RuleFacts(order: order)
                let outcome = rules.evaluate(facts)
                let recorded: String? = row["record"]
                let record = outcome.applied.isEmpty ? nil : outcome.record(from: facts).jsonText
                let differs = record != recorded
                if !outcome.applied.isEmpty { summary.matched += 1 }
                if differs { summary.differing += 1 }
                for name in outcome.ruleNames { summary.perRule[name, default: 0] += 1 }
                if !outcome.applied.isEmpty || differs {
                    each(DryRunOrder(orderID: row["id"], outcome: outcome, facts: facts, differsFromNow: differs))
                }
            }
            return summary
        }
    }
}
