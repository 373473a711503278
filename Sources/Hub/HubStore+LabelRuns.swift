import Foundation
internal import GRDB
import PackCore

/// Bulk label runs a station prints for the hub (docs/sync.md, "Label runs"): a list of orders
/// the station renders, or a label file stored here as it came. The station fetches what it
/// prints (`GET /v1/label-runs/{id}/labels`), only its own runs, and reports progress.
extension HubStore {
    /// The largest label file a run may carry unless `label-run add --max-bytes` says otherwise.
    public static let maximumRunBytes = 64 << 20
    /// The states a station may report; `failed` comes with a reason.
    static let runStates: Set<String> = ["queued", "running", "paused", "done", "cancelled", "failed"]
    /// States after which a run is not handed to its station again.
    static let finishedRunStates = ["done", "cancelled", "failed"]

    /// A run's columns without its file (listings never read the file itself).
    static let runColumns = "id, name, station_id, orders, total, printed, state, updated_at, printer, content_name, content_bytes, reason, content IS NOT NULL AS has_file"

    /// What a run prints, as the station fetches it.
    public struct LabelRunLabels: Sendable {
        /// `orders` (JSON lines the station renders) or `labels` (a .zpl or .pdf file).
        public var kind: String
        /// The file name the station keeps it under (its extension says ZPL or PDF).
        public var name: String
        /// The bytes.
        public var bytes: [UInt8]
    }

