import Foundation
internal import GRDB
import PackCore

/// Which packages of a carrier's day are loaded, missing or extra (`GET /v1/admin/loads`,
/// `packstation-hub loads`), as the hub knows them now.
extension HubStore {
    /// A package scanned into the trailer.
    public struct LoadedPackage: Sendable {
        /// The package.
        public var package: DockPackage
        /// Its first load scan: when, by which station and person.
        public var loadedAt: Date
        public var station: String
        public var person: String?
    }

    /// A scan into the trailer of something that should not be on it.
    public struct ExtraScan: Sendable {
        /// What was scanned.
        public var code: String
        /// `wrong_carrier`, `not_packed`, `shipped` or `unknown_package`.
        public var reason: String
        /// The order it belongs to, when known.
        public var orderID: String?
        /// The carrier it should go with, for `wrong_carrier`.
        public var carrier: String?
        public var loadedAt: Date
        public var station: String
    }

    /// A carrier's day at the dock.
    public struct LoadReport: Sendable {
        public var carrier: String
        public var day: DockDay
        /// Packed before the day ended, for this carrier, and not shipped by an earlier manifest.
        public var expected: [DockPackage]
        public var loaded: [LoadedPackage]
        public var missing: [DockPackage]
        public var extra: [ExtraScan]
        /// The manifest that closed the day, if it is closed.
        public var closedManifest: String?

        /// The report as the API answers it.
        public var json: JSONValue {
            .object([
                ("carrier", .string(carrier)), ("date", .string(day.text)), ("closed_manifest", .optional(closedManifest)),
                ("counts", .object([("expected", .int(expected.count)), ("loaded", .int(loaded.count)), ("missing", .int(missing.count)), ("extra", .int(extra.count))])),
                ("loaded", .array(loaded.map { l in
                    HubStore.packageJSON(l.package, extra: [("loaded_at", .string(HubStore.timestamp(l.loadedAt.timeIntervalSince1970))), ("station", .string(l.station)), ("person", .optional(l.person))])
                })),
                ("missing", .array(missing.map { HubStore.packageJSON($0) })),
                ("extra", .array(extra.map { e in
                    .object([("code", .string(e.code)), ("reason", .string(e.reason)), ("order_id", .optional(e.orderID)), ("carrier", .optional(e.carrier)),
                             ("loaded_at", .string(HubStore.timestamp(e.loadedAt.timeIntervalSince1970))), ("station", .string(e.station))])
                })),
            ])
        }
    }

    /// Checks a carrier name from a command line or a query: 1 to 64 printable characters.
    public static func checkCarrier(_ carrier: String?) throws(HubError) -> String {
        guard let carrier, !carrier.isEmpty, carrier.unicodeScalars.count <= 64, carrier.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }),
              !DockPackage.normalizedCarrier(carrier).isEmpty else {
            throw HubError(400, "bad_carrier", "Name the carrier (1 to 64 printable characters, as the orders' shipment.carrier names it, e.g. UPS), not '\((carrier ?? "").prefix(64))'.")
        }
        return DockPackage.normalizedCarrier(carrier)
    }

    /// The carrier's day: expected, loaded, missing and extra packages.
    public func loadReport(carrier: String, day: DockDay) async throws(HubError) -> LoadReport {
        let carrier = try Self.checkCarrier(carrier)
        return try await readAsync { db in try Self.loadReport(carrier: carrier, day: day, db) }
    }

    /// The same, inside a transaction (the close-out reads it where it writes).
    static func loadReport(carrier: String, day: DockDay, _ db: Database) throws -> LoadReport {
        let open = try openPackages(db)
        var expected = open.filter { DockPackage.sameCarrier($0.package.carrier, carrier) && $0.packedAt < day.end.timeIntervalSince1970 }.map(\.package)
        // Packages an earlier manifest of this day shipped (it was reopened or is closed): still this day's.
        let closedRows = try Row.fetchAll(db, sql: """
            SELECT p.*, c.manifest_id, c.state FROM closeout_packages p JOIN closeouts c ON c.id = p.closeout_id
            WHERE c.carrier = ? AND c.day = ? AND p.status = 'loaded' ORDER BY c.id
            """, arguments: [carrier, day.text])
        var seen = Set(expected.map(\.code))
        for row in closedRows where seen.insert(row["code"]).inserted {
            expected.append(DockPackage(code: row["code"], orderID: row["order_id"], number: row["package"], carrier: row["carrier"], service: row["service"], weightGrams: row["weight_g"]))
        }
        let closed = try String.fetchOne(db, sql: "SELECT manifest_id FROM closeouts WHERE carrier = ? AND day = ? AND state = 'closed'", arguments: [carrier, day.text])
        let byCode = Dictionary(expected.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let anyOpen = Dictionary(open.map { ($0.package.code, $0.package) }, uniquingKeysWith: { a, _ in a })
        var loaded: [LoadedPackage] = []
        var extra: [ExtraScan] = []
        var counted = Set<String>()
        for scan in try Row.fetchAll(db, sql: "SELECT * FROM load_scans WHERE carrier = ? AND day = ? ORDER BY loaded_at, id", arguments: [carrier, day.text]) {
            let code: String = scan["code"]
            guard counted.insert(code).inserted else { continue }
            let at = Date(timeIntervalSince1970: scan["loaded_at"])
            if let package = byCode[code] {
                loaded.append(LoadedPackage(package: package, loadedAt: at, station: scan["station"], person: scan["person"]))
                continue
            }
            let (reason, order, other) = try extraReason(code, anyOpen: anyOpen, db)
            extra.append(ExtraScan(code: code, reason: reason, orderID: order ?? scan["order_id"], carrier: other, loadedAt: at, station: scan["station"]))
        }
        let loadedCodes = Set(loaded.map(\.package.code))
        return LoadReport(carrier: carrier, day: day, expected: expected, loaded: loaded, missing: expected.filter { !loadedCodes.contains($0.code) }, extra: extra, closedManifest: closed)
    }

    /// Why a scanned code is not one of the trailer's packages.
    private static func extraReason(_ code: String, anyOpen: [String: DockPackage], _ db: Database) throws -> (String, String?, String?) {
        if let package = anyOpen[code] { return ("wrong_carrier", package.orderID, DockPackage.normalizedCarrier(package.carrier)) }
        if let shipped = try String.fetchOne(db, sql: "SELECT order_id FROM closeout_packages WHERE code = ? AND status = 'loaded'", arguments: [code]) {
            return ("shipped", shipped, nil)
        }
        // An order's own barcode, its tracking or its package code, before it was packed.
        var orderID = try String.fetchOne(db, sql: "SELECT order_id FROM order_barcodes WHERE barcode = ?", arguments: [code])
        if orderID == nil {
            // A tracking number the order system sent with an order not packed yet (the index
            // orders_shipment_tracking, HubStore+PageSearch.swift).
            orderID = try String.fetchOne(db, sql: "SELECT id FROM orders WHERE packed_at IS NULL AND \(HubStore.shipmentTracking) = ? LIMIT 1", arguments: [code])
        }
        if orderID == nil, code.hasPrefix("PKG:"), let colon = code.lastIndex(of: ":"), colon > code.index(code.startIndex, offsetBy: 3) {
            orderID = String(code[code.index(code.startIndex, offsetBy: 4)..<colon])
        }
        if let id = orderID, let packed = try Row.fetchOne(db, sql: "SELECT packed_at FROM orders WHERE id = ?", arguments: [id]) {
            return ((packed["packed_at"] as Double?) == nil ? "not_packed" : "unknown_package", id, nil)
        }
        return ("unknown_package", nil, nil)
    }
}
