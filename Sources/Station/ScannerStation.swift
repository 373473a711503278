import Foundation
import PackCore
import ScannerInput

/// Scanner input for the CLI and the agent: replaying captures, listing devices, listening live.
public enum ScannerStation {
    /// A scanner's keyboard layout, terminator and timeout as given on the command line.
    public struct Options: Sendable {
        public var layout: String
        public var terminator: ScanFramer.Terminator
        /// Inter-key timeout in milliseconds; nil takes the terminator's default.
        public var timeoutMilliseconds: Int?

        /// Creates options.
        public init(layout: String = "us", terminator: ScanFramer.Terminator = .enter, timeoutMilliseconds: Int? = nil) {
            self.layout = layout
            self.terminator = terminator
            self.timeoutMilliseconds = timeoutMilliseconds
        }

        var framing: ScanFramer.Configuration {
            .init(terminator: terminator, interKeyTimeout: timeoutMilliseconds.map { Int64($0) * 1_000 })
        }
    }

    /// What a replay produced: one JSON line per scan, and the faults in words.
    public struct ReplayResult: Sendable {
        /// The scans as JSON lines, in order.
        public var scans: [String]
        /// Faults ("scan of 2 characters ended without its terminator…"), in order.
        public var faults: [String]
    }

    /// Decodes a raw capture (`cat /dev/input/eventN > FILE`) with the live decoder.
    public static func replay(capture bytes: [UInt8], name: String, options: Options) throws(StationError) -> ReplayResult {
        let layout: KeyboardLayout
        let events: [ScanEvent]
        do {
            layout = try KeyboardLayout(options.layout)
            events = try ScanDecoder.decode(capture: bytes, layout: layout, framing: options.framing)
        } catch {
            throw StationError(code: error.code, message: name == "" ? error.message : "\(name): \(error.message)")
        }
        var result = ReplayResult(scans: [], faults: [])
        for event in events {
            switch event {
            case .scan(let scan): result.scans.append(replayJSON(scan).jsonText)
            case .fault(_, let fault, let at): result.faults.append("at \(at): \(fault.message)")
            default: break
            }
        }
        return result
    }

    /// A replayed scan: data, symbology, time (the capture's own clock).
    static func replayJSON(_ scan: Scan) -> JSONValue {
        guard case .object(let members) = scan.json else { return scan.json }
        return .object(members.filter { $0.0 != "device" })
    }

    /// One input device and what the agent does with it.
    public struct DeviceReport: Sendable {
        public var device: InputDevice
        public var decision: ScannerSelection.Decision

        /// As JSON for `packstation devices --json`.
        public var json: JSONValue {
            var members: [(String, JSONValue)] = [
                ("node", .string(device.node)),
                ("name", .string(device.name)),
                ("vid_pid", .string(device.vendorProduct)),
                ("phys", .string(device.phys)),
            ]
            if !device.uniq.isEmpty { members.append(("serial", .string(device.uniq))) }
            members.append(("scanner", .bool(decision.use)))
            members.append(("reason", .string(decision.reason)))
            if decision.use {
                members.append(("id", .string(device.scannerID)))
                members.append(("layout", .string(decision.layout)))
                members.append(("terminator", .string(decision.framing.terminator.rawValue)))
            }
            return .object(members)
        }
    }

    /// Every input device with the selection's decision.
    public static func inputDevices(directory: String = "/dev/input", selection: ScannerSelection) -> [DeviceReport] {
        InputDevice.all(in: directory).map { DeviceReport(device: $0, decision: selection.decide($0)) }
    }

    /// Builds a selection from command-line options and `--scanner` matches.
    public static func selection(options: Options, scanners: [String], autodetect: Bool = true) throws(StationError) -> ScannerSelection {
        var rules: [ScannerSelection.Rule] = []
        for text in scanners {
            do { rules.append(try ScannerSelection.Rule(parsing: text)) } catch { throw StationError(code: error.code, message: error.message) }
        }
        do { _ = try KeyboardLayout(options.layout) } catch { throw StationError(code: error.code, message: error.message) }
        for rule in rules {
            if let layout = rule.layout {
                do { _ = try KeyboardLayout(layout) } catch { throw StationError(code: error.code, message: error.message) }
            }
        }
        return ScannerSelection(rules: rules, autodetect: autodetect, defaultLayout: options.layout, defaultFraming: options.framing)
    }

    /// Reads the station's scanners until `count` scans arrived (nil: until stopped), passing
    /// each scan as a JSON line to `output` and device changes and faults as sentences to `notice`.
    public static func listen(selection: ScannerSelection, directory: String = "/dev/input", grab: Bool = true, count: Int? = nil, output: @Sendable (String) -> Void, notice: @Sendable (String) -> Void) async throws(StationError) {
        let source: EvdevScanSource
        do {
            source = try EvdevScanSource(configuration: .init(selection: selection, directory: directory, grab: grab))
        } catch {
            throw StationError(code: error.code, message: error.message)
        }
        var scans = 0
        if !FileManager.default.fileExists(atPath: directory) {
            notice("\(directory) does not exist yet; waiting for an input device to be plugged in")
        }
        notice("listening for scans (hotplug: \(EvdevScanSource.hotplugMechanism(directory: directory)); Ctrl+C to stop)")
        for await event in source.events() {
            switch event {
            case .scan(let scan):
                output(scan.json.jsonText)
                scans += 1
                if let count, scans >= count { source.stop() }
            case .fault(let device, let fault, _):
                notice("\(device): \(fault.message)")
            case .attached(let info):
                notice("scanner attached: \(info.id) \(String(format: "%04x:%04x", info.vendor, info.product)) \"\(info.name)\" \(info.nodes.joined(separator: ",")) (\(info.reason))")
            case .detached(let id, let reason):
                notice("scanner detached: \(id) (\(reason))")
            }
        }
    }
}
