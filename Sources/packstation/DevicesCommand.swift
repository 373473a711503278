import ArgumentParser
import Foundation
import PackCore
import Printing
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

    @Option(name: .long, help: ArgumentHelp("The station configuration whose printers (printer.uri, [[bench]] printer) are listed with their state (default: as `packstation run` finds it).", valueName: "station.toml"))
    var config: String?

    func run() throws {
        let selection = try ScannerStation.selection(options: .init(layout: layout), scanners: scanner)
        let inputs = ScannerStation.inputDevices(directory: inputDirectory, selection: selection)
        let cups = Self.cupsPrinterRows()
        let usb = Self.usbPrinters()
        let configured = Self.configuredPrinters(config: config)
        if json {
            // Sections per device kind; printers join as "printers".
            let document: JSONValue = .object([("input_devices", .array(inputs.map(\.json))), ("printers", .array(configured.json + cups.json + usb.json))])
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
        print("Configured printers:")
        configured.text.forEach { print($0) }
        print("CUPS printers:")
        cups.text.forEach { print($0) }
        print("USB printers:")
        usb.text.forEach { print($0) }
    }

    /// The printers the station's configuration names (printer.uri and each bench's printer),
    /// asked for their state: TCP and USB Zebras answer ~HS, CUPS queues their printer state.
    static func configuredPrinters(config: String?) -> (json: [JSONValue], text: [String]) {
        let configuration: StationConfiguration
        do { configuration = try StationConfiguration.load(file: config) } catch {
            return ([.object([("kind", .string("configured")), ("problem", .string(error.message))])], ["  none: \(error.message)"])
        }
        var printers: [(String, PrinterURI)] = configuration.printerURI.map { [(configuration.printerName, $0)] } ?? []
        for bench in configuration.benches { if let uri = bench.printer { printers.append(("\(bench.name) printer", uri)) } }
        guard !printers.isEmpty else { return ([], ["  none (printer.uri is not set: labels go to the first printer found or to PDF files)"]) }
        var json: [JSONValue] = [], text: [String] = []
        for (name, uri) in printers {
            var state = "ready", advice: [String] = []
            do {
                if let s = try openPrinter(uri, name: name).state() {
                    advice = s.advice(printer: name) + (s.message.map { [$0] } ?? [])
                    state = s.canPrint ? "ready" : "not ready"
                } else {
                    state = "configured (reports no state)"
                }
            } catch {
                state = "unreachable"
                advice = [error.message]
            }
            json.append(.object([("kind", .string("configured")), ("name", .string(name)), ("uri", .string(uri.description)),
                                 ("state", .string(state)), ("advice", .array(advice.map(JSONValue.string)))]))
            text.append("  \(name)  \(uri)  \(state)" + (advice.isEmpty ? "" : ": " + advice.joined(separator: "; ")))
        }
        return (json, text)
    }

    /// CUPS queues on the scheduler libcups is configured for (`CUPS_SERVER`, client.conf, the
    /// local socket): URI, state and reasons in words, raw queues marked. As JSON entries
    /// (`"kind": "cups"`) and as text lines; a scheduler that is not running is one entry
    /// with a `problem`, not a failure of the command.
    static func cupsPrinterRows() -> (json: [JSONValue], text: [String]) {
        let queues: [CupsDestination]
        do {
            queues = try CupsDestination.all()
        } catch {
            return ([.object([("kind", .string("cups")), ("problem", .string(error.message))])], ["  none: \(error.message)"])
        }
        if queues.isEmpty { return ([], ["  none (the CUPS scheduler has no queues; add one with lpadmin)"]) }
        var json: [JSONValue] = []
        var text: [String] = []
        for q in queues {
            let state = q.status.printerState
            let name = q.uri.description
            var members: [(String, JSONValue)] = [
                ("kind", .string("cups")), ("uri", .string(name)), ("name", .string(q.name)),
                ("raw", .bool(q.isRaw)), ("default", .bool(q.isDefault)), ("accepting_jobs", .bool(q.status.isAcceptingJobs)),
            ]
            for (key, value) in [("device_uri", q.deviceURI), ("make_and_model", q.makeAndModel), ("info", q.info)] {
                if let value { members.append((key, .string(value))) }
            }
            var stateMembers: [(String, JSONValue)] = [
                ("printer_state", .string(q.status.state.rawValue)),
                ("reasons", .array(q.status.reasons.map { .string($0) })),
                ("can_print", .bool(state.canPrint)),
                ("conditions", .array(PrinterCondition.allCases.filter(state.conditions.contains).map { .string($0.rawValue) })),
                ("advice", .array(state.advice(printer: name).map { .string($0) })),
            ]
            if let message = q.status.message { stateMembers.append(("message", .string(message))) }
            members.append(("state", .object(stateMembers)))
            json.append(.object(members))

            let kind = q.isRaw ? "raw queue (ZPL goes through untouched)" : "driver: \(q.makeAndModel ?? "?")"
            text.append("  \(name)  \(kind)  \(q.deviceURI ?? "-")\(q.isDefault ? "  (default)" : "")\(q.info.map { "  \"\($0)\"" } ?? "")")
            let advice = state.advice(printer: name)
            text.append("      \(q.status.summary)" + (advice.isEmpty ? "" : " — " + advice.joined(separator: "; ")))
        }
        return (json, text)
    }

    /// USB printers (printer-class interfaces, through libusb): ids, IEEE 1284 id (MFG, MDL, CMD),
    /// serial, whether ZPL, and for ZPL printers what stops them and their label counter. As
    /// JSON entries (`"kind": "usb"`) and as text lines.
    static func usbPrinters() -> (json: [JSONValue], text: [String]) {
        let printers: [USBPrinterInfo]
        do {
            printers = try listUSBPrinters()
        } catch {
            return ([.object([("kind", .string("usb")), ("problem", .string(error.message))])], ["  none: \(error.message)"])
        }
        if printers.isEmpty { return ([], ["  none"]) }
        var json: [JSONValue] = []
        var text: [String] = []
        for p in printers {
            var members: [(String, JSONValue)] = [
                ("kind", .string("usb")), ("uri", .string(p.uri.description)), ("vid_pid", .string(p.vendorProduct)),
                ("bus", .number(String(p.bus))), ("address", .number(String(p.address))), ("interface", .number(String(p.interface))),
                ("bidirectional", .bool(p.bidirectional)),
            ]
            for (key, value) in [("manufacturer", p.manufacturer), ("product", p.productName), ("serial", p.serial)] {
                if let value { members.append((key, .string(value))) }
            }
            if let id = p.deviceID {
                members.append(("ieee1284_id", .string(id.description)))
                for (key, value) in [("mfg", id.manufacturer), ("mdl", id.model)] {
                    if let value { members.append((key, .string(value))) }
                }
                members.append(("cmd", .array(id.commandSet.map { .string($0) })))
            }
            members.append(("zpl", .bool(p.speaksZPL)))
            let name = "usb://\(p.vendorProduct)"
            if let status = p.hostStatus {
                let state = PrinterState(conditions: Set(status.conditions))
                members.append(("state", .object([
                    ("can_print", .bool(state.canPrint)),
                    ("conditions", .array(status.conditions.map { .string($0.rawValue) })),
                    ("formats_in_buffer", .number(String(status.formatsInBuffer))),
                    ("advice", .array(state.advice(printer: name).map { .string($0) })),
                ])))
            }
            if let odometer = p.odometer { members.append(("odometer", .number(String(odometer)))) }
            if let problem = p.problem { members.append(("problem", .string(problem))) }
            json.append(.object(members))

            let language = p.deviceID.map { " CMD:\($0.commandSet.joined(separator: ","))" } ?? ""
            text.append("  \(p.uri)  \(p.vendorProduct)  \"\(p.deviceID?.manufacturer ?? p.manufacturer ?? "?") \(p.deviceID?.model ?? p.productName ?? "?")\"\(language)\(p.speaksZPL ? " (ZPL)" : "")")
            if let status = p.hostStatus {
                let advice = PrinterState(conditions: Set(status.conditions)).advice(printer: name)
                text.append("      " + (advice.isEmpty ? "ready" : advice.joined(separator: "; ")) + (p.odometer.map { ", \($0) labels printed" } ?? ""))
            }
            if let problem = p.problem { text.append("      \(problem)") }
        }
        return (json, text)
    }
}
