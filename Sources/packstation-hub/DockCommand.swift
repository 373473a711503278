import ArgumentParser
import Foundation
import Hub
import PackCore

/// `packstation-hub loads CARRIER [--date D]`: a carrier's day at the dock (docs/dock.md).
struct LoadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loads",
        abstract: "A carrier's day at the dock: packages expected, loaded, missing and extra.",
        discussion: "One line per package: loaded|missing|extra, code (tracking or PKG:ORDER:N), order, package, service, then when and where it was loaded, or why it is extra (wrong_carrier, not_packed, shipped, unknown_package). The first line counts them. Days are YYYY-MM-DD in the hub's time zone (TZ).")
    @OptionGroup var database: DatabaseOption
    @Argument(help: "The carrier, as the orders' shipment.carrier names it (case does not matter).") var carrier: String
    @Option(help: ArgumentHelp("The day, YYYY-MM-DD (default: today).", valueName: "DATE")) var date: String?
    @Flag(help: "Print the report as JSON (GET /v1/admin/loads).") var json = false

    func run() async throws {
        let report = try await database.open().loadReport(carrier: carrier, day: try DockDay.parse(date))
        if json { print(report.json.jsonText); return }
        let closed = report.closedManifest.map { ", closed by manifest \($0)" } ?? ""
        print("\(report.carrier) \(report.day): expected \(report.expected.count), loaded \(report.loaded.count), missing \(report.missing.count), extra \(report.extra.count)\(closed)")
        for l in report.loaded {
            print(["loaded", l.package.code, l.package.orderID, String(l.package.number), l.package.service, Self.time(l.loadedAt), l.station, l.person ?? "-"].joined(separator: "\t"))
        }
        for p in report.missing {
            print(["missing", p.code, p.orderID, String(p.number), p.service].joined(separator: "\t"))
        }
        for e in report.extra {
            let why = e.carrier.map { "\(e.reason) (goes with \($0))" } ?? e.reason
            print(["extra", e.code, e.orderID ?? "-", "-", "-", Self.time(e.loadedAt), e.station, why].joined(separator: "\t"))
        }
    }

    static func time(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}
