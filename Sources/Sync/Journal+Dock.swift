import Foundation
internal import GRDB
import PackCore

/// The dock's offline state (docs/dock.md): the hub's open packages as last fetched, the
/// packages this station (or the hub, at the last fetch) saw loaded per carrier and day, the
/// carrier each bench is loading, and each load scan's outbox entry.
extension Journal {
    static let dockSchema = """
        CREATE TABLE dock_packages (
            code TEXT PRIMARY KEY,
            order_id TEXT NOT NULL,
            number INTEGER NOT NULL,
            carrier TEXT NOT NULL,
            carrier_key TEXT NOT NULL,
            service TEXT NOT NULL,
            weight_g INTEGER);
        CREATE INDEX dock_packages_carrier ON dock_packages(carrier_key);
        CREATE TABLE dock_loaded (
            code TEXT NOT NULL,
            carrier_key TEXT NOT NULL,
            day TEXT NOT NULL,
            PRIMARY KEY (code, carrier_key, day));
        CREATE TABLE dock_benches (
            bench TEXT PRIMARY KEY,
            carrier TEXT NOT NULL);
        CREATE TABLE dock_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            fetched_at REAL);
        INSERT INTO dock_state (id) VALUES (1);
        """

    /// A package of the hub's list, and the carrier it was loaded into on the hub's day.
    public struct FetchedPackage: Sendable {
        /// The package.
        public var package: DockPackage
        /// The carrier's trailer it is in already, if any.
        public var loadedInto: String?
        /// Creates one.
        public init(package: DockPackage, loadedInto: String?) {
            self.package = package
            self.loadedInto = loadedInto
        }
    }

    /// Replaces the cached package list with the hub's, and adds what the hub saw loaded today.
    public func replaceDockPackages(_ packages: [FetchedPackage], day: String, at now: Date = Date()) throws(SyncError) {
        try write { db in
            try db.execute(sql: "DELETE FROM dock_packages")
            let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO dock_packages (code, order_id, number, carrier, carrier_key, service, weight_g) VALUES (?, ?, ?, ?, ?, ?, ?)")
            let loaded = try db.cachedStatement(sql: "INSERT OR IGNORE INTO dock_loaded (code, carrier_key, day) VALUES (?, ?, ?)")
            for f in packages {
                let p = f.package
                try insert.execute(arguments: [p.code, p.orderID, p.number, p.carrier, DockPackage.normalizedCarrier(p.carrier), p.service, p.weightGrams])
                if let into = f.loadedInto { try loaded.execute(arguments: [p.code, DockPackage.normalizedCarrier(into), day]) }
            }
            // Days other than the hub's current one are history: only today's loads are checked.
            try db.execute(sql: "DELETE FROM dock_loaded WHERE day < ?", arguments: [day])
            try db.execute(sql: "UPDATE dock_state SET fetched_at = ?", arguments: [now.timeIntervalSince1970])
        }
    }

