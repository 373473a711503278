import Foundation
internal import GRDB
import PackCore

/// The end-of-day close-out of a carrier (docs/dock.md): the manifest of what was loaded, filed
/// as PDF and CSV, its packages' orders shipped, and the day closed until someone reopens it.
extension HubStore {
    /// Makes a manifest's PDF: LabelGraphics' cairo writer, passed in by whoever builds the hub
    /// (the hub itself draws nothing).
    public typealias ManifestRenderer = @Sendable (Manifest) throws -> [UInt8]

    /// What a close-out did.
    public struct Closeout: Sendable {
        /// The manifest (its id is the barcode on the PDF).
        public var manifest: Manifest
        /// Orders moved to shipped by it.
        public var shipped: [String]
        /// Orders with packages loaded but others still at the dock: not shipped yet.
        public var partial: [String]
        /// Scans of things that were not this trailer's packages.
        public var extra: Int

        /// As the API answers it.
        public var json: JSONValue {
            .object([
                ("manifest_id", .string(manifest.id)), ("carrier", .string(manifest.carrier)), ("date", .string(manifest.date)),
                ("state", .string("closed")), ("closed_at", .string(HubStore.timestamp(manifest.closedAt.timeIntervalSince1970))), ("closed_by", .string(manifest.closedBy)),
                ("packages", .int(manifest.loaded.count)), ("missing", .array(manifest.missing.map { .string($0.tracking) })), ("extra", .int(extra)),
                ("shipped_orders", .array(shipped.map(JSONValue.string))), ("partial_orders", .array(partial.map(JSONValue.string))),
            ])
        }
    }

