import Foundation
internal import GRDB
import PackCore

/// The hub's database: one SQLite file (WAL). Every API write is one transaction, so a request
/// is stored whole or not at all.
public final class HubStore: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// Tells readers in this process when events were appended (HubStore+Events.swift).
    public let eventSignal = HubEventSignal()
    private let eventObserver: HubEventObserver
    /// A station counts as online when its last request is at most this old.
    public static let onlineWindow: TimeInterval = 90

    /// Opens (or creates) the database at `path`.
    public init(path: String) throws(HubError) {
        self.path = path
        eventObserver = HubEventObserver(signal: eventSignal)
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        do {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            // Tokens' digests and every order's address: readable by the hub's user only. SQLite
            // gives the -wal and -shm files the database file's mode.
            if !FileManager.default.fileExists(atPath: path) {
                let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
                if fd >= 0 { close(fd) }
            }
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB turns WAL connections to `synchronous = NORMAL` after `prepareDatabase` ran
            // (Database.setUpWALMode): an accepted result would survive a crash but not a power
            // cut, and the agent, told it was stored, deletes its copy. Back to FULL on the writer.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try Self.migrator.migrate(pool)
            pool.add(transactionObserver: eventObserver, extent: .databaseLifetime)
        } catch {
            throw HubError(500, "database", "Cannot open the hub database \(path): \(error). Check the path (--db) and its permissions.")
        }
    }

    private static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE stations (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    token_sha256 TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    last_seen REAL,
                    status TEXT);
                CREATE TABLE orders (
                    id TEXT PRIMARY KEY,
                    body TEXT NOT NULL,
                    status TEXT NOT NULL,
                    station_id INTEGER REFERENCES stations(id),
                    imported_at REAL NOT NULL,
                    packed_at REAL,
                    packed_outcome TEXT);
                CREATE TABLE order_barcodes (
                    barcode TEXT PRIMARY KEY,
                    order_id TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE);
                CREATE TABLE results (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    key TEXT NOT NULL UNIQUE,
                    station_id INTEGER NOT NULL REFERENCES stations(id),
                    type TEXT NOT NULL,
                    order_id TEXT,
                    body TEXT NOT NULL,
                    received_at REAL NOT NULL);
                CREATE INDEX results_order ON results(order_id);
                CREATE TABLE label_runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    station_id INTEGER NOT NULL REFERENCES stations(id),
                    orders TEXT NOT NULL,
                    total INTEGER NOT NULL,
                    printed INTEGER NOT NULL DEFAULT 0,
                    state TEXT NOT NULL DEFAULT 'queued',
                    updated_at REAL NOT NULL);
                """)
        }
        // Idempotency keys scoped per station (two stations may pick the same key), and each
        // result's digest kept so a key sent again with another body is told apart from a retry.
        m.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE results_v2 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    key TEXT NOT NULL,
                    station_id INTEGER NOT NULL REFERENCES stations(id),
                    type TEXT NOT NULL,
                    order_id TEXT,
                    body TEXT NOT NULL,
                    body_sha256 TEXT NOT NULL,
                    received_at REAL NOT NULL,
                    UNIQUE (station_id, key));
                INSERT INTO results_v2 (id, key, station_id, type, order_id, body, body_sha256, received_at)
                    SELECT id, key, station_id, type, order_id, body, '', received_at FROM results;
                DROP TABLE results;
                ALTER TABLE results_v2 RENAME TO results;
                CREATE INDEX results_order ON results(order_id);
                """)
            let rows = try Row.fetchAll(db, sql: "SELECT id, type, order_id, body FROM results")
            for row in rows {
                let body = (try? JSONParser.parse(row["body"] as String)) ?? .string(row["body"])
                let digest = ResultBatch.digest(type: row["type"], orderID: row["order_id"], body: body)
                try db.execute(sql: "UPDATE results SET body_sha256 = ? WHERE id = ?", arguments: [digest, row["id"] as Int64])
            }
        }
        // Urgent first: the queue's sort key in columns of its own (same day 0, express 1,
        // standard 2; the promised ship date, none sorting last), with a partial index in the
        // queue's order so listing the head of 100k orders reads only the rows it returns.
        m.registerMigration("v3") { db in
            try db.execute(sql: """
                ALTER TABLE orders ADD COLUMN priority_rank INTEGER NOT NULL DEFAULT 2;
                ALTER TABLE orders ADD COLUMN ship_by_key TEXT NOT NULL DEFAULT '\(noShipBy)';
                """)
            for row in try Row.fetchAll(db, sql: "SELECT id, body FROM orders") {
                guard let order = try? Order.decode(from: JSONParser.parse(row["body"] as String)) else { continue }
                try db.execute(
                    sql: "UPDATE orders SET priority_rank = ?, ship_by_key = ? WHERE id = ?",
                    arguments: [order.priority.urgencyRank, order.shipBy ?? noShipBy, row["id"] as String])
            }
            try db.execute(sql: """
                CREATE INDEX orders_queue ON orders(priority_rank, ship_by_key, imported_at, id)
                    WHERE status = 'ready' AND packed_at IS NULL;
                """)
        }
        // The hub's list of packers (HubStore+Packers.swift): a badge barcode signs its packer in
        // at any bench. Names and badges are each unique.
        m.registerMigration("v4-packers-list") { db in
            try db.execute(sql: Self.packersTable)
        }
        // Label runs a station fetches and prints (hubruns): the printer a run names, a label
        // file stored as it came (else the run is its orders), its size, and why it failed.
        m.registerMigration("v4-hubruns-label-run-content") { db in
            try db.execute(sql: """
                ALTER TABLE label_runs ADD COLUMN printer TEXT;
                ALTER TABLE label_runs ADD COLUMN content BLOB;
                ALTER TABLE label_runs ADD COLUMN content_name TEXT;
                ALTER TABLE label_runs ADD COLUMN content_bytes INTEGER;
                ALTER TABLE label_runs ADD COLUMN reason TEXT;
                """)
        }
        m.registerMigration("v4-offline-order-changes") { db in try migrateOrderChanges(db) }
        // The event log that webhooks, e-mail notices and the supervisor's page read (HubStore+Events.swift).
        m.registerMigration("v5-lead-hub-events") { db in try db.execute(sql: Self.eventsTable) }
        // The order's lifecycle: orders.state, order_history, packages with tracking, integration tokens (HubStore+Lifecycle.swift).
        m.registerMigration("v5-lifecycle-states") { db in try migrateLifecycle(db) }
        // Automation rules: the imported document beside the effective one, the rules that applied (HubStore+Rules.swift).
        m.registerMigration("v5-rules-applied") { db in try db.execute(sql: Self.rulesTables) }
        // What the supervisor's page counts per pack result, kept by a trigger (HubStore+PageFigures.swift).
        m.registerMigration("v5-page-pack-stats") { db in try db.execute(sql: Self.pagePackStatsMigration) }
        m.registerMigration("v5-dock-loads-closeouts") { db in try migrateDock(db) }
        // Customer e-mail notices: the outbox and its event cursor (HubStore+Notices.swift).
        m.registerMigration("v5-notices-outbox") { db in try db.execute(sql: Self.noticesTables) }
        // Each import deletes an order's barcodes by order_id, which had no index: a scan of every
        // barcode per order, so importing 100k orders took minutes (rules benchmark, docs/benchmarks.md).
        m.registerMigration("v5-rules-order-barcodes-index") { db in try db.execute(sql: "CREATE INDEX order_barcodes_order ON order_barcodes(order_id)") }
        // Webhook subscribers, their deliveries and the fan-out cursor (HubStore+Webhooks.swift).
        m.registerMigration("v5-webhooks-subscribers") { db in try db.execute(sql: Self.webhookTables) }
        // Search by tracking number and customer without parsing every order (HubStore+PageSearch.swift).
        m.registerMigration("v5-hubperf-search-index") { db in try db.execute(sql: Self.searchIndexMigration) }
        // The packers' table from page_pack_stats, not from every result's body (HubStore+PageFigures.swift).
        m.registerMigration("v5-hubperf-packer-seconds") { db in try db.execute(sql: Self.packerSecondsMigration) }
        return m
    }

    /// The ship-by sort key of an order without a promised date: after every real date.
    static let noShipBy = "9999-12-31~"

    // MARK: Stations

    /// An authenticated station.
    public struct Station: Hashable, Sendable {
        /// Its id.
        public var id: Int64
        /// Its name.
        public var name: String
    }

    /// Adds a station and returns its token (`ID.SECRET`), shown once; only its digest is stored.
    public func addStation(name: String, now: Date = Date()) throws(HubError) -> String {
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw HubError(400, "bad_station_name", "A station name is 1 to 64 letters, digits, '-', '_' or '.', not '\(name)'.")
        }
        var bytes = [UInt8](repeating: 0, count: 24)
        var g = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = g.next() }
        let secret = bytes.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        return try write { db in
            if try Int.fetchOne(db, sql: "SELECT 1 FROM stations WHERE name = ?", arguments: [name]) != nil {
                throw HubError(409, "station_exists", "A station named '\(name)' already exists.")
            }
            try db.execute(sql: "INSERT INTO stations (name, token_sha256, created_at) VALUES (?, '', ?)", arguments: [name, now.timeIntervalSince1970])
            let id = db.lastInsertedRowID
            let token = "\(id).\(secret)"
            try db.execute(sql: "UPDATE stations SET token_sha256 = ? WHERE id = ?", arguments: [SHA256.hex(token), id])
            return token
        }
    }

    /// The station a bearer token belongs to; marks it seen.
    public func authenticate(authorization: String?, now: Date = Date()) async throws(HubError) -> Station {
        guard let authorization, !authorization.isEmpty else {
            throw HubError(401, "missing_token", "Send the station's token as 'Authorization: Bearer TOKEN' (from `packstation-hub station add NAME`).")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw HubError(401, "bad_token", "The Authorization header must be 'Bearer TOKEN'.")
        }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        guard let dot = token.firstIndex(of: "."), let id = Int64(token[..<dot]) else {
            throw HubError(401, "bad_token", "The token is not one this hub issued (expected ID.SECRET).")
        }
        let digest = SHA256.hex(token)
        return try await writeAsync { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT name, token_sha256 FROM stations WHERE id = ?", arguments: [id]) else {
                throw HubError(401, "unknown_station", "No station with id \(id) exists on this hub; add it with `packstation-hub station add NAME`.")
            }
            guard (row["token_sha256"] as String) == digest else {
                // Not named: a guessed ID.SECRET must not learn which station the id is.
                throw HubError(401, "bad_token", "The token's secret is wrong; use the token printed by `packstation-hub station add` for this station.")
            }
            try db.execute(sql: "UPDATE stations SET last_seen = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, id])
            return Station(id: id, name: row["name"])
        }
    }

    // MARK: Plumbing

    func write<T>(_ body: (Database) throws -> T) throws(HubError) -> T {
        do { return try pool.write(body) } catch let e as HubError { throw e } catch {
            throw HubError(500, "database", "The hub database failed (\(error)); nothing was stored.")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(HubError) -> T {
        do { return try pool.read(body) } catch let e as HubError { throw e } catch {
            throw HubError(500, "database", "The hub database failed (\(error)).")
        }
    }

    func writeAsync<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(HubError) -> T {
        do { return try await pool.write(body) } catch let e as HubError { throw e } catch {
            throw HubError(500, "database", "The hub database failed (\(error)); nothing was stored.")
        }
    }

    func readAsync<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(HubError) -> T {
        do { return try await pool.read(body) } catch let e as HubError { throw e } catch {
            throw HubError(500, "database", "The hub database failed (\(error)).")
        }
    }
}
