import Foundation
internal import GRDB
import PackCore

/// The dock (docs/dock.md): the packages waiting to be loaded, the load scans stations send
/// (`load_scan` items of `POST /v1/results`), and which packages of a carrier's day are
/// loaded, missing or extra.
extension HubStore {
    /// The load scans table and the manifests of the close-out (HubStore+Closeout.swift).
    static func migrateDock(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE load_scans (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                result_id INTEGER NOT NULL REFERENCES results(id),
                code TEXT NOT NULL,
                carrier TEXT NOT NULL,
                trailer TEXT,
                day TEXT NOT NULL,
                loaded_at REAL NOT NULL,
                station TEXT NOT NULL,
                person TEXT,
                verdict TEXT NOT NULL,
                order_id TEXT,
                package INTEGER);
            CREATE INDEX load_scans_day ON load_scans(carrier, day);
            CREATE INDEX load_scans_code ON load_scans(code);
            CREATE TABLE closeouts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                manifest_id TEXT NOT NULL UNIQUE,
                carrier TEXT NOT NULL,
                day TEXT NOT NULL,
                state TEXT NOT NULL,
                closed_at REAL NOT NULL,
                closed_by TEXT NOT NULL,
                packages INTEGER NOT NULL,
                missing INTEGER NOT NULL,
                extra INTEGER NOT NULL,
                paper TEXT NOT NULL,
                csv TEXT NOT NULL,
                pdf BLOB NOT NULL,
                label_run_id INTEGER,
                reopened_at REAL,
                reopened_by TEXT,
                reopen_reason TEXT);
            CREATE UNIQUE INDEX closeouts_closed ON closeouts(carrier, day) WHERE state = 'closed';
            CREATE TABLE closeout_packages (
                closeout_id INTEGER NOT NULL REFERENCES closeouts(id),
                order_id TEXT NOT NULL,
                package INTEGER NOT NULL,
                code TEXT NOT NULL,
                carrier TEXT NOT NULL,
                service TEXT NOT NULL,
                weight_g INTEGER,
                status TEXT NOT NULL,
                PRIMARY KEY (closeout_id, order_id, package));
            """)
    }

    /// The most packages `GET /v1/loads/packages` lists (a day's dock, not the order history).
    public static let maximumDockPackages = 100_000

    /// A package waiting at the dock, with the time its order was packed.
    struct OpenPackage {
        var package: DockPackage
        var packedAt: Double
    }

    /// Packages of packed orders that no closed manifest has shipped: one per package of the
    /// order (the pack result's boxes, else `shipment.packages`), with the tracking number the
    /// hub has for it (the `packages` table, else the order's shipment for package 1).
    static func openPackages(_ db: Database) throws -> [OpenPackage] {
        let lifecycle = try db.columns(in: "orders").contains { $0.name == "state" }
        let perPackage = try db.tableExists("packages")
        let stateFilter = lifecycle ? "AND o.state IN ('packed', 'labelled')" : ""
        let rows = try Row.fetchAll(db, sql: """
            SELECT o.id, o.body, o.packed_at,
                (SELECT r.body FROM results r WHERE r.order_id = o.id AND r.type = 'pack_result' ORDER BY r.id DESC LIMIT 1) AS result
            FROM orders o WHERE o.packed_at IS NOT NULL AND o.status != 'cancelled' \(stateFilter)
            ORDER BY o.packed_at, o.id
            """)
        let shipped = try Set(Row.fetchAll(db, sql: """
            SELECT p.order_id, p.package FROM closeout_packages p JOIN closeouts c ON c.id = p.closeout_id WHERE p.status = 'loaded'
            """).map { "\($0["order_id"] as String)\u{0}\($0["package"] as Int)" })
        var out: [OpenPackage] = []
        for row in rows {
            let id: String = row["id"]
            guard let order = try? Order.decode(from: JSONParser.parse(row["body"] as String)), let shipment = order.shipment else { continue }
            var weights: [Int: Int] = [:]
            var boxes = 0
            if let text = row["result"] as String?, let result = try? JSONParser.parse(text), case .array(let list)? = result["boxes"] {
                for box in list {
                    guard let n = box["number"]?.wholeNumber else { continue }
                    boxes = max(boxes, n)
                    if let w = box["weight_g"]?.wholeNumber { weights[n] = w }
                }
            }
            var tracked: [Int: Row] = [:]
            if perPackage {
                for p in try Row.fetchAll(db, sql: "SELECT * FROM packages WHERE order_id = ?", arguments: [id]) {
                    if let n = p["number"] as Int? { tracked[n] = p }
                }
            }
            let count = max(1, shipment.packages, boxes, tracked.keys.max() ?? 0)
            let packedAt: Double = row["packed_at"]
            for n in 1...count where !shipped.contains("\(id)\u{0}\(n)") {
                let known = tracked[n]
                // The package's own number as our label prints it (DockPackage.ownTracking):
                // `shipment.package_tracking`'s, or `shipment.tracking` for package 1. Not the
                // `packages` row's: labelling stores the shipment's one number on every box (for
                // tracking updates), which would list several boxes under one code.
                let tracking = DockPackage.ownTracking(shipment, number: n)
                out.append(OpenPackage(
                    package: DockPackage(
                        code: DockPackage.code(orderID: id, number: n, tracking: tracking), orderID: id, number: n,
                        carrier: (known?["carrier"] as String?) ?? shipment.carrier, service: (known?["service"] as String?) ?? shipment.service,
                        weightGrams: weights[n] ?? shipment.weightGrams(package: n)),
                    packedAt: packedAt))
            }
        }
        return out
    }

    /// The packages a station's dock checks scans against, for its offline cache
    /// (`GET /v1/loads/packages`): every open package, with the carrier it was loaded into today.
    public func dockPackages(now: Date = Date()) async throws(HubError) -> JSONValue {
        let day = DockDay(now)
        return try await readAsync { db in
            let loaded = try Dictionary(
                Row.fetchAll(db, sql: "SELECT code, carrier FROM load_scans WHERE day = ? AND verdict IN ('loaded', 'already_loaded') ORDER BY id", arguments: [day.text])
                    .map { ($0["code"] as String, $0["carrier"] as String) }, uniquingKeysWith: { first, _ in first })
            let open = try Self.openPackages(db).prefix(Self.maximumDockPackages)
            return .object([
                ("day", .string(day.text)),
                ("packages", .array(open.map { p in
                    Self.packageJSON(p.package, extra: [("loaded_into", .optional(loaded[p.package.code]))])
                })),
            ])
        }
    }

    static func packageJSON(_ p: DockPackage, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([
            ("code", .string(p.code)), ("order_id", .string(p.orderID)), ("number", .int(p.number)),
            ("carrier", .string(p.carrier)), ("service", .string(p.service)), ("weight_g", p.weightGrams.map(JSONValue.int) ?? .null),
        ] + extra)
    }

    /// Stores a `load_scan` item (already checked by ResultBatch and authorized), in the batch's
    /// transaction: the scan as the station saw it, filed under the carrier and the hub's day.
    static func recordLoadScan(_ item: ResultBatch.Item, resultID: Int64, station: Station, db: Database) throws {
        guard let scan = item.loadScan else { return }
        try db.execute(
            sql: """
                INSERT INTO load_scans (result_id, code, carrier, trailer, day, loaded_at, station, person, verdict, order_id, package)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [resultID, scan.code, DockPackage.normalizedCarrier(scan.carrier), scan.trailer, DockDay(scan.at).text, scan.at.timeIntervalSince1970,
                        station.name, scan.person, scan.verdict, item.orderID, scan.package])
        try appendEvent(db, type: "load.scanned", orderID: item.orderID, data: .object([
            ("code", .string(scan.code)), ("carrier", .string(DockPackage.normalizedCarrier(scan.carrier))), ("trailer", .optional(scan.trailer)),
            ("date", .string(DockDay(scan.at).text)), ("station", .string(station.name)), ("person", .optional(scan.person)),
            ("verdict", .string(scan.verdict)), ("package", scan.package.map(JSONValue.int) ?? .null),
        ]), at: scan.at)
    }
}

