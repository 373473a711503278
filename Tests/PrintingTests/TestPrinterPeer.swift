import Foundation
import Testing
@testable import Printing

/// The project's test printer (scripts/peers/zebra_printer.py) as a real process on 127.0.0.1:
/// started per test, stopped by PID.
final class TestPrinterPeer: @unchecked Sendable {  // control() opens its own connection per call
    let process = Process()
    let port: Int
    let controlPort: Int
    let logDirectory: URL

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/peers/zebra_printer.py")

    init(speed: Double = 0) throws {
        logDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("zebra-\(UUID().uuidString)")
        let ready = logDirectory.appendingPathComponent("ready")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, "--log", logDirectory.path, "--speed", String(speed), "--ready-file", ready.path]
        // No pipes: a peer left behind must not hold a test runner's output open.
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var line = ""
        while Date() < deadline {
            if let text = try? String(contentsOf: ready, encoding: .utf8), text.hasSuffix("\n") {
                line = text
                break
            }
            usleep(10_000)
        }
        let words = line.split(whereSeparator: { $0 == " " || $0 == "=" || $0 == "\n" })
        guard words.count >= 5, words[0] == "READY", let p = Int(words[2]), let c = Int(words[4]) else {
            kill(process.processIdentifier, SIGKILL)
            throw PeerError.didNotStart
        }
        port = p
        controlPort = c
    }

    deinit {
        // Stopped by PID: SIGTERM, then SIGKILL if it has not gone within two seconds.
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: logDirectory)
    }

    enum PeerError: Error { case didNotStart }

    /// Sends one control command (paper_out 1, speed 5, status …) and returns the printer state.
    @discardableResult
    func control(_ command: String) throws -> [String: Any] {
        let socket = try TCPSocket(host: "127.0.0.1", port: controlPort, timeout: .seconds(5))
        try socket.write(Array((command + "\n").utf8), timeout: .seconds(5))
        let reply = try socket.read(timeout: .seconds(5)) { $0.contains(UInt8(ascii: "\n")) }
        return try JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any] ?? [:]
    }

    /// Every label printed so far, in order.
    func printedLabels() -> [String] {
        guard let text = try? String(contentsOf: logDirectory.appendingPathComponent("labels.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["zpl"] as? String
        }
    }

    /// Waits until `condition` holds or a few seconds pass.
    func waitUntil(_ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return false
    }
}
