import Foundation
internal import GRDB
import PackCore

/// An order waiting in the order cache, as the kiosk's "what comes next" shows it.
public struct NextOrder: Hashable, Sendable {
    /// The order's id.
    public var id: String
    /// `same_day`, `express` or `standard`.
    public var priority: String
    /// The promised ship date, when the shop gave one.
    public var shipBy: String?
    /// Units to pack, on how many lines.
    public var units: Int
    public var lines: Int
}

extension Journal {
    /// The urgency rank and ship-by key the hub's queue sorts by (same day, express, standard;
    /// the oldest ship-by first, none last), read from a cached order's document. The
    /// "v4-packers" migration indexes exactly these expressions.
    static let nextRank = "CASE json_extract(body, '$.priority') WHEN 'same_day' THEN 0 WHEN 'express' THEN 1 ELSE 2 END"
    static let nextShipBy = "COALESCE(json_extract(body, '$.ship_by'), '9999-12-31~')"
    static let nextFilter = "packed = 0 AND COALESCE(json_extract(body, '$.status'), 'ready') = 'ready'"
    static let nextIndex = "CREATE INDEX order_cache_next ON order_cache(\(nextRank), \(nextShipBy)) WHERE \(nextFilter);"

    static let nextSQL = """
        SELECT id, json_extract(body, '$.priority') AS priority, json_extract(body, '$.ship_by') AS ship_by,
            (SELECT COALESCE(SUM(json_extract(value, '$.quantity')), 0) FROM json_each(body, '$.lines')) AS units,
            json_array_length(body, '$.lines') AS lines
        FROM order_cache WHERE \(nextFilter) AND id NOT IN (SELECT value FROM json_each(?))
        ORDER BY \(nextRank), \(nextShipBy), rowid LIMIT ?
        """

    /// The first `limit` cached orders this station has not packed and that are ready, most
    /// urgent first as the hub's queue orders them (then in the order they were first cached,
    /// which for a prefetch is the queue's), leaving out `excluding` (orders open at a bench).
    public func nextOrders(limit: Int, excluding: Set<String> = []) throws(SyncError) -> [NextOrder] {
        let excluded = JSONValue.array(excluding.sorted().map(JSONValue.string)).jsonText
        return try read { db in
            try Row.fetchAll(db, sql: Self.nextSQL, arguments: [excluded, limit]).map {
                NextOrder(id: $0["id"], priority: $0["priority"] ?? "standard", shipBy: $0["ship_by"], units: $0["units"] ?? 0, lines: $0["lines"] ?? 0)
            }
        }
    }

    /// How SQLite runs `nextOrders` (`EXPLAIN QUERY PLAN`), for the test that keeps it an index walk.
    func nextOrdersPlan() throws(SyncError) -> [String] {
        try read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Self.nextSQL, arguments: ["[]", 3]).map { $0["detail"] as String }
        }
    }
}
