import ArgumentParser
import Foundation
import Hub
import LabelGraphics
import PackCore

/// `packstation-hub closeout CARRIER [--date D]`: closes a carrier's day at the dock (docs/dock.md).
struct CloseoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "closeout",
        abstract: "Close a carrier's day: the manifest (PDF and CSV) of what was loaded, its orders shipped.",
        discussion: "Refused while expected packages are not loaded (they are listed) unless --allow-missing, which lists them on the manifest as not loaded; refused when nothing was loaded or the day is closed already. Orders whose packages all left are moved to shipped (order.shipped: webhooks and e-mails follow). Prints the manifest id; --pdf/--csv write its files; --print STATION[:PRINTER] prints the PDF at that station through a label run.",
        subcommands: [Close.self, Reopen.self, List.self, Files.self],
        defaultSubcommand: Close.self)

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a carrier's day (the default subcommand).")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The carrier, as the orders' shipment.carrier names it.") var carrier: String
        @Option(help: ArgumentHelp("The day, YYYY-MM-DD in the hub's time zone (default: today).", valueName: "DATE")) var date: String?
        @Flag(name: .customLong("allow-missing"), help: "Close although expected packages are not loaded; the manifest lists them as not loaded.") var allowMissing = false
        @Option(help: ArgumentHelp("Who closes it (logged; default: $USER).", valueName: "NAME")) var by: String?
        @Option(help: "The PDF's paper: a4 or letter.") var paper = "a4"
        @Option(help: ArgumentHelp("Print the manifest PDF at this station, on one of its printers by name (its printer.name or a bench).", valueName: "STATION[:PRINTER]")) var print: String?
        @Option(help: ArgumentHelp("Also write the manifest's PDF here.", valueName: "FILE")) var pdf: String?
        @Option(help: ArgumentHelp("Also write the manifest's CSV here.", valueName: "FILE")) var csv: String?

        func validate() throws {
            guard Manifest.Paper(rawValue: paper) != nil else { throw ValidationError("--paper must be a4 or letter, not '\(paper)'.") }
        }

        func run() async throws {
            let store = try database.open()
            let target = print.map { p -> (String, String?) in
                guard let colon = p.firstIndex(of: ":") else { return (p, nil) }
                return (String(p[..<colon]), String(p[p.index(after: colon)...]))
            }
            if let target { try store.checkStationExists(target.0) }
            let person = by ?? ProcessInfo.processInfo.environment["USER"] ?? "admin"
            let closed = try await store.closeOut(carrier: carrier, day: try DockDay.parse(date), allowMissing: allowMissing, by: person,
                                                  paper: Manifest.Paper(rawValue: paper)!, render: { try ManifestPDF.render($0) })
            let m = closed.manifest
            Swift.print("manifest \(m.id): \(m.carrier) \(m.date), \(m.loaded.count) package(s) in \(m.orderCount) order(s), \(Manifest.kilograms(m.totalWeightGrams)) kg")
            if !m.missing.isEmpty { Swift.print("not loaded (listed on the manifest): \(m.missing.map(\.tracking).joined(separator: ", "))") }
            Swift.print("shipped: \(closed.shipped.isEmpty ? "none" : closed.shipped.joined(separator: ", "))")
            if !closed.partial.isEmpty { Swift.print("not shipped, packages still at the dock: \(closed.partial.joined(separator: ", "))") }
            if closed.extra > 0 { Swift.print("extra scans (not this trailer's): \(closed.extra); `packstation-hub loads \(m.carrier) --date \(m.date)` lists them") }
            try await Files.write(store, id: m.id, pdf: pdf, csv: csv)
            if let target {
                let run = try await store.printManifest(m.id, station: target.0, printer: target.1)
                Swift.print("printing at \(target.0)\(target.1.map { " on \($0)" } ?? ""): label run \(run)")
            }
        }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reopen a closed day (logged with who, when and why); its orders stay shipped and are listed again at the next close.")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The carrier.") var carrier: String
        @Option(help: ArgumentHelp("The day closed, YYYY-MM-DD.", valueName: "DATE")) var date: String
        @Option(help: "Why it is reopened (logged).") var reason: String
        @Option(help: ArgumentHelp("Who reopens it (default: $USER).", valueName: "NAME")) var by: String?

        func run() async throws {
            let answer = try await database.open().reopenCloseout(carrier: carrier, day: try DockDay.parse(date), reason: reason, by: by ?? ProcessInfo.processInfo.environment["USER"] ?? "admin")
            if case .string(let id)? = answer["manifest_id"], case .string(let note)? = answer["note"] { Swift.print("reopened \(id). \(note)") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The close-outs, newest first: manifest, carrier, day, state, packages, missing, closed by, reopened by and why.")
        @OptionGroup var database: DatabaseOption
        @Option(help: "Only this carrier's.") var carrier: String?
        @Option(help: ArgumentHelp("Only this day's (YYYY-MM-DD).", valueName: "DATE")) var date: String?
        @Flag(help: "JSON lines (as GET /v1/admin/closeouts).") var json = false

        func run() async throws {
            let rows = try await database.open().listCloseouts(carrier: carrier, day: try date.map { d throws(HubError) in try DockDay.parse(d) })
            for row in rows {
                if json { Swift.print(row.jsonText); continue }
                let f = { (k: String) -> String in
                    switch row[k] { case .string(let s)?: s; case .number(let n)?: n; default: "-" }
                }
                Swift.print(["manifest_id", "carrier", "date", "state", "packages", "missing", "closed_by", "reopened_by", "reopen_reason"].map(f).joined(separator: "\t"))
            }
        }
    }

    struct Files: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "files", abstract: "Write a manifest's PDF and/or CSV.")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The manifest id (as `closeout list` shows it).") var manifest: String
        @Option(help: ArgumentHelp("Write the PDF here.", valueName: "FILE")) var pdf: String?
        @Option(help: ArgumentHelp("Write the CSV here.", valueName: "FILE")) var csv: String?

        func run() async throws {
            guard pdf != nil || csv != nil else { throw ValidationError("Give --pdf FILE and/or --csv FILE.") }
            try await Self.write(try database.open(), id: manifest, pdf: pdf, csv: csv)
        }

        static func write(_ store: HubStore, id: String, pdf: String?, csv: String?) async throws {
            for (format, path) in [("pdf", pdf), ("csv", csv)] {
                guard let path else { continue }
                let bytes = try await store.manifestFile(id, format: format)
                guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                    throw HubError(400, "cannot_write", "Cannot write \(path); check the directory and its permissions. The close-out itself is done.")
                }
                Swift.print("wrote \(path)")
            }
        }
    }
}
