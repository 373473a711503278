import Foundation
internal import GRDB
import PackCore

/// An order's whole story for `GET /v1/admin/orders/{id}/history`, the page's order view and
/// `packstation-hub order show ID`: its states with when, where and who; its packages with their
/// tracking and carrier updates; the results and events stations sent for it; the hub's events.
extension HubStore {
    /// Moves an order to `state` in a transaction of its own (docs/lifecycle.md): 404 for an
    /// unknown order, 409 `bad_transition` for a move the table refuses; a repeat changes nothing.
    /// Returns whether the order moved.
    @discardableResult
    public func moveOrder(_ orderID: String, to state: OrderState, station: String? = nil, person: String? = nil, source: String, detail: JSONValue? = nil, now: Date = Date()) throws(HubError) -> Bool {
        try write { db in
            try Self.transition(db, orderID: orderID, to: state, at: now, station: station, person: person, source: source, detail: detail)
        }
    }

    /// The order's state, or nil when it is not on the hub.
    public func orderState(_ orderID: String) throws(HubError) -> OrderState? {
        try read { db in try Self.currentState(db, orderID: orderID) }
    }

    /// The most results, events and history rows one history answer lists (each list keeps its
    /// first `limit`; the counts say how many there are in all).
    public static let maximumHistoryLimit = 10_000

    /// The order's history as JSON (404 `unknown_order` when it is not on the hub). Lists are
    /// oldest first, at most `limit` entries each.
    public func orderHistory(_ orderID: String, limit: Int = 1000) async throws(HubError) -> JSONValue {
        try await readAsync { db in try Self.orderHistory(db, orderID: orderID, limit: limit) }
    }

    /// The same, synchronously (the CLI).
    public func orderHistorySync(_ orderID: String, limit: Int = 1000) throws(HubError) -> JSONValue {
        try read { db in try Self.orderHistory(db, orderID: orderID, limit: limit) }
    }

    static func orderHistory(_ db: Database, orderID: String, limit: Int) throws -> JSONValue {
        guard let o = try Row.fetchOne(db, sql: """
            SELECT o.id, o.status, o.state, o.imported_at, o.packed_at, o.packed_outcome, s.name AS station,
                COALESCE(json_extract(o.body, '$.priority'), CASE o.priority_rank WHEN 0 THEN 'same_day' WHEN 1 THEN 'express' ELSE 'standard' END) AS priority, json_extract(o.body, '$.channel') AS channel,
                json_extract(o.body, '$.customer.name') AS customer, json_extract(o.body, '$.shipment.carrier') AS carrier,
                json_extract(o.body, '$.shipment.service') AS service, json_extract(o.body, '$.shipment.tracking') AS tracking
            FROM orders o LEFT JOIN stations s ON s.id = o.station_id WHERE o.id = ?
            """, arguments: [orderID]) else {
            throw HubError(404, "unknown_order", "No order \(orderID) is on this hub; check the id (the page's search finds orders by id, tracking number or customer).")
        }
        func string(_ row: Row, _ name: String) -> JSONValue { .optional(row[name] as String?) }
        func time(_ row: Row, _ name: String) -> JSONValue { .optional((row[name] as Double?).map(timestamp)) }
        func json(_ row: Row, _ name: String) -> JSONValue { (row[name] as String?).flatMap { try? JSONParser.parse($0) } ?? .null }
        let order: JSONValue = .object([
            ("id", .string(o["id"])), ("status", .string(o["status"])), ("state", .string(o["state"])), ("station", string(o, "station")),
            ("imported_at", time(o, "imported_at")), ("packed_at", time(o, "packed_at")), ("outcome", string(o, "packed_outcome")),
            ("priority", string(o, "priority")), ("channel", string(o, "channel")), ("customer", string(o, "customer")),
            ("carrier", string(o, "carrier")), ("service", string(o, "service")), ("tracking", string(o, "tracking")),
        ])
        let states = try Row.fetchAll(db, sql: "SELECT state, previous, at, station, person, source, detail FROM order_history WHERE order_id = ? ORDER BY id LIMIT ?", arguments: [orderID, limit]).map { r -> JSONValue in
            .object([
                ("state", .string(r["state"])), ("previous", string(r, "previous")), ("at", time(r, "at")), ("station", string(r, "station")),
                ("person", string(r, "person")), ("source", .string(r["source"])), ("detail", json(r, "detail")),
            ])
        }
        var packages: [JSONValue] = []
        for p in try Row.fetchAll(db, sql: "SELECT id, number, tracking, carrier, service, state, weight_g, location, detail, updated_at FROM packages WHERE order_id = ? ORDER BY number", arguments: [orderID]) {
            let updates = try Row.fetchAll(db, sql: "SELECT status, at, location, detail, source, received_at FROM tracking_updates WHERE package_id = ? ORDER BY at, id LIMIT ?", arguments: [p["id"] as Int64, limit]).map { u -> JSONValue in
                .object([
                    ("status", .string(u["status"])), ("at", time(u, "at")), ("location", string(u, "location")), ("detail", string(u, "detail")),
                    ("source", .string(u["source"])), ("received_at", time(u, "received_at")),
                ])
            }
            packages.append(.object([
                ("number", .int(p["number"])), ("tracking", string(p, "tracking")), ("carrier", string(p, "carrier")), ("service", string(p, "service")),
                ("state", .string(p["state"])), ("weight_g", (p["weight_g"] as Int?).map(JSONValue.int) ?? .null), ("location", string(p, "location")),
                ("detail", string(p, "detail")), ("updated_at", time(p, "updated_at")), ("updates", .array(updates)),
            ]))
        }
        let results = try Row.fetchAll(db, sql: """
            SELECT r.key, r.type, r.body, r.received_at, s.name AS station FROM results r JOIN stations s ON s.id = r.station_id
            WHERE r.order_id = ? ORDER BY r.id LIMIT ?
            """, arguments: [orderID, limit]).map { r -> JSONValue in
            let body = json(r, "body")
            return .object([
                ("key", .string(r["key"])), ("type", .string(r["type"])), ("kind", r["type"] == "event" ? body["kind"] ?? .null : .null),
                ("station", .string(r["station"])), ("received_at", time(r, "received_at")), ("body", body),
            ])
        }
        let events = try Row.fetchAll(db, sql: "SELECT id, type, at, data FROM hub_events WHERE order_id = ? ORDER BY id LIMIT ?", arguments: [orderID, limit]).map { e -> JSONValue in
            .object([("id", .int(Int(e["id"] as Int64))), ("type", .string(e["type"])), ("at", time(e, "at")), ("data", json(e, "data"))])
        }
        let count = { (sql: String) in try Int.fetchOne(db, sql: sql, arguments: [orderID]) ?? 0 }
        return .object([
            ("order", order), ("states", .array(states)), ("packages", .array(packages)), ("results", .array(results)), ("events", .array(events)),
            ("counts", .object([
                ("states", .int(try count("SELECT COUNT(*) FROM order_history WHERE order_id = ?"))),
                ("results", .int(try count("SELECT COUNT(*) FROM results WHERE order_id = ?"))),
                ("events", .int(try count("SELECT COUNT(*) FROM hub_events WHERE order_id = ?"))),
            ])),
        ])
    }
}
