import Foundation
internal import GRDB
import OrderRules
import PackCore

/// Automation rules on the hub (docs/rules.md): the rules in force are stored in the database, so
/// every process that imports orders (`serve`, `packstation-hub import`) applies the same ones.
///
/// `orders.body` is the effective order, the one stations get: the imported document with the
/// rules' actions written in. The imported document is kept in `orders.imported_body` (and the
/// station given at import in `imported_station_id`), so rules can be evaluated again when they
/// change. `order_rules` records, per order, the rules that applied and what each action did;
/// each change of that record appends an `order.rules_applied` event in the same transaction.
extension HubStore {
    /// The tables of migration "v5-rules-applied".
    static let rulesTables = """
        ALTER TABLE orders ADD COLUMN imported_body TEXT;
        ALTER TABLE orders ADD COLUMN imported_station_id INTEGER REFERENCES stations(id);
        CREATE TABLE order_rules (
            order_id TEXT PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,
            rules TEXT NOT NULL,
            record TEXT NOT NULL,
            evaluated_at REAL NOT NULL);
        CREATE TABLE rules_in_force (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            file TEXT NOT NULL,
            text TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            loaded_at REAL NOT NULL);
        """

    /// What loading a rule set did.
    public struct RulesReport: Hashable, Sendable {
        /// Open orders (not packed) evaluated again.
        public var evaluated = 0
        /// Orders whose effective order or record changed.
        public var changed = 0
    }