    /// Creates a bulk label run of these orders for a station; returns its id. `printer` names
    /// one of the station's printers (its `printer.name` or a bench); nil: the bench's printer.
    public func addLabelRun(name: String, station: String, orders: [String], printer: String? = nil, now: Date = Date()) throws(HubError) -> Int64 {
        guard !orders.isEmpty else { throw HubError(400, "empty_run", "A label run needs at least one order.") }
        try Self.checkPrinterName(printer)
        return try write { db in
            let stationID = try Self.stationID(station, db)
            var bytes = 0
            for id in orders {
                guard let body = try String.fetchOne(db, sql: "SELECT body FROM orders WHERE id = ?", arguments: [id]) else {
                    throw HubError(404, "unknown_order", "Order \(id) is not on this hub; import it first. No run was created.")
                }
                bytes += body.utf8.count + 1
            }
            try db.execute(
                sql: "INSERT INTO label_runs (name, station_id, orders, total, updated_at, printer, content_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [name, stationID, JSONValue.array(orders.map(JSONValue.string)).jsonText, orders.count, now.timeIntervalSince1970, printer, bytes])
            return db.lastInsertedRowID
        }
    }

    /// Creates a run that prints a label file (`.zpl` or `.pdf`, at most `maximumBytes`) for a
    /// station; returns its id. The station counts its labels; until it does, the total is 0.
    public func addLabelRun(name: String, station: String, fileName: String, bytes: [UInt8], printer: String? = nil, maximumBytes: Int = maximumRunBytes, now: Date = Date()) throws(HubError) -> Int64 {
        let ext = (fileName as NSString).pathExtension.lowercased()
        guard ext == "zpl" || ext == "pdf" else {
            throw HubError(400, "not_a_label_file", "\(fileName) is not a label file: a run prints a .zpl or .pdf file. No run was created.")
        }
        guard !bytes.isEmpty else { throw HubError(400, "empty_run", "\(fileName) is empty; a run needs labels. No run was created.") }
        guard bytes.count <= maximumBytes else {
            throw HubError(413, "run_too_large", "\(fileName) is \(bytes.count) bytes; a run carries at most \(maximumBytes) (--max-bytes). Split it into several runs. No run was created.", limit: maximumBytes)
        }
        try Self.checkPrinterName(printer)
        let base = (fileName as NSString).lastPathComponent
        return try write { db in
            let stationID = try Self.stationID(station, db)
            try db.execute(
                sql: """
                    INSERT INTO label_runs (name, station_id, orders, total, updated_at, printer, content, content_name, content_bytes)
                    VALUES (?, ?, '[]', 0, ?, ?, ?, ?, ?)
                    """,
                arguments: [name, stationID, now.timeIntervalSince1970, printer, Data(bytes), base, bytes.count])
            return db.lastInsertedRowID
        }
    }

    /// The label runs assigned to a station that are not finished, as JSON.
    public func labelRuns(for station: Station) async throws(HubError) -> [JSONValue] {
        try await readAsync { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.runColumns) FROM label_runs WHERE station_id = ? AND state NOT IN ('done', 'cancelled', 'failed') ORDER BY id",
                arguments: [station.id]
            ).map(Self.runJSON)
        }
    }

    /// Every label run (newest first), with its station's name: `label-run list`.
    public func listLabelRuns(station: String? = nil, limit: Int = 100) throws(HubError) -> [JSONValue] {
        try read { db in try Self.labelRunRows(station: station, limit: limit, db) }
    }

    /// Every label run (newest first), with its station's name: `GET /v1/admin/label-runs`.
    public func listLabelRunsAsync(station: String? = nil, limit: Int = 100) async throws(HubError) -> [JSONValue] {
        try await readAsync { db in try Self.labelRunRows(station: station, limit: limit, db) }
    }

    private static func labelRunRows(station: String?, limit: Int, _ db: Database) throws -> [JSONValue] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT \(runColumns.split(separator: ", ").map { "r." + $0 }.joined(separator: ", ")), s.name AS station FROM label_runs r JOIN stations s ON s.id = r.station_id
                WHERE ? IS NULL OR s.name = ? ORDER BY r.id DESC LIMIT ?
                """,
            arguments: [station, station, limit]
        ).map { row in
            guard case .object(var members) = try Self.runJSON(row) else { return .null }
            members.insert(("station", .string(row["station"])), at: 1)
            return .object(members)
        }
    }

    /// What a run prints, for the station it is assigned to only (others get 404, as for a run
    /// that does not exist: a station learns nothing of other stations' runs).
    public func labelRunLabels(run id: Int64, for station: Station) async throws(HubError) -> LabelRunLabels {
        try await readAsync { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM label_runs WHERE id = ?", arguments: [id]), (row["station_id"] as Int64) == station.id else {
                throw HubError(404, "unknown_run", "Label run \(id) is not assigned to station '\(station.name)'.")
            }
            if let content = row["content"] as Data? {
                return LabelRunLabels(kind: "labels", name: row["content_name"] ?? "run-\(id).zpl", bytes: Array(content))
            }
            let ids = (try? JSONParser.parse(row["orders"] as String)).flatMap { doc -> [String]? in
                guard case .array(let items) = doc else { return nil }
                return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
            } ?? []
            var text = ""
            for orderID in ids {
                guard let body = try String.fetchOne(db, sql: "SELECT body FROM orders WHERE id = ?", arguments: [orderID]) else {
                    throw HubError(409, "run_order_gone", "Order \(orderID) of label run \(id) is no longer on the hub; the run cannot print. Cancel it and add a new one.")
                }
                text += body + "\n"
            }
            return LabelRunLabels(kind: "orders", name: "run-\(id).jsonl", bytes: Array(text.utf8))
        }
    }

    /// Records a run's progress: `printed` never goes back; a station that counted a label
    /// file's labels sets its total with the first report. `reason` says why a run failed.
    public func reportProgress(run id: Int64, printed: Int, state: String, total: Int? = nil, reason: String? = nil, from station: Station, now: Date = Date()) async throws(HubError) -> JSONValue {
        guard Self.runStates.contains(state) else {
            throw HubError(422, "wrong_type", "state must be one of \(Self.runStates.sorted().joined(separator: ", ")), not '\(state)'.", problems: [.init(path: "state", message: "unknown state '\(state)'")])
        }
        return try await writeAsync { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.runColumns) FROM label_runs WHERE id = ?", arguments: [id]), (row["station_id"] as Int64) == station.id else {
                throw HubError(404, "unknown_run", "Label run \(id) is not assigned to station '\(station.name)'.")
            }
            var runTotal: Int = row["total"]
            let before: Int = row["printed"]
            // The station counts labels (an order makes one per package; a file as a printer
            // reads it): its count replaces the hub's until the first label is reported.
            if let total, total >= 0, before == 0 || total == runTotal { runTotal = total }
            guard printed >= before, printed <= runTotal else {
                throw HubError(409, "bad_progress", "printed must be between \(before) (already reported) and \(runTotal) (the run's size), not \(printed).")
            }
            try db.execute(
                sql: "UPDATE label_runs SET printed = ?, state = ?, total = ?, reason = ?, updated_at = ? WHERE id = ?",
                arguments: [printed, state, runTotal, reason, now.timeIntervalSince1970, id])
            return try Self.runJSON(Row.fetchOne(db, sql: "SELECT \(Self.runColumns) FROM label_runs WHERE id = ?", arguments: [id])!)
        }
    }

    static func runJSON(_ row: Row) throws -> JSONValue {
        let orders = (try? JSONParser.parse(row["orders"] as String)) ?? .array([])
        let isFile: Bool = row["has_file"]
        let content = JSONValue.object([
            ("kind", .string(isFile ? "labels" : "orders")),
            ("name", .string(isFile ? (row["content_name"] ?? "run.zpl") : "run-\(row["id"] as Int64).jsonl")),
            ("bytes", .int((row["content_bytes"] as Int?) ?? 0)),
        ])
        return .object([
            ("id", .string(String(row["id"] as Int64))), ("name", .string(row["name"])), ("orders", orders),
            ("total", .int(row["total"])), ("printed", .int(row["printed"])), ("state", .string(row["state"])),
            ("printer", .optional(row["printer"] as String?)), ("content", content), ("reason", .optional(row["reason"] as String?)),
            ("updated_at", .string(timestamp(row["updated_at"]))),
        ])
    }

    private static func stationID(_ station: String, _ db: Database) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM stations WHERE name = ?", arguments: [station]) else {
            throw HubError(404, "unknown_station", "No station named '\(station)'; add it first with `packstation-hub station add \(station)`.")
        }
        return id
    }

    private static func checkPrinterName(_ printer: String?) throws(HubError) {
        guard let printer else { return }
        guard !printer.isEmpty, printer.count <= 200, printer.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw HubError(400, "bad_printer_name", "--printer is 1 to 200 printable characters: the name of one of the station's printers (its printer.name or a bench name). No run was created.")
        }
    }
}
