import Foundation
internal import GRDB
import PackCore

extension HubStore {
    /// Migration "v5-page-pack-stats": one row per pack result with what the page counts (its
    /// station, packer, outcome, end time, scans and error verdicts), filled by a trigger in the
    /// transaction that stores the result, so the page never parses 100,000 bodies to draw a
    /// chart. Existing results are counted when the migration runs. The error verdicts are
    /// `ScanErrors.errorVerdicts` as of this migration (a later change needs a migration of its own).
    static let pagePackStatsMigration = """
        CREATE TABLE page_pack_stats (
            result_id INTEGER PRIMARY KEY,
            station_id INTEGER NOT NULL,
            packer TEXT,
            outcome TEXT NOT NULL,
            ended_at REAL NOT NULL,
            scans INTEGER NOT NULL,
            errors INTEGER NOT NULL);
        CREATE INDEX page_pack_stats_ended ON page_pack_stats(ended_at);
        CREATE INDEX page_orders_held ON orders(state) WHERE status = 'on_hold';
        CREATE TRIGGER page_pack_stats_insert AFTER INSERT ON results WHEN NEW.type = 'pack_result' BEGIN
            INSERT OR REPLACE INTO page_pack_stats (result_id, station_id, packer, outcome, ended_at, scans, errors)
            SELECT \(pagePackStatsColumns("NEW"));
        END;
        INSERT INTO page_pack_stats (result_id, station_id, packer, outcome, ended_at, scans, errors)
            SELECT \(pagePackStatsColumns("r")) FROM results r WHERE r.type = 'pack_result';
        """

    /// Migration "v5-hubperf-packer-seconds": each pack result's pack time (from `started_at` to
    /// `ended_at`, in seconds; none when either is missing) kept beside its other figures, so the
    /// packers' table (on every render of the page) reads `page_pack_stats` instead of parsing
    /// every pack result's body five times (20,000 results: docs/benchmarks.md). The trigger is
    /// the one of "v5-page-pack-stats" with the new column.
    static let packerSecondsMigration = """
        ALTER TABLE page_pack_stats ADD COLUMN pack_seconds REAL;
        UPDATE page_pack_stats SET pack_seconds = (SELECT \(packSeconds("r")) FROM results r WHERE r.id = page_pack_stats.result_id);
        CREATE INDEX page_pack_stats_packer ON page_pack_stats(packer, outcome, pack_seconds);
        DROP TRIGGER page_pack_stats_insert;
        CREATE TRIGGER page_pack_stats_insert AFTER INSERT ON results WHEN NEW.type = 'pack_result' BEGIN
            INSERT OR REPLACE INTO page_pack_stats (result_id, station_id, packer, outcome, ended_at, scans, errors, pack_seconds)
            SELECT \(pagePackStatsColumns("NEW")), \(packSeconds("NEW"));
        END;
        """

    private static func packSeconds(_ r: String) -> String {
        "(julianday(json_extract(\(r).body, '$.ended_at')) - julianday(json_extract(\(r).body, '$.started_at'))) * 86400.0"
    }

    private static func pagePackStatsColumns(_ r: String) -> String {
        let errors = ["wrong_item", "over_quantity", "unknown_barcode", "invalid_barcode", "order_blocked", "serial_required",
                      "duplicate_serial", "no_order_open", "order_already_open", "nothing_to_undo", "override_refused",
                      "command_rejected", "nothing_to_reprint", "packer_required", "order_unavailable"]
            .map { "'\($0)'" }.joined(separator: ",")
        return """
            \(r).id, \(r).station_id, json_extract(\(r).body, '$.packer'), COALESCE(json_extract(\(r).body, '$.outcome'), ''),
                COALESCE((julianday(json_extract(\(r).body, '$.ended_at')) - 2440587.5) * 86400.0, \(r).received_at),
                (SELECT COUNT(*) FROM json_each(\(r).body, '$.scans')),
                (SELECT COUNT(*) FROM json_each(\(r).body, '$.scans') WHERE json_extract(value, '$.verdict') IN (\(errors)))
            """
    }

    /// Everything the page shows live, read in one transaction (one consistent picture).
    public func pageFigures(now: Date = Date()) async throws(HubError) -> PageFigures {
        try await readAsync { db in try Self.pageFigures(db, now: now) }
    }

    static func pageFigures(_ db: Database, now: Date) throws -> PageFigures {
        let t = now.timeIntervalSince1970
        let lastEvent = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM hub_events") ?? 0

        // States: the lifecycle's (the index orders_state), in its order; the ready orders on hold
        // (the partial index page_orders_held) are counted apart, so the counts add up to all orders.
        var byState: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM orders GROUP BY state") {
            byState[row["state"], default: 0] += row["n"] as Int
        }
        let held = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders WHERE status = 'on_hold' AND state = 'ready'") ?? 0
        byState["ready", default: 0] -= held
        byState["on_hold", default: 0] += held
        let order = OrderState.allCases.map(\.rawValue) + ["on_hold"]
        var states = order.map { PageFigures.StateCount(state: $0, count: byState[$0] ?? 0) }
        states += byState.keys.filter { !order.contains($0) }.sorted().map { PageFigures.StateCount(state: $0, count: byState[$0] ?? 0) }