/// A day at the dock, `YYYY-MM-DD` in the hub's time zone (its `TZ`): the unit of a close-out.
public struct DockDay: Hashable, Sendable, CustomStringConvertible {
    /// The date as written.
    public let text: String
    /// Its first instant.
    public let start: Date
    /// The next day's first instant.
    public let end: Date

    /// The day `date` falls on.
    public init(_ date: Date, calendar: Calendar = DockDay.calendar) {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!, calendar: calendar)!
    }

    /// A day written `YYYY-MM-DD`; nil when it is not a date.
    public init?(_ text: String, calendar: Calendar = DockDay.calendar) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d, calendar: calendar)
    }

    init?(year: Int, month: Int, day: Int, calendar: Calendar) {
        guard (1...12).contains(month), (1...31).contains(day),
              let start = calendar.date(from: DateComponents(year: year, month: month, day: day)),
              calendar.component(.day, from: start) == day,
              let end = calendar.date(byAdding: .day, value: 1, to: start) else { return nil }
        text = String(format: "%04d-%02d-%02d", year, month, day)
        self.start = start
        self.end = end
    }

    public var description: String { text }

    /// The Gregorian calendar in the hub's time zone.
    public static var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = .current
        return c
    }

    /// Parses `--date`/`date=`: nil gives today; a bad one is a 400 saying what is expected.
    public static func parse(_ text: String?, now: Date = Date()) throws(HubError) -> DockDay {
        guard let text else { return DockDay(now) }
        guard let day = DockDay(text) else {
            throw HubError(400, "bad_date", "date must be a day written YYYY-MM-DD (e.g. 2026-12-04), not '\(text.prefix(40))'.")
        }
        return day
    }
}