    /// Closes a carrier's day: refused when the day is closed already (409 `already_closed`),
    /// when nothing was loaded (409 `nothing_loaded`), and when expected packages are not
    /// loaded unless `allowMissing` (409 `missing_packages`, naming them). Otherwise, in one
    /// transaction: the manifest (PDF by `render`, CSV), its packages filed, every order whose
    /// packages are all loaded moved to shipped (`order.shipped`), and `closeout.closed`.
    public func closeOut(carrier: String, day: DockDay, allowMissing: Bool, by person: String, paper: Manifest.Paper = .a4,
                         render: @escaping ManifestRenderer, now: Date = Date()) async throws(HubError) -> Closeout {
        let carrier = try Self.checkCarrier(carrier)
        let by = try Self.checkPerson(person)
        return try await writeAsync { db in
            let report = try Self.loadReport(carrier: carrier, day: day, db)
            if let closed = report.closedManifest {
                throw HubError(409, "already_closed", "\(carrier) on \(day) is closed already (manifest \(closed)). To change it, reopen it first: `packstation-hub closeout reopen \(carrier) --date \(day) --reason TEXT`.")
            }
            guard !report.loaded.isEmpty else {
                throw HubError(409, "nothing_loaded", "No package was loaded for \(carrier) on \(day), so there is nothing to close. Scan the packages into the trailer first (CMD:LOAD:\(carrier) at a bench or dock scanner).")
            }
            if !report.missing.isEmpty, !allowMissing {
                let shown = report.missing.prefix(20).map { "\($0.code) (order \($0.orderID))" }.joined(separator: ", ")
                throw HubError(409, "missing_packages", "\(report.missing.count) package(s) expected for \(carrier) on \(day) are not loaded: \(shown)\(report.missing.count > 20 ? ", …" : ""). Load them, or close with --allow-missing (they are then listed on the manifest as not loaded and stay at the dock). Nothing was closed.")
            }
            try db.execute(
                sql: "INSERT INTO closeouts (manifest_id, carrier, day, state, closed_at, closed_by, packages, missing, extra, paper, csv, pdf) VALUES (?, ?, ?, 'closed', ?, ?, ?, ?, ?, ?, '', x'')",
                arguments: [UUID().uuidString, carrier, day.text, now.timeIntervalSince1970, by, report.loaded.count, report.missing.count, report.extra.count, paper.rawValue])
            let rowID = db.lastInsertedRowID
            let manifestID = Self.manifestID(carrier: carrier, day: day, sequence: rowID)
            let line = { (p: DockPackage) in Manifest.Line(orderID: p.orderID, package: p.number, tracking: p.code, service: p.service, weightGrams: p.weightGrams) }
            let manifest = Manifest(id: manifestID, carrier: carrier, date: day.text, closedAt: now, closedBy: by,
                                    loaded: report.loaded.map { line($0.package) }, missing: report.missing.map(line), paper: paper)
            let pdf: [UInt8]
            do { pdf = try render(manifest) } catch {
                throw HubError(500, "manifest_pdf", "The manifest's PDF could not be made (\(error)); nothing was closed. Check the hub's log and fonts, then close again.")
            }
            try db.execute(sql: "UPDATE closeouts SET manifest_id = ?, csv = ?, pdf = ? WHERE id = ?", arguments: [manifestID, manifest.csv, Data(pdf), rowID])
            for (status, packages) in [("loaded", report.loaded.map(\.package)), ("missing", report.missing)] {
                for p in packages {
                    try db.execute(
                        sql: "INSERT INTO closeout_packages (closeout_id, order_id, package, code, carrier, service, weight_g, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        arguments: [rowID, p.orderID, p.number, p.code, DockPackage.normalizedCarrier(p.carrier), p.service, p.weightGrams, status])
                }
            }
            // The lifecycle's packages (HubStore+Lifecycle.swift) say which left on the truck.
            if try db.tableExists("packages") {
                for p in report.loaded.map(\.package) {
                    try db.execute(sql: "UPDATE packages SET state = 'shipped', updated_at = ? WHERE order_id = ? AND number = ?", arguments: [now.timeIntervalSince1970, p.orderID, p.number])
                }
            }
            // An order ships when none of its packages is left at the dock.
            let stillOpen = Set(try Self.openPackages(db).map(\.package.orderID))
            var shipped: [String] = []
            var partial: [String] = []
            for orderID in Set(report.loaded.map(\.package.orderID)).sorted() {
                if stillOpen.contains(orderID) { partial.append(orderID); continue }
                if try Self.shipByCloseout(db, orderID: orderID, manifest: manifest, at: now) { shipped.append(orderID) }
            }
            try Self.appendEvent(db, type: "closeout.closed", orderID: nil, data: .object([
                ("manifest_id", .string(manifestID)), ("carrier", .string(carrier)), ("date", .string(day.text)), ("closed_by", .string(by)),
                ("packages", .int(manifest.loaded.count)), ("missing", .int(manifest.missing.count)), ("extra", .int(report.extra.count)),
                ("orders_shipped", .int(shipped.count)),
            ]), at: now)
            return Closeout(manifest: manifest, shipped: shipped, partial: partial, extra: report.extra.count)
        }
    }

    /// Reopens a closed day: logged with who, when and why (`closeout.reopened`). Its orders
    /// stay shipped (nothing is un-shipped): the next close-out of the day lists them again
    /// beside what was loaded since, under a new manifest id.
    public func reopenCloseout(carrier: String, day: DockDay, reason: String, by person: String, now: Date = Date()) async throws(HubError) -> JSONValue {
        let carrier = try Self.checkCarrier(carrier)
        let by = try Self.checkPerson(person)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 2000 else {
            throw HubError(400, "missing_reason", "Say why the day is reopened (--reason TEXT, 1 to 2000 characters): it is logged with who and when.")
        }
        return try await writeAsync { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, manifest_id, packages FROM closeouts WHERE carrier = ? AND day = ? AND state = 'closed'", arguments: [carrier, day.text]) else {
                throw HubError(409, "not_closed", "\(carrier) on \(day) is not closed, so there is nothing to reopen (`packstation-hub closeout list` shows the close-outs).")
            }
            try db.execute(sql: "UPDATE closeouts SET state = 'reopened', reopened_at = ?, reopened_by = ?, reopen_reason = ? WHERE id = ?",
                           arguments: [now.timeIntervalSince1970, by, reason, row["id"] as Int64])
            let manifestID: String = row["manifest_id"]
            try Self.appendEvent(db, type: "closeout.reopened", orderID: nil, data: .object([
                ("manifest_id", .string(manifestID)), ("carrier", .string(carrier)), ("date", .string(day.text)),
                ("reopened_by", .string(by)), ("reason", .string(reason)), ("packages", .int(row["packages"])),
            ]), at: now)
            return .object([
                ("manifest_id", .string(manifestID)), ("carrier", .string(carrier)), ("date", .string(day.text)), ("state", .string("reopened")),
                ("reopened_at", .string(Self.timestamp(now.timeIntervalSince1970))), ("reopened_by", .string(by)), ("reason", .string(reason)),
                ("note", .string("The \(row["packages"] as Int) package(s) of manifest \(manifestID) stay shipped; the next close-out of \(carrier) on \(day) lists them again with what is loaded since.")),
            ])
        }
    }

