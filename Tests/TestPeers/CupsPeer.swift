import Foundation

/// A private CUPS scheduler (scripts/peers/cupsd.py) as a real process: own config dir, own
/// port on 127.0.0.1, raw queues to a capture printer that stores each connection's bytes.
/// Started per test, stopped by PID.
public final class CupsPeer: @unchecked Sendable {  // read-only after init
    public let process = Process()
    public let directory: URL
    public let port: Int
    public let capturePort: Int
    public let cupsdPID: pid_t

    /// `host:port` for CupsPrinter(server:) and CUPS_SERVER.
    public var server: String { "127.0.0.1:\(port)" }

    public static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/peers/cupsd.py")

    /// Whether the CUPS tools are here (cupsd, lpadmin, lpstat).
    public static var installed: Bool {
        ["/usr/sbin/cupsd", "/usr/sbin/lpadmin", "/usr/bin/lpstat"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Tests run when CUPS is installed, and always under CI (where missing tools fail).
    public static var shouldRun: Bool { installed || ProcessInfo.processInfo.environment["CI"] != nil }

    public enum PeerError: Error, CustomStringConvertible {
        case notInstalled, didNotStart(String), command(String)
        public var description: String {
            switch self {
            case .notInstalled: "CUPS is not installed (cupsd, lpadmin, lpstat); apt-get install cups-daemon cups-client"
            case .didNotStart(let log): "the private cupsd did not start: \(log)"
            case .command(let text): text
            }
        }
    }

    /// `queues` are raw; `pdfQueues` have a driver that applies page-ranges (pdftopdf).
    public init(queues: [String] = ["zebra"], pdfQueues: [String] = []) throws {
        guard Self.installed else { throw PeerError.notInstalled }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cupsd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fields = try PeerProcess.start(process, script: Self.script, arguments: ["--dir", directory.appendingPathComponent("cups").path] + queues.flatMap { ["--queue", $0] } + pdfQueues.flatMap { ["--pdf-queue", $0] },
                                           readyFile: directory.appendingPathComponent("ready"), output: directory.appendingPathComponent("peer.out"), seconds: 30)
        guard let p = fields["port"], let c = fields["capture"], let pid = fields["pid"] else {
            PeerProcess.stop(process, grace: 5)
            throw PeerError.didNotStart("no port, capture and pid in its ready line: \(fields)")
        }
        port = p
        capturePort = c
        cupsdPID = pid_t(pid)
    }

    deinit {
        // The script stops cupsd by its PID on SIGTERM; cupsd too is killed if it is still there.
        PeerProcess.stop(process, grace: 5)
        if kill(cupsdPID, 0) == 0 { kill(cupsdPID, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stops the scheduler (by its PID) and waits until it is gone.
    public func stopScheduler() {
        kill(cupsdPID, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while kill(cupsdPID, 0) == 0, Date() < deadline { usleep(10_000) }
        process.waitUntilExit()
    }

    /// Runs a CUPS command (cupsdisable, cupsenable, lpstat…) against this scheduler.
    @discardableResult
    public func run(_ tool: String, _ arguments: [String]) throws -> String {
        let out = directory.appendingPathComponent("cmd-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        defer { try? handle.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool, "-h", server] + arguments
        p.environment = ProcessInfo.processInfo.environment.merging(["CUPS_SERVER": server]) { $1 }
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        guard p.terminationStatus == 0 else { throw PeerError.command("\(tool) \(arguments.joined(separator: " ")) failed: \(text)") }
        return text
    }

    /// What the capture printer received, one entry per connection, in order.
    public func captures() -> [[UInt8]] {
        let dir = directory.appendingPathComponent("cups/capture")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".bin") }.sorted()
        return names.compactMap { FileManager.default.contents(atPath: dir.appendingPathComponent($0).path).map { Array($0) } }
    }

    /// Waits until `condition` holds or `seconds` pass.
    public func waitUntil(seconds: Double = 15, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }
}
