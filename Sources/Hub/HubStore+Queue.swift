import Foundation
internal import GRDB
import PackCore

extension HubStore {
    /// The queue as the page and `packstation-hub queue` show it, most urgent first (the order
    /// of `GET /v1/orders/queue`): for one station by name (its own orders and those for any
    /// station), or every queued order when `station` is nil.
    public func listQueue(station: String? = nil, limit: Int) throws(HubError) -> [JSONValue] {
        try read { db in
            var stationID: Int64?
            if let station {
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM stations WHERE name = ?", arguments: [station]) else {
                    throw HubError(404, "unknown_station", "No station named '\(station)'; `packstation-hub station add \(station)` adds it.")
                }
                stationID = id
            }
            // The order of `queueOrder`, its columns named by table (stations has an id too).
            let filter = stationID == nil ? "" : "AND (o.station_id IS NULL OR o.station_id = ?)"
            let arguments: StatementArguments = stationID.map { [$0, limit] } ?? [limit]
            return try Row.fetchAll(db, sql: """
                SELECT o.id, o.body, o.imported_at, s.name AS station FROM orders o LEFT JOIN stations s ON s.id = o.station_id
                WHERE o.status = 'ready' AND o.packed_at IS NULL \(filter) ORDER BY o.priority_rank, o.ship_by_key, o.imported_at, o.id LIMIT ?
                """, arguments: arguments).map { row in
                let body = try? JSONParser.parse(row["body"] as String)
                return .object([
                    ("id", .string(row["id"])), ("priority", body?["priority"] ?? .string("standard")),
                    ("ship_by", body?["ship_by"] ?? .null), ("station", .optional(row["station"])),
                    ("imported_at", .string(Self.timestamp(row["imported_at"]))),
                ])
            }
        }
    }

    /// How SQLite runs the queue's query (`EXPLAIN QUERY PLAN`, one step a line), for the test
    /// that keeps it an index walk at any size.
    func queuePlan(stationID: Int64) throws(HubError) -> [String] {
        try read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Self.queueSQL, arguments: [stationID, 10]).map { $0["detail"] as String }
        }
    }
}

extension HubStore {
    /// Pack results per packer (null: nobody signed in), most results first: how many, how many
    /// packed whole, and the mean and longest pack time (the result's `ended_at` - `started_at`).
    public func listPackerResults() throws(HubError) -> [JSONValue] {
        try read { db in
            // One row per pack result, kept by a trigger (HubStore+PageFigures.swift), read in the
            // order of its index page_pack_stats_packer: no result body is parsed.
            try Row.fetchAll(db, sql: """
                SELECT packer, COUNT(*) AS results, SUM(outcome = 'packed') AS packed, AVG(pack_seconds) AS mean_seconds, MAX(pack_seconds) AS max_seconds
                FROM page_pack_stats GROUP BY packer ORDER BY results DESC, packer
                """).map { row in
                let mean: Double? = row["mean_seconds"], max: Double? = row["max_seconds"]
                return .object([
                    ("packer", .optional(row["packer"])), ("results", .int(row["results"])), ("packed", .int(row["packed"] ?? 0)),
                    ("mean_pack_seconds", mean.map { .number(String(format: "%.1f", $0)) } ?? .null),
                    ("max_pack_seconds", max.map { .number(String(format: "%.1f", $0)) } ?? .null),
                ])
            }
        }
    }
}
