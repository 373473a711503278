import Foundation
internal import GRDB
import PackCore

extension HubStore {
    /// Stores a station's device status (the heartbeat body, already checked) and marks it seen.
    public func recordStatus(_ status: JSONValue, from station: Station, now: Date = Date()) async throws(HubError) {
        let text = status.jsonText
        try await writeAsync { db in
            try db.execute(sql: "UPDATE stations SET status = ?, last_seen = ? WHERE id = ?", arguments: [text, now.timeIntervalSince1970, station.id])
        }
    }

    /// Creates a bulk label run of these orders for a station; returns its id.
    public func addLabelRun(name: String, station: String, orders: [String], now: Date = Date()) throws(HubError) -> Int64 {
        guard !orders.isEmpty else { throw HubError(400, "empty_run", "A label run needs at least one order.") }
        return try write { db in
            guard let stationID = try Int64.fetchOne(db, sql: "SELECT id FROM stations WHERE name = ?", arguments: [station]) else {
                throw HubError(404, "unknown_station", "No station named '\(station)'; add it first with `packstation-hub station add \(station)`.")
            }
            for id in orders where try Int.fetchOne(db, sql: "SELECT 1 FROM orders WHERE id = ?", arguments: [id]) == nil {
                throw HubError(404, "unknown_order", "Order \(id) is not on this hub; import it first. No run was created.")
            }
            try db.execute(
                sql: "INSERT INTO label_runs (name, station_id, orders, total, updated_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, stationID, JSONValue.array(orders.map(JSONValue.string)).jsonText, orders.count, now.timeIntervalSince1970])
            return db.lastInsertedRowID
        }
    }

    static let runStates: Set<String> = ["queued", "running", "paused", "done", "cancelled"]

    /// The label runs assigned to a station that are not finished, as JSON.
    public func labelRuns(for station: Station) async throws(HubError) -> [JSONValue] {
        try await readAsync { db in
            try Row.fetchAll(db, sql: "SELECT * FROM label_runs WHERE station_id = ? AND state NOT IN ('done', 'cancelled') ORDER BY id", arguments: [station.id]).map(Self.runJSON)
        }
    }

    /// Records a run's progress: `printed` never goes back nor past the total.
    public func reportProgress(run id: Int64, printed: Int, state: String, from station: Station, now: Date = Date()) async throws(HubError) -> JSONValue {
        guard Self.runStates.contains(state) else {
            throw HubError(422, "wrong_type", "state must be one of \(Self.runStates.sorted().joined(separator: ", ")), not '\(state)'.", problems: [.init(path: "state", message: "unknown state '\(state)'")])
        }
        return try await writeAsync { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM label_runs WHERE id = ?", arguments: [id]), (row["station_id"] as Int64) == station.id else {
                throw HubError(404, "unknown_run", "Label run \(id) is not assigned to station '\(station.name)'.")
            }
            let total: Int = row["total"]
            let before: Int = row["printed"]
            guard printed >= before, printed <= total else {
                throw HubError(409, "bad_progress", "printed must be between \(before) (already reported) and \(total) (the run's size), not \(printed).")
            }
            try db.execute(sql: "UPDATE label_runs SET printed = ?, state = ?, updated_at = ? WHERE id = ?", arguments: [printed, state, now.timeIntervalSince1970, id])
            return try Self.runJSON(Row.fetchOne(db, sql: "SELECT * FROM label_runs WHERE id = ?", arguments: [id])!)
        }
    }

    static func runJSON(_ row: Row) throws -> JSONValue {
        let orders = (try? JSONParser.parse(row["orders"] as String)) ?? .array([])
        return .object([
            ("id", .string(String(row["id"] as Int64))), ("name", .string(row["name"])), ("orders", orders),
            ("total", .int(row["total"])), ("printed", .int(row["printed"])), ("state", .string(row["state"])),
            ("updated_at", .string(timestamp(row["updated_at"]))),
        ])
    }

    static func timestamp(_ t: Double) -> String {
        Date(timeIntervalSince1970: t).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