    /// The close-outs, newest first, optionally of one carrier and day.
    public func listCloseouts(carrier: String?, day: DockDay?, limit: Int = 100) async throws(HubError) -> [JSONValue] {
        let carrier = try carrier.map { c throws(HubError) in try Self.checkCarrier(c) }
        return try await readAsync { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM closeouts WHERE (? IS NULL OR carrier = ?) AND (? IS NULL OR day = ?) ORDER BY id DESC LIMIT ?
                """, arguments: [carrier, carrier, day?.text, day?.text, limit]).map(Self.closeoutJSON)
        }
    }

    /// A manifest's file: `pdf` or `csv`; 404 for an unknown manifest id.
    public func manifestFile(_ manifestID: String, format: String) async throws(HubError) -> [UInt8] {
        try await readAsync { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT csv, pdf FROM closeouts WHERE manifest_id = ?", arguments: [manifestID]) else {
                throw HubError(404, "unknown_manifest", "No manifest '\(manifestID.prefix(80))' on this hub; `packstation-hub closeout list` shows them.")
            }
            return format == "pdf" ? Array(row["pdf"] as Data) : Array((row["csv"] as String).utf8)
        }
    }

    /// Prints a manifest's PDF at a station through a label run (that station's agent prints it
    /// exactly once); `printer` names one of the station's printers. Returns the run id.
    public func printManifest(_ manifestID: String, station: String, printer: String?, now: Date = Date()) async throws(HubError) -> Int64 {
        let pdf = try await manifestFile(manifestID, format: "pdf")
        let run = try addLabelRun(name: "manifest \(manifestID)", station: station, fileName: "manifest-\(manifestID).pdf", bytes: pdf, printer: printer, now: now)
        try write { db in try db.execute(sql: "UPDATE closeouts SET label_run_id = ? WHERE manifest_id = ?", arguments: [run, manifestID]) }
        return run
    }

    /// Checks that a station exists before a close-out is asked to print on it.
    public func checkStationExists(_ name: String) throws(HubError) {
        let found = try read { db in try Int.fetchOne(db, sql: "SELECT 1 FROM stations WHERE name = ?", arguments: [name]) != nil }
        guard found else { throw HubError(404, "unknown_station", "No station named '\(name.prefix(64))' to print the manifest on; `packstation-hub station add NAME` adds one, or leave --print out.") }
    }

    static func closeoutJSON(_ row: Row) -> JSONValue {
        .object([
            ("manifest_id", .string(row["manifest_id"])), ("carrier", .string(row["carrier"])), ("date", .string(row["day"])), ("state", .string(row["state"])),
            ("closed_at", .string(timestamp(row["closed_at"]))), ("closed_by", .string(row["closed_by"])),
            ("packages", .int(row["packages"])), ("missing", .int(row["missing"])), ("extra", .int(row["extra"])), ("paper", .string(row["paper"])),
            ("label_run", (row["label_run_id"] as Int64?).map { .string(String($0)) } ?? .null),
            ("reopened_at", (row["reopened_at"] as Double?).map { .string(timestamp($0)) } ?? .null),
            ("reopened_by", .optional(row["reopened_by"] as String?)), ("reopen_reason", .optional(row["reopen_reason"] as String?)),
        ])
    }

    /// `CARRIER-YYYYMMDD-N`: the carrier's ASCII letters and digits (at most 16; `C` when it
    /// has none), the day, and the close-out's number on this hub. Code 128 prints it as is.
    static func manifestID(carrier: String, day: DockDay, sequence: Int64) -> String {
        let letters = String(String.UnicodeScalarView(carrier.unicodeScalars.filter { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }).prefix(16))
        return "\(letters.isEmpty ? "C" : letters)-\(day.text.replacingOccurrences(of: "-", with: ""))-\(sequence)"
    }

    static func checkPerson(_ name: String) throws(HubError) -> String {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200, name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw HubError(400, "bad_person", "Say who does this (--by NAME, 1 to 200 printable characters); it is logged.")
        }
        return name
    }
}
