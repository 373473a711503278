import Foundation
import PackCore
import Printing
import ScannerInput
import Sync

/// `packstation doctor`: what stands between this box and packing, each problem with its fix.
public struct Doctor {
    /// One check's outcome.
    public struct Finding: Sendable {
        public enum Level: String, Sendable { case ok, warning, failure }
        public var check: String
        public var level: Level
        public var detail: String
        /// What to do (failures and warnings).
        public var fix: String?

        public var json: JSONValue {
            .object([("check", .string(check)), ("level", .string(level.rawValue)), ("detail", .string(detail)), ("fix", .optional(fix))])
        }
    }

    public let configuration: StationConfiguration
    public var inputDirectory = "/dev/input"

    public init(configuration: StationConfiguration) {
        self.configuration = configuration
    }

    /// Runs every check (the server check talks to the server, with a short timeout).
    public func run() async -> [Finding] {
        var findings: [Finding] = []
        findings.append(Finding(check: "configuration", level: .ok, detail: configuration.file.map { "\($0) is valid" } ?? "no file; embedded defaults", fix: nil))
        findings += dataDirectory()
        findings += scanners()
        findings += printers()
        findings += await server()
        findings.append(clock())
        return findings
    }

    func dataDirectory() -> [Finding] {
        let dir = configuration.dataDirectory
        var out: [Finding] = []
        // Opening the journal as root would leave root-owned -wal/-shm files the agent's own user
        // then cannot open: look, do not touch, when the directory belongs to someone else.
        var info = stat()
        if geteuid() == 0, stat(dir, &info) == 0, info.st_uid != 0 {
            let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(info.st_uid)"
            let exists = FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(Journal.fileName))
            out.append(Finding(check: "journal", level: .ok, detail: "\(dir) belongs to \(owner)\(exists ? "; the journal is there" : "; no journal yet") (not opened as root)",
                               fix: nil))
        } else {
            do {
                let journal = try Journal(directory: dir)
                let status = try journal.status()
                let labels = try journal.pendingLabels().count
                out.append(Finding(check: "journal", level: .ok, detail: "\(journal.path): \(status.results) result(s), \(status.pending) waiting to sync, \(labels) label(s) queued", fix: nil))
            } catch {
                out.append(Finding(check: "journal", level: .failure, detail: error.message, fix: "Make \(dir) writable by the agent's user (install.sh: /var/lib/packstation owned by packstation)."))
            }
        }
        var fs = statvfs()
        if statvfs(FileManager.default.fileExists(atPath: dir) ? dir : ".", &fs) == 0 {
            let free = Double(fs.f_bavail) * Double(fs.f_frsize)
            let total = Double(fs.f_blocks) * Double(fs.f_frsize)
            let detail = String(format: "%.1f GB free of %.1f GB on the data directory's disk", free / 1e9, total / 1e9)
            out.append(free < 500e6
                ? Finding(check: "disk space", level: free < 50e6 ? .failure : .warning, detail: detail, fix: "Free space on that disk: the journal needs room to record results.")
                : Finding(check: "disk space", level: .ok, detail: detail, fix: nil))
        }
        return out
    }

    func scanners() -> [Finding] {
        guard FileManager.default.fileExists(atPath: inputDirectory) else {
            return [Finding(check: "scanners", level: .warning, detail: "\(inputDirectory) does not exist: no input devices on this box",
                            fix: "Plug in a USB scanner; in a VM or container pass /dev/input through. Scans can also come from --scans-from.")]
        }
        let selection: ScannerSelection
        do {
            selection = try ScannerStation.selection(
                options: .init(layout: configuration.scannerLayout, terminator: ScanFramer.Terminator(rawValue: configuration.scannerTerminator) ?? .enter),
                scanners: configuration.scannerDevices, autodetect: configuration.scannerAutodetect)
        } catch {
            return [Finding(check: "scanners", level: .failure, detail: error.message, fix: "Fix scanner.devices / scanner.layout in the configuration.")]
        }
        let reports = ScannerStation.inputDevices(directory: inputDirectory, selection: selection).filter(\.decision.use)
        guard !reports.isEmpty else {
            return [Finding(check: "scanners", level: .warning, detail: "no scanner found among the input devices",
                            fix: "Plug in the scanner; if it is there but not recognised, add its VID:PID to scanner.devices (see `packstation devices`).")]
        }
        return reports.map { r in
            let readable = access(r.device.node, R_OK) == 0
            return Finding(check: "scanner \(r.device.vendorProduct)", level: readable ? .ok : .failure,
                           detail: "\(r.device.name) at \(r.device.node) (\(r.decision.reason))" + (readable ? "" : ": no permission to read it"),
                           fix: readable ? nil : "Install the udev rules (install.sh) and put the agent's user in groups input and packstation, then re-plug the scanner.")
        }
    }

    func printers() -> [Finding] {
        var out: [Finding] = []
        if let uri = configuration.printerURI {
            do {
                let printer = try openPrinter(uri, name: configuration.printerName)
                if let state = try printer.state() {
                    out.append(state.canPrint
                        ? Finding(check: "printer \(uri)", level: .ok, detail: "ready" + (state.message.map { " (\($0))" } ?? ""), fix: nil)
                        : Finding(check: "printer \(uri)", level: .failure, detail: "cannot print now", fix: state.advice(printer: configuration.printerName).joined(separator: "; ")))
                } else {
                    out.append(Finding(check: "printer \(uri)", level: .ok, detail: "configured (this kind of printer reports no status)", fix: nil))
                }
            } catch {
                out.append(Finding(check: "printer \(uri)", level: .failure, detail: error.message, fix: "Check printer.uri, the printer's power and cable or network."))
            }
        } else {
            out.append(Finding(check: "printer", level: .warning, detail: "printer.uri is not set: labels go to PDF files in \(configuration.dataDirectory)/labels/",
                               fix: "Set printer.uri (see the printers below and `packstation devices`)."))
        }
        do {
            let queues = try CupsDestination.all()
            out.append(Finding(check: "CUPS", level: .ok, detail: queues.isEmpty ? "reachable, no queues" : "reachable: " + queues.map { "\($0.name)\($0.isRaw ? " (raw)" : "")" }.joined(separator: ", "), fix: nil))
        } catch {
            out.append(Finding(check: "CUPS", level: .warning, detail: error.message, fix: "Install and start CUPS (apt install cups) if labels should print through it; raw USB and TCP printers do not need it."))
        }
        do {
            let usb = try listUSBPrinters()
            if usb.isEmpty { out.append(Finding(check: "USB printers", level: .ok, detail: "none connected", fix: nil)) }
            for p in usb {
                out.append(Finding(check: "USB printer \(p.vendorProduct)", level: p.problem == nil ? .ok : .failure,
                                   detail: [p.manufacturer, p.productName].compactMap { $0 }.joined(separator: " ") + (p.speaksZPL ? " (ZPL)" : "") + (p.problem.map { ": \($0)" } ?? ""),
                                   fix: p.problem == nil ? nil : "Install the udev rules (install.sh) so group lp may use USB printers, and re-plug it."))
            }
        } catch {
            out.append(Finding(check: "USB printers", level: .warning, detail: error.message, fix: "Check that /dev/bus/usb is present and readable."))
        }
        return out
    }

    func server() async -> [Finding] {
        guard let env = configuration.serverEnvironment else {
            return [Finding(check: "server", level: .warning, detail: "server.url is not set: the station works alone (results stay in the journal)", fix: "Set server.url and server.token to sync with the central system.")]
        }
        var out: [Finding] = []
        if let url = env["PACKSTATION_SERVER_URL"] {
            if let problem = configuration.insecureServerWarning {
                out.append(Finding(check: "server address", level: .failure, detail: problem,
                                   fix: "Serve the hub over TLS and set server.url to https://…; only on a trusted network set server.allow_insecure = true."))
            } else if configuration.allowInsecureServer, StationConfiguration.insecureServerProblem(url: url) != nil {
                out.append(Finding(check: "server address", level: .warning, detail: "server.url is plain http:// to another machine; server.allow_insecure = true accepts that the token and the results travel unencrypted",
                                   fix: "Use https:// when the hub can serve TLS."))
            }
        }
        return out + (await reach(env))
    }

    private func reach(_ env: [String: String]) async -> [Finding] {
        do {
            let client = try HubClient(configuration: try SyncConfiguration.fromEnvironment(env))
            defer { Task { await client.shutdown() } }
            let orders = try await client.queuedOrders()
            return [Finding(check: "server \(env["PACKSTATION_SERVER_URL"] ?? "")", level: .ok, detail: "reachable, token accepted, \(orders.count) order(s) queued for this station", fix: nil)]
        } catch let error as SyncError {
            let fix: String = switch error.kind {
            case .permanent where error.code.contains("auth") || error.message.contains("token"): "Check server.token: run `packstation-hub station add NAME` on the server for a new one."
            default: "Check the network and that the server runs; packing goes on offline meanwhile."
            }
            return [Finding(check: "server \(env["PACKSTATION_SERVER_URL"] ?? "")", level: .failure, detail: error.message, fix: fix)]
        } catch {
            return [Finding(check: "server", level: .failure, detail: "\(error)", fix: "Check the server settings.")]
        }
    }

    func clock() -> Finding {
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        if year < 2025 {
            return Finding(check: "clock", level: .failure, detail: "the clock says \(Date()): results and labels would carry a wrong date", fix: "Set the time and enable NTP (timedatectl set-ntp true).")
        }
        if FileManager.default.fileExists(atPath: "/run/systemd/timesync/synchronized") {
            return Finding(check: "clock", level: .ok, detail: "synchronised by systemd-timesyncd", fix: nil)
        }
        if FileManager.default.fileExists(atPath: "/run/systemd/system") {
            return Finding(check: "clock", level: .warning, detail: "not known to be synchronised", fix: "Enable NTP: timedatectl set-ntp true (or install chrony).")
        }
        return Finding(check: "clock", level: .ok, detail: "\(Date()) (no systemd here to tell whether NTP keeps it right)", fix: nil)
    }
}
