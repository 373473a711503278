import Foundation
import TestPeers
import Testing

/// The built `packstation-hub` as a test peer for the CLI tests: a database in the test's scratch
/// directory, its commands (`station add`, `import`, …) run against it, and `serve` on a free
/// loopback port. The server is stopped by PID when the test ends; `kill()` ends it with -9 and
/// `start()` brings it back on the same port, for outage tests.
final class HubProcess {
    static var binary: String { CLI.binary.deletingLastPathComponent().appendingPathComponent("packstation-hub").path }

    /// The database file.
    let db: String
    /// The port `serve` listens on, chosen once so a restart keeps the agent's address.
    let port: Int
    /// The address an agent is given.
    var url: String { "http://127.0.0.1:\(port)" }
    private var server: Process?

    /// A hub whose database is `dir/hub.sqlite`; nothing runs until `start()`.
    init(dir: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build first: swift build --build-tests (no \(Self.binary))")
        db = dir + "/hub.sqlite"
        port = LoopbackPort.unused()
    }

    deinit { stop() }

    /// Runs `packstation-hub ARGUMENTS --db DB`; its standard output, trimmed.
    @discardableResult
    func command(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = arguments + ["--db", db]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "packstation-hub \(arguments) failed")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Adds a station; its token.
    func addStation(_ name: String) throws -> String {
        try command(["station", "add", name])
    }

    /// Imports orders given as JSON lines (written next to the database first).
    func importOrders(_ lines: [String], extra: [String] = []) throws {
        let file = (db as NSString).deletingLastPathComponent + "/import-\(UUID().uuidString).jsonl"
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try command(["import", file] + extra)
    }

    /// Starts `serve` (with `options`) and waits (up to 30 s) until it accepts connections.
    func start(_ options: [String] = []) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["serve", "--db", db, "--port", "\(port)"] + options
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        server = p
        let deadline = Date().addingTimeInterval(30)
        while !LoopbackPort.isListening(port), p.isRunning, Date() < deadline { usleep(50_000) }
        try #require(LoopbackPort.isListening(port), "packstation-hub serve did not listen on \(port) within 30 s")
    }

    /// Ends the server with SIGKILL, as a crash or power cut would.
    func kill() {
        guard let p = server else { return }
        Foundation.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        server = nil
    }

    /// Ends the server with SIGTERM and waits for it.
    func stop() {
        guard let p = server else { return }
        p.terminate()
        p.waitUntilExit()
        server = nil
    }
}
