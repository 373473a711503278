import ArgumentParser
import Foundation
import PackCore
import Station

/// `packstation devices`: the input devices found and whether each is read as a scanner, and why.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List input devices (scanners) with vid:pid, name, physical path and node, and whether each is used and why."
    )

    @Flag(name: .long, help: "Print one JSON object ({\"input_devices\": [...]}).")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Also treat this device as a scanner (as `scan --listen --scanner`). Repeatable.", valueName: "MATCH"))
    var scanner: [String] = []

    @Option(name: .long, help: ArgumentHelp("The default scanner layout shown.", valueName: "LAYOUT"))
    var layout = "us"

    @Option(name: .customLong("input-dir"), help: .hidden)
    var inputDirectory = "/dev/input"

    func run() throws {
        let selection = try ScannerStation.selection(options: .init(layout: layout), scanners: scanner)
        let inputs = ScannerStation.inputDevices(directory: inputDirectory, selection: selection)
        if json {
            // Sections per device kind; printers join as "printers".
            let document: JSONValue = .object([("input_devices", .array(inputs.map(\.json)))])
            print(document.jsonText)
            return
        }
        print("Input devices (\(inputDirectory)):")
        if inputs.isEmpty {
            print(FileManager.default.fileExists(atPath: inputDirectory) ? "  none" : "  none (\(inputDirectory) does not exist: no input devices on this machine)")
        }
        for report in inputs {
            let d = report.device
            let use = report.decision.use ? "scanner" : "not used"
            print("  \(d.node)  \(d.vendorProduct)  \"\(d.name)\"  phys=\(d.phys.isEmpty ? "-" : d.phys)")
            print("      \(use): \(report.decision.reason)\(report.decision.use ? " (id \(d.scannerID), layout \(report.decision.layout))" : "")")
        }
    }
}
