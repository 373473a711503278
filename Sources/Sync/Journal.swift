import Foundation
internal import GRDB
import PackCore
import Synchronization

/// The station's durable journal: pack results and the outbox that carries them to the server,
/// in one SQLite file (WAL, synchronous commits). A result and its outbox entry are written in
/// one transaction, so a crash (kill -9, power cut) keeps both or neither.
public final class Journal: Sendable {
    /// The file name inside the data directory.
    public static let fileName = "journal.sqlite"

    /// The journal file.
    public let path: String
    let pool: DatabasePool
    /// Where `writer`'s writes run: off the cooperative pool.
    let writerThread = JournalWriterThread(name: "packstation.journal")
    private let listeners = Mutex<[UUID: AsyncStream<Void>.Continuation]>([:])

    /// Opens (or creates) the journal in `directory`, creating the directory if needed.
    public init(directory: String) throws(SyncError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SyncError(code: "journal.directory", message: "Cannot create the data directory \(directory): \(error.localizedDescription). Set --data-dir or PACKSTATION_DATA_DIR to a writable directory.")
        }
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // FULL: every commit is on disk (WAL fsync) before recordResult returns.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB turns WAL connections to `synchronous = NORMAL` after `prepareDatabase` ran
            // (Database.setUpWALMode): a commit would survive kill -9 but not a power cut. The
            // writer is set back to FULL here, so a verdict is on disk when the packer sees it.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try Self.migrator.migrate(pool)
        } catch {
            throw SyncError(code: "journal.open", message: "Cannot open the journal \(path): \(error). Check the file's permissions and free disk space.")
        }
    }

    private static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE results (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    order_id TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    body TEXT NOT NULL,
                    recorded_at REAL NOT NULL);
                CREATE INDEX results_order ON results(order_id);
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    key TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    order_id TEXT,
                    body TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    rejected TEXT);
                CREATE TABLE sync_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    last_success_at REAL,
                    last_error TEXT,
                    last_error_at REAL);
                INSERT INTO sync_state (id) VALUES (1);
                CREATE TABLE order_cache (
                    id TEXT PRIMARY KEY,
                    body TEXT NOT NULL,
                    packed INTEGER NOT NULL DEFAULT 0,
                    fetched_at REAL NOT NULL);
                CREATE TABLE order_cache_barcodes (
                    barcode TEXT PRIMARY KEY,
                    order_id TEXT NOT NULL REFERENCES order_cache(id) ON DELETE CASCADE);
                """)
        }
        m.registerMigration("v2-bench") { db in
            try db.execute(sql: """
                CREATE TABLE bench_inputs (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    bench TEXT NOT NULL,
                    input TEXT NOT NULL,
                    at REAL NOT NULL);
                CREATE INDEX bench_inputs_bench ON bench_inputs(bench, seq);
                CREATE TABLE label_jobs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    bench TEXT NOT NULL,
                    order_id TEXT NOT NULL,
                    format TEXT NOT NULL,
                    document BLOB NOT NULL,
                    preview BLOB,
                    state TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    created_at REAL NOT NULL,
                    printed_at REAL);
                CREATE INDEX label_jobs_state ON label_jobs(state, id);
                """)
        }
        // What the server said when it refused an entry: its code and when, beside the message.
        m.registerMigration("v3-rejected-code") { db in
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN rejected_code TEXT;
                ALTER TABLE outbox ADD COLUMN rejected_at REAL;
                """)
        }
        // The hub's packer list and each bench's reprint memory (Journal+Packers.swift).
        m.registerMigration("v4-packers") { db in try db.execute(sql: Self.packersSchema) }
        m.registerMigration("v4-offline-order-cache") { db in try migrateOrderCache(db) }
        m.registerMigration("v5-dock-packages") { db in try db.execute(sql: Self.dockSchema) }
        return m
    }

    // MARK: Writing

    /// Records a pack result: the local result row, the cached order marked packed, and the
    /// outbox entry, in one synchronous transaction. Returns the entry.
    @discardableResult
    public func recordResult(_ result: PackResult, at now: Date = Date()) throws(SyncError) -> OutboxEntry {
        try recordResult(result, at: now) { _ in }
    }

    /// recordResult, plus `also` in the same transaction.
    func recordResult(_ result: PackResult, at now: Date, also: (Database) throws -> Void) throws(SyncError) -> OutboxEntry {
        let body = result.json.jsonText
        let entry = OutboxEntry(sequence: 0, key: UUID().uuidString.lowercased(), kind: .packResult, orderID: result.orderID, body: body, createdAt: now, attempts: 0)
        let written = try write { db in
            try db.execute(
                sql: "INSERT INTO results (order_id, outcome, body, recorded_at) VALUES (?, ?, ?, ?)",
                arguments: [result.orderID, result.outcome.rawValue, body, now.timeIntervalSince1970])
            if result.outcome == .packed || result.outcome == .shortShipped {
                try db.execute(sql: "UPDATE order_cache SET packed = 1 WHERE id = ?", arguments: [result.orderID])
            }
            try also(db)
            return try Self.insert(entry, db)
        }
        notify()
        return written
    }

    /// Records an event (label printed, device fault, ...) for the server, in order with the
    /// results of the same order. `data` must be a JSON object.
    @discardableResult
    public func recordEvent(kind: String, orderID: String?, data: JSONValue = .object([]), at now: Date = Date()) throws(SyncError) -> OutboxEntry {
        let entry = Self.event(kind: kind, orderID: orderID, data: data, at: now)
        let written = try write { db in try Self.insert(entry, db) }
        notify()
        return written
    }

    /// An event's outbox entry, with its idempotency key.
    static func event(kind: String, orderID: String?, data: JSONValue, at now: Date) -> OutboxEntry {
        let body = JSONValue.object([
            ("kind", .string(kind)), ("order_id", .optional(orderID)),
            ("at", .string(now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))), ("data", data),
        ]).jsonText
        return OutboxEntry(sequence: 0, key: UUID().uuidString.lowercased(), kind: .event, orderID: orderID, body: body, createdAt: now, attempts: 0)
    }

    static func insert(_ entry: OutboxEntry, _ db: Database) throws -> OutboxEntry {
        try db.execute(
            sql: "INSERT INTO outbox (key, kind, order_id, body, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [entry.key, entry.kind.rawValue, entry.orderID, entry.body, entry.createdAt.timeIntervalSince1970])
        var e = entry
        e.sequence = db.lastInsertedRowID
        return e
    }

    // MARK: The outbox, for the sync service

    /// The oldest pending entries, in the order they were written (refused ones are skipped).
    public func pending(limit: Int) throws(SyncError) -> [OutboxEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE rejected IS NULL ORDER BY seq LIMIT ?", arguments: [limit]).map(Self.entry)
        }
    }

    /// Removes entries the server has stored (or already had), and notes the success.
    public func acknowledge(_ keys: [String], at now: Date = Date()) throws(SyncError) {
        try write { db in
            for key in keys { try db.execute(sql: "DELETE FROM outbox WHERE key = ?", arguments: [key]) }
            try db.execute(sql: "UPDATE sync_state SET last_success_at = ?, last_error = NULL, last_error_at = NULL", arguments: [now.timeIntervalSince1970])
        }
    }

    /// Keeps an entry the server refused for good out of the queue, with the server's code and
    /// reason (never deleted; `packstation sync status` lists it).
    public func reject(key: String, code: String?, reason: String, at now: Date = Date()) throws(SyncError) {
        try write { db in
            try db.execute(sql: "UPDATE outbox SET rejected = ?, rejected_code = ?, rejected_at = ? WHERE key = ?", arguments: [reason, code, now.timeIntervalSince1970, key])
        }
    }

    /// Notes a failed attempt for these entries and the error shown by `sync status`.
    public func noteFailure(_ message: String, keys: [String], at now: Date = Date()) throws(SyncError) {
        try write { db in
            for key in keys { try db.execute(sql: "UPDATE outbox SET attempts = attempts + 1 WHERE key = ?", arguments: [key]) }
            try db.execute(sql: "UPDATE sync_state SET last_error = ?, last_error_at = ?", arguments: [message, now.timeIntervalSince1970])
        }
    }

    /// What is waiting, since when, and how the last attempt went.
    public func status() throws(SyncError) -> OutboxStatus {
        try read { db in
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE rejected IS NULL") ?? 0
            let oldest = try Double.fetchOne(db, sql: "SELECT MIN(created_at) FROM outbox WHERE rejected IS NULL")
            let rejected = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE rejected IS NOT NULL") ?? 0
            let results = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results") ?? 0
            let state = try Row.fetchOne(db, sql: "SELECT * FROM sync_state WHERE id = 1")
            return OutboxStatus(
                pending: pending, oldestPendingAt: oldest.map(Date.init(timeIntervalSince1970:)), rejected: rejected, results: results,
                lastSuccessAt: (state?["last_success_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                lastError: state?["last_error"], lastErrorAt: (state?["last_error_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
    }

    /// An entry the server refused, kept aside.
    public struct RejectedEntry: Hashable, Sendable {
        /// The entry as it was sent.
        public var entry: OutboxEntry
        /// The server's code (`key_reused`, `not_your_order`, ...), when it gave one.
        public var code: String?
        /// What the server said.
        public var reason: String
        /// When it was refused.
        public var rejectedAt: Date?
    }

    /// The entries the server refused, with its reasons, oldest first.
    public func rejectedEntries() throws(SyncError) -> [RejectedEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE rejected IS NOT NULL ORDER BY seq").map {
                RejectedEntry(entry: try Self.entry($0), code: $0["rejected_code"], reason: $0["rejected"], rejectedAt: ($0["rejected_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    /// The pack results recorded for an order, oldest first, as JSON text.
    public func results(forOrder orderID: String) throws(SyncError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT body FROM results WHERE order_id = ? ORDER BY id", arguments: [orderID]) }
    }

    /// A signal for each new outbox entry (the sync service wakes on it).
    public func recorded() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        listeners.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in self?.listeners.withLock { _ = $0.removeValue(forKey: id) } }
        return stream
    }

    func notify() {
        let all = listeners.withLock { Array($0.values) }
        for c in all { c.yield() }
    }

    private static func entry(_ row: Row) throws -> OutboxEntry {
        OutboxEntry(
            sequence: row["seq"], key: row["key"], kind: OutboxEntry.Kind(rawValue: row["kind"]) ?? .event, orderID: row["order_id"],
            body: row["body"], createdAt: Date(timeIntervalSince1970: row["created_at"]), attempts: row["attempts"])
    }

    // MARK: Plumbing

    func write<T>(_ body: (Database) throws -> T) throws(SyncError) -> T {
        do { return try pool.write(body) } catch {
            throw SyncError(code: "journal.write", message: "Cannot write the journal \(path): \(error). Check free disk space; nothing was recorded.")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(SyncError) -> T {
        do { return try pool.read(body) } catch {
            throw SyncError(code: "journal.read", message: "Cannot read the journal \(path): \(error).")
        }
    }
}
