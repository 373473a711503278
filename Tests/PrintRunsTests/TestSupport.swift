import Foundation
import Testing
@testable import Printing

/// The project's test printer (scripts/peers/zebra_printer.py) as a real process on 127.0.0.1:
/// started per test, stopped by PID. (The same peer PrintingTests uses; test targets cannot
/// share files, so this is its own small copy.)
final class ZebraPeer: @unchecked Sendable {  // control() opens its own connection per call
    let process = Process()
    let port: Int
    let controlPort: Int
    let logDirectory: URL

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/peers/zebra_printer.py")

    init(speed: Double = 0) throws {
        logDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("runs-zebra-\(UUID().uuidString)")
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

    var uri: String { "tcp://127.0.0.1:\(port)" }

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
}

/// Waits until `condition` holds or `seconds` pass.
func eventually(_ seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return false
}

/// A fresh scratch directory.
func scratch(_ name: String = "runs") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Label `n` of a test run: a small format that names itself, so the printer's log shows order.
func testLabel(_ n: Int) -> String { "^XA^FO50,50^A0N,40,40^FDlabel \(n)^FS^XZ" }

/// A directory of `count` one-label ZPL files, named so that name order is label order.
func labelDirectory(_ count: Int) throws -> String {
    let dir = try scratch("labels")
    for n in 1...count { try testLabel(n).write(toFile: dir + "/label-\(n).zpl", atomically: true, encoding: .utf8) }
    return dir
}

/// An order with a shipment, as one JSON line.
func orderLine(_ n: Int) -> String {
    #"{"id":"SO-\#(n)","status":"ready","payment":"captured","lines":[{"sku":"MUG","quantity":1}],"shipment":{"carrier":"UPS","service":"Ground","tracking":"1Z999AA10123456784","from":{"name":"Shop","street":["1 Main St"],"city":"Springfield","postal_code":"62701","country":"US"},"to":{"name":"Customer \#(n)","street":["\#(n) Elm St"],"city":"Albany","region":"NY","postal_code":"12207","country":"US"}}}"#
}

/// The built `packstation` binary, run as the supervisor runs it; output goes to files.
struct Agent {
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["PACKSTATION_BIN"] { return URL(fileURLWithPath: path) }
        // The test bundle sits next to the products it was built with.
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("packstation")
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// A running agent whose output goes to files.
    final class Running {
        let process = Process()
        let out: String
        let err: String

        init(_ arguments: [String], in dir: String, environment: [String: String] = [:]) throws {
            let tag = UUID().uuidString
            out = dir + "/agent-\(tag).out"
            err = dir + "/agent-\(tag).err"
            FileManager.default.createFile(atPath: out, contents: nil)
            FileManager.default.createFile(atPath: err, contents: nil)
            process.executableURL = Agent.binary
            process.arguments = arguments
            process.standardOutput = FileHandle(forWritingAtPath: out)
            process.standardError = FileHandle(forWritingAtPath: err)
            process.standardInput = FileHandle.nullDevice
            if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
            try process.run()
        }

        var stdout: String { (try? String(contentsOfFile: out, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOfFile: err, encoding: .utf8)) ?? "" }
        /// The first line of stdout once it is complete (the run id).
        var firstLine: String? {
            let text = stdout
            guard let newline = text.firstIndex(of: "\n") else { return nil }
            return String(text[..<newline])
        }

        func wait() -> Output {
            process.waitUntilExit()
            return Output(status: process.terminationStatus, stdout: stdout, stderr: stderr)
        }

        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Runs the agent to its end.
    static func run(_ arguments: [String], in dir: String, environment: [String: String] = [:]) throws -> Output {
        try Running(arguments, in: dir, environment: environment).wait()
    }
}
