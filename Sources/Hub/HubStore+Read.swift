import Foundation
internal import GRDB
import PackCore

extension HubStore {
    /// Counts for the read API and the page.
    public func summary() async throws(HubError) -> JSONValue {
        try await readAsync { db in
            let n = { (sql: String) in try Int.fetchOne(db, sql: sql) ?? 0 }
            return .object([
                ("orders", .int(try n("SELECT COUNT(*) FROM orders"))),
                ("orders_packed", .int(try n("SELECT COUNT(*) FROM orders WHERE packed_at IS NOT NULL"))),
                ("results", .int(try n("SELECT COUNT(*) FROM results WHERE type = 'pack_result'"))),
                ("events", .int(try n("SELECT COUNT(*) FROM results WHERE type = 'event'"))),
                ("result_orders", .int(try n("SELECT COUNT(DISTINCT order_id) FROM results WHERE type = 'pack_result'"))),
                ("stations", .int(try n("SELECT COUNT(*) FROM stations"))),
            ])
        }
    }

    /// Orders newest first, with their lifecycle state (`lifecycle_state`: ready … delivered,
    /// exception, cancelled; docs/lifecycle.md) and the older pack-queue view `state` (`queued`,
    /// `packed`, or the order's own status), kept because scripts/attack.py reads it.
    public func listOrders(limit: Int) async throws(HubError) -> [JSONValue] {
        try await readAsync { db in
            try Row.fetchAll(db, sql: """
                SELECT o.id, o.status, o.state AS lifecycle_state, o.packed_at, o.packed_outcome, s.name AS station FROM orders o
                LEFT JOIN stations s ON s.id = o.station_id ORDER BY o.imported_at DESC, o.id LIMIT ?
                """, arguments: [limit]).map { row in
                let packedAt: Double? = row["packed_at"]
                let status: String = row["status"]
                return .object([
                    ("id", .string(row["id"])), ("status", .string(status)),
                    ("state", .string(packedAt != nil ? "packed" : status == "ready" ? "queued" : status)),
                    ("lifecycle_state", .string(row["lifecycle_state"])),
                    ("station", .optional(row["station"])), ("packed_at", .optional(packedAt.map(Self.timestamp))),
                    ("outcome", .optional(row["packed_outcome"])),
                ])
            }
        }
    }

    /// Stations, online or not, with their last device status.
    public func listStations(now: Date = Date()) async throws(HubError) -> [JSONValue] {
        try await readAsync { db in
            try Row.fetchAll(db, sql: "SELECT id, name, last_seen, status FROM stations ORDER BY name").map { row in
                let seen: Double? = row["last_seen"]
                let status = (row["status"] as String?).flatMap { try? JSONParser.parse($0) }
                return .object([
                    ("name", .string(row["name"])),
                    ("online", .bool(seen.map { now.timeIntervalSince1970 - $0 <= Self.onlineWindow } ?? false)),
                    ("last_seen", .optional(seen.map(Self.timestamp))),
                    ("scanners", status?["scanners"] ?? .array([])), ("printers", status?["printers"] ?? .array([])),
                ])
            }
        }
    }

    /// Results and events received, newest first, optionally for one order.
    public func listResults(orderID: String?, limit: Int) async throws(HubError) -> [JSONValue] {
        try await readAsync { db in
            let rows: [Row]
            let sql = "SELECT r.key, r.type, r.order_id, r.body, r.received_at, s.name AS station FROM results r JOIN stations s ON s.id = r.station_id"
            if let orderID {
                rows = try Row.fetchAll(db, sql: sql + " WHERE r.order_id = ? ORDER BY r.id DESC LIMIT ?", arguments: [orderID, limit])
            } else {
                rows = try Row.fetchAll(db, sql: sql + " ORDER BY r.id DESC LIMIT ?", arguments: [limit])
            }
            return rows.map { row in
                .object([
                    ("key", .string(row["key"])), ("type", .string(row["type"])), ("order_id", .optional(row["order_id"])),
                    ("station", .string(row["station"])), ("received_at", .string(Self.timestamp(row["received_at"]))),
                    ("body", (try? JSONParser.parse(row["body"] as String)) ?? .null),
                ])
            }
        }
    }
}