        // Packed per hour, by station and by packer.
        let window = PackedPerHour.window(now: now)
        let rows = try Row.fetchAll(db, sql: """
            SELECT s.name AS station, p.packer AS packer, CAST(p.ended_at / 3600 AS INTEGER) AS hour, COUNT(*) AS n
            FROM page_pack_stats p JOIN stations s ON s.id = p.station_id
            WHERE p.outcome IN ('packed', 'short_shipped') AND p.ended_at >= ? AND p.ended_at < ?
            GROUP BY s.name, p.packer, hour
            """, arguments: [Double(window.lowerBound) * 3600, Double(window.upperBound + 1) * 3600])
        let stationRows = rows.map { PackedPerHour.Row(key: $0["station"], hour: $0["hour"], count: $0["n"]) }
        let packerRows = rows.map { PackedPerHour.Row(key: $0["packer"], hour: $0["hour"], count: $0["n"]) }
        let packed = PackedPerHour(
            hourStarts: window.map { $0 * 3600 },
            byStation: PackedPerHour.series(stationRows, window: window),
            byPacker: PackedPerHour.series(packerRows, window: window))

        // Error verdicts per 100 scans, per station.
        let rates = try Row.fetchAll(db, sql: """
            SELECT s.name AS station, SUM(p.scans) AS scans, SUM(p.errors) AS errors
            FROM page_pack_stats p JOIN stations s ON s.id = p.station_id
            WHERE p.outcome IN ('packed', 'short_shipped', 'abandoned') AND p.ended_at >= ? AND p.ended_at <= ?
            GROUP BY s.name ORDER BY s.name
            """, arguments: [t - ScanErrors.window, t]).map { ScanErrors.Rate(station: $0["station"], scans: $0["scans"], errors: $0["errors"]) }

        // The backlog: the queue's orders (the partial index orders_queue), by rank and age bucket.
        var backlog = Backlog()
        let bounds = Backlog.bucketBounds
        for row in try Row.fetchAll(db, sql: """
            SELECT priority_rank AS rank,
                   CASE WHEN ? - imported_at < ? THEN 0 WHEN ? - imported_at < ? THEN 1 WHEN ? - imported_at < ? THEN 2 ELSE 3 END AS bucket,
                   COUNT(*) AS n
            FROM orders WHERE status = 'ready' AND packed_at IS NULL GROUP BY rank, bucket
            """, arguments: [t, bounds[0], t, bounds[1], t, bounds[2]]) {
            let rank: Int = row["rank"], bucket: Int = row["bucket"]
            if backlog.counts.indices.contains(rank) { backlog.counts[rank][bucket] += row["n"] as Int }
        }

        // Stations' health from their last heartbeat.
        let stations = try Row.fetchAll(db, sql: "SELECT name, last_seen, status FROM stations ORDER BY name").map { row in
            let seen: Double? = row["last_seen"]
            let status = (row["status"] as String?).flatMap { try? JSONParser.parse($0) }
            let devices = { (key: String) -> [StationHealth.Device] in
                guard case .array(let list)? = status?[key] else { return [] }
                return list.map { d in StationHealth.Device(name: d["name"]?.pageString ?? "", state: d["state"]?.pageString ?? "") }
            }
            var pending: Int?
            if case .number(let n)? = status?["outbox_pending"] { pending = Int(n) }
            let oldest = status?["oldest_pending_at"]?.pageString.flatMap(Self.parseDateTime)
            return StationHealth(name: row["name"], lastSeen: seen.map(Date.init(timeIntervalSince1970:)),
                                 scanners: devices("scanners"), printers: devices("printers"), outboxPending: pending, oldestPendingAt: oldest)
        }
        return PageFigures(now: now, lastEventID: lastEvent, states: states, packedPerHour: packed,
                           scanErrors: ScanErrors(stations: rates), backlog: backlog, stations: stations)
    }

    /// An RFC 3339 date-time as heartbeats send it, with or without fractional seconds.
    static func parseDateTime(_ s: String) -> Date? {
        if let d = try? Date(s, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return d }
        return try? Date(s, strategy: Date.ISO8601FormatStyle())
    }
}

extension JSONValue {
    /// The string, when this is one.
    var pageString: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The elements, when this is an array (else none).
    var pageElements: [JSONValue] {
        if case .array(let a) = self { return a }
        return []
    }

    /// The whole number, when this is one.
    var pageInt: Int? {
        if case .number(let n) = self { return Int(n) }
        return nil
    }
}