    /// The rules in force: their file name and text, or nil when none are.
    public func rulesInForce() throws(HubError) -> (file: String, text: String, loadedAt: Date)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT file, text, loaded_at FROM rules_in_force WHERE id = 1").map {
                ($0["file"], $0["text"], Date(timeIntervalSince1970: $0["loaded_at"]))
            }
        }
    }

    /// Station names a rule set routes to that this hub does not have.
    public func unknownStations(in rules: RuleSet) throws(HubError) -> [String] {
        let named = Set(rules.rules.flatMap { $0.actions.compactMap { if case .station(let s) = $0 { s } else { nil } } })
        let known = try read { db in Set(try String.fetchAll(db, sql: "SELECT name FROM stations")) }
        return named.subtracting(known).sorted()
    }

    /// Puts a checked rule set (`text` as read from `file`) in force, or none, and evaluates every
    /// open order (not packed) again, a page of orders per transaction. A rule routing to a station
    /// the hub does not have is refused (nothing changes).
    public func loadRules(_ rules: RuleSet?, text: String?, file: String, now: Date = Date()) async throws(HubError) -> RulesReport {
        if let rules {
            let unknown = try unknownStations(in: rules)
            guard unknown.isEmpty else {
                throw HubError(422, "unknown_station", "\(file): the rules route orders to \(unknown.map { "'\($0)'" }.joined(separator: ", ")), which this hub does not have; add \(unknown.count == 1 ? "it" : "them") with `packstation-hub station add NAME` or fix the rule. The rules in force stay.")
            }
        }
        try await writeAsync { db in
            if let text {
                try db.execute(sql: """
                    INSERT INTO rules_in_force (id, file, text, sha256, loaded_at) VALUES (1, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET file = excluded.file, text = excluded.text, sha256 = excluded.sha256, loaded_at = excluded.loaded_at
                    """, arguments: [file, text, SHA256.hex(text), now.timeIntervalSince1970])
            } else {
                try db.execute(sql: "DELETE FROM rules_in_force")
            }
        }
        var report = RulesReport()
        var after = ""
        while true {
            let from = after
            let (page, last) = try await writeAsync { db -> (RulesReport, String?) in
                let ids = try String.fetchAll(db, sql: "SELECT id FROM orders WHERE packed_at IS NULL AND status != 'packed' AND id > ? ORDER BY id LIMIT 1000", arguments: [from])
                var page = RulesReport()
                for id in ids {
                    page.evaluated += 1
                    if try Self.evaluateRules(db, rules, orderID: id, trigger: "rules_loaded", now: now) { page.changed += 1 }
                }
                return (page, ids.last)
            }
            report.evaluated += page.evaluated
            report.changed += page.changed
            guard let last else { return report }
            after = last
        }
    }

    /// The rules in force inside a transaction, parsed (they were checked when loaded).
    static func rulesInForce(_ db: Database) throws -> RuleSet? {
        guard let row = try Row.fetchOne(db, sql: "SELECT file, text FROM rules_in_force WHERE id = 1") else { return nil }
        do { return try RuleSet(parsing: row["text"], file: row["file"]) } catch {
            throw HubError(500, "rules_unreadable", "The rules in force (\(row["file"] as String)) no longer read: \(error). Load a good file with `packstation-hub serve --rules FILE`.")
        }
    }

    /// An order's row as rules read and write it.
    struct RulesState {
        var body: String
        var status: String
        var station: Int64?
        var rank: Int
        var record: String?
        /// The imported document and the station given at import.
        var imported: String
        var importStation: Int64?
        /// Stored before rules existed: no `imported_body` yet.
        var legacy: Bool

        /// The status the order system gave (the effective one may be a rule's hold).
        var importedStatus: String {
            if case .string(let s)? = (try? JSONParser.parse(imported))?["status"] { s } else { status }
        }

        /// Whether a rule holds the order (the order system said ready).
        var heldByRules: Bool { status == "on_hold" && importedStatus == "ready" }
    }

    /// The order's row, or nil when there is no such order.
    static func rulesState(_ db: Database, _ orderID: String) throws -> RulesState? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT o.body, o.status, o.station_id, o.priority_rank, o.imported_body, o.imported_station_id, r.record
            FROM orders o LEFT JOIN order_rules r ON r.order_id = o.id WHERE o.id = ?
            """), arguments: [orderID]).map { row in
            let importedBody: String? = row["imported_body"]
            // Rows from before rules existed: the body is the imported document, station_id the import's.
            return RulesState(body: row["body"], status: row["status"], station: row["station_id"], rank: row["priority_rank"], record: row["record"],
                              imported: importedBody ?? row["body"], importStation: importedBody == nil ? row["station_id"] : row["imported_station_id"],
                              legacy: importedBody == nil)
        }
    }

    /// Evaluates `rules` for one order and writes the effective order, its record and events when
    /// they changed. `imported`: the document and station of an import being written (the row
    /// then holds what the import wrote, and `previous` what was there before it); otherwise the
    /// stored imported document is evaluated again. Returns whether anything changed.
    @discardableResult
    static func evaluateRules(_ db: Database, _ rules: RuleSet?, orderID: String, imported: (json: String, order: Order, station: Int64?)? = nil,
                              previous given: RulesState?? = nil, trigger: String, now: Date) throws -> Bool {
        guard let current = try rulesState(db, orderID) else { return false }
        let previous: RulesState? = given ?? current
        let source = imported?.json ?? current.imported
        let importStation = imported.map(\.station) ?? current.importStation
        var document: JSONValue?
        let order: Order
        if let decoded = imported?.order {
            order = decoded
        } else {
            guard let parsed = try? JSONParser.parse(source), let decoded = try? Order.decode(from: parsed) else { return false }
            (document, order) = (parsed, decoded)
        }
        let facts = RuleFacts(order: order)
        let outcome = rules?.evaluate(facts) ?? RuleOutcome()
        // The document is rewritten only when a rule applied or it carries a `rules` member to drop;
        // an import without rules in force costs one lookup more, not a parse.
        var body = source
        if !outcome.applied.isEmpty || source.contains(#""rules""#) {
            if document == nil { document = try? JSONParser.parse(source) }
            if let document {
                let effective = outcome.effectiveOrder(document)
                if effective != document { body = effective.jsonText }
            }
        }
        let status = outcome.effects.holdReason != nil && order.status == .ready ? "on_hold" : order.status.rawValue
        var station = importStation
        if let name = outcome.effects.station, let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM stations WHERE name = ?"), arguments: [name]) { station = id }
        let rank = (outcome.effects.priority ?? order.priority).urgencyRank
        let record = outcome.applied.isEmpty ? nil : outcome.record(from: facts).jsonText

        let rowDiffers = body != current.body || status != current.status || station != current.station || rank != current.rank
        if rowDiffers || current.legacy || imported != nil {
            try db.cachedStatement(sql: "UPDATE orders SET body = ?, status = ?, station_id = ?, priority_rank = ?, imported_body = ?, imported_station_id = ? WHERE id = ?")
                .execute(arguments: [body, status, station, rank, source, importStation, orderID])
        }
        let recordChanged = record != previous?.record
        let orderChanged = previous.map { body != $0.body || status != $0.status || station != $0.station || rank != $0.rank } ?? true
        guard recordChanged || orderChanged else { return false }
        if let record {
            try db.cachedStatement(sql: """
                INSERT INTO order_rules (order_id, rules, record, evaluated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(order_id) DO UPDATE SET rules = excluded.rules, record = excluded.record, evaluated_at = excluded.evaluated_at
                """).execute(arguments: [orderID, JSONValue.array(outcome.ruleNames.map(JSONValue.string)).jsonText, record, now.timeIntervalSince1970])
        } else {
            try db.cachedStatement(sql: "DELETE FROM order_rules WHERE order_id = ?").execute(arguments: [orderID])
        }
        if recordChanged {
            let changes = record.flatMap { try? JSONParser.parse($0) } ?? .array([])
            try appendEvent(db, type: "order.rules_applied", orderID: orderID, data: .object([
                ("rules", .array(outcome.ruleNames.map(JSONValue.string))), ("applied", changes), ("trigger", .string(trigger)),
            ]), at: now)
        }
        // Holds the order system makes or lifts are the import's events (HubStore+LifecycleFlows); these are the rules'.
        let heldByRules = outcome.effects.holdReason != nil && status == "on_hold" && order.status == .ready
        let wasHeldByRules = previous?.heldByRules ?? false
        if heldByRules, !wasHeldByRules {
            try appendEvent(db, type: "order.held", orderID: orderID, data: .object([("reason", .string(outcome.effects.holdReason!)), ("source", .string(trigger))]), at: now)
        } else if wasHeldByRules, status == "ready" {
            try appendEvent(db, type: "order.released", orderID: orderID, data: .object([("source", .string(trigger))]), at: now)
        }
        return true
    }

    /// The rules recorded on an order: each rule and what its actions did (empty: none applied).
    public func appliedRules(orderID: String) throws(HubError) -> JSONValue {
        try read { db in
            try String.fetchOne(db, sql: "SELECT record FROM order_rules WHERE order_id = ?", arguments: [orderID]).flatMap { try? JSONParser.parse($0) } ?? .array([])
        }
    }
}