    /// The cached package whose label reads `code`.
    public func dockPackage(code: String) throws(SyncError) -> DockPackage? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM dock_packages WHERE code = ?", arguments: [code]).map {
                DockPackage(code: $0["code"], orderID: $0["order_id"], number: $0["number"], carrier: $0["carrier"], service: $0["service"], weightGrams: $0["weight_g"])
            }
        }
    }

    /// Whether `code` was loaded into `carrier`'s trailer on `day`.
    public func isLoaded(code: String, carrier: String, day: String) throws(SyncError) -> Bool {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT 1 FROM dock_loaded WHERE code = ? AND carrier_key = ? AND day = ?", arguments: [code, DockPackage.normalizedCarrier(carrier), day]) != nil
        }
    }

    /// The trailer's counts as the station knows them: packages of the carrier in the cached
    /// list, and those of them loaded on `day`.
    public func dockCounts(carrier: String, day: String) throws(SyncError) -> (expected: Int, loaded: Int, fetchedAt: Date?) {
        try read { db in
            let key = DockPackage.normalizedCarrier(carrier)
            let expected = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dock_packages WHERE carrier_key = ?", arguments: [key]) ?? 0
            let loaded = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM dock_loaded l JOIN dock_packages p ON p.code = l.code AND p.carrier_key = l.carrier_key WHERE l.carrier_key = ? AND l.day = ?
                """, arguments: [key, day]) ?? 0
            let fetched = try Double.fetchOne(db, sql: "SELECT fetched_at FROM dock_state")
            return (expected, loaded, fetched.map(Date.init(timeIntervalSince1970:)))
        }
    }

    /// Notes `code` as loaded into `carrier`'s trailer on `day` with no outbox entry: a scan the
    /// hub has already (it was unknown here when made, and a later list knows it).
    public func markDockLoaded(code: String, carrier: String, day: String) throws(SyncError) {
        try write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO dock_loaded (code, carrier_key, day) VALUES (?, ?, ?)", arguments: [code, DockPackage.normalizedCarrier(carrier), day])
        }
    }

    /// The carrier a bench is loading (nil: the bench packs), as it was when the agent stopped.
    public func loadingCarrier(bench: String) throws(SyncError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT carrier FROM dock_benches WHERE bench = ?", arguments: [bench]) }
    }

    /// Sets (or clears, with nil) the carrier a bench loads.
    public func setLoadingCarrier(_ carrier: String?, bench: String) throws(SyncError) {
        try write { db in
            if let carrier {
                try db.execute(sql: "INSERT OR REPLACE INTO dock_benches (bench, carrier) VALUES (?, ?)", arguments: [bench, carrier])
            } else {
                try db.execute(sql: "DELETE FROM dock_benches WHERE bench = ?", arguments: [bench])
            }
        }
    }

    /// Records a scan at the dock for the hub, in one transaction with the station's own note of
    /// what is loaded: a package loaded is counted once however often it is scanned, and the
    /// hub receives every scan exactly once (its outbox entry, kind `load_scan`).
    @discardableResult
    public func recordLoadScan(code: String, carrier: String, verdict: LoadVerdict, station: String, person: String?, day: String, at now: Date = Date()) throws(SyncError) -> OutboxEntry {
        let body = JSONValue.object([
            ("code", .string(code)), ("carrier", .string(carrier)), ("trailer", .null), ("station", .string(station)), ("person", .optional(person)),
            ("at", .string(now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))), ("verdict", .string(verdict.kind.rawValue)),
            ("package", verdict.package.map { .int($0.number) } ?? .null),
        ]).jsonText
        let entry = OutboxEntry(sequence: 0, key: UUID().uuidString.lowercased(), kind: .loadScan, orderID: verdict.package?.orderID, body: body, createdAt: now, attempts: 0)
        let written = try write { db in
            if verdict.kind == .loaded {
                try db.execute(sql: "INSERT OR IGNORE INTO dock_loaded (code, carrier_key, day) VALUES (?, ?, ?)", arguments: [code, DockPackage.normalizedCarrier(carrier), day])
            }
            return try Self.insert(entry, db)
        }
        notify()
        return written
    }
}

extension Journal.Writer {
    /// `Journal.replaceDockPackages(...)` on the writer thread.
    public func replaceDockPackages(_ packages: [Journal.FetchedPackage], day: String, at now: Date = Date()) async throws(SyncError) {
        let journal = journal
        try await journal.writerThread.run { () throws(SyncError) in try journal.replaceDockPackages(packages, day: day, at: now) }
    }

    /// `Journal.markDockLoaded(...)` on the writer thread.
    public func markDockLoaded(code: String, carrier: String, day: String) async throws(SyncError) {
        let journal = journal
        try await journal.writerThread.run { () throws(SyncError) in try journal.markDockLoaded(code: code, carrier: carrier, day: day) }
    }

    /// `Journal.recordLoadScan(...)` on the writer thread.
    @discardableResult
    public func recordLoadScan(code: String, carrier: String, verdict: LoadVerdict, station: String, person: String?, day: String, at now: Date = Date()) async throws(SyncError) -> OutboxEntry {
        let journal = journal
        return try await journal.writerThread.run { () throws(SyncError) in
            try journal.recordLoadScan(code: code, carrier: carrier, verdict: verdict, station: station, person: person, day: day, at: now)
        }
    }
}
