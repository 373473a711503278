import Foundation

/// A test peer script (scripts/peers/*.py) as a real process: output to a file, never a pipe
/// nobody drains; ready when it has written its `READY key=value …` line to its ready file
/// (atomically); stopped by PID.
public enum PeerProcess {
    /// Runs `python3 script arguments… --ready-file READY` and waits up to `seconds` for the ready
    /// line. Returns its numeric fields (`port`, `control`, `pid`, …); if the line never comes or
    /// the process exits first, kills it and returns what `output` holds as the error.
    public static func start(_ process: Process, script: URL, arguments: [String], readyFile: URL, output: URL?, seconds: Double) throws -> [String: Int] {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + arguments + ["--ready-file", readyFile.path]
        var handle = FileHandle.nullDevice
        if let output {
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            handle = try FileHandle(forWritingTo: output)
        }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        var line = ""
        while Date() < deadline, process.isRunning {
            if let text = try? String(contentsOf: readyFile, encoding: .utf8), text.hasPrefix("READY") {
                line = text
                break
            }
            usleep(10_000)
        }
        var fields: [String: Int] = [:]
        for word in line.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let kv = word.split(separator: "=")
            if kv.count == 2, let v = Int(kv[1]) { fields[String(kv[0])] = v }
        }
        guard !fields.isEmpty else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw NotStarted(description: "\(script.lastPathComponent) did not start: " + (output.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? "no ready line within \(Int(seconds)) s"))
        }
        return fields
    }

    /// SIGTERM by PID, SIGKILL if it has not gone within `grace` seconds; waits for it.
    public static func stop(_ process: Process, grace: Double) {
        // Only while it runs: once Foundation has reaped it, its PID may be another process's
        // (another test's peer, amid the whole suite).
        guard process.isRunning else { return process.waitUntilExit() }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The peer did not write its ready line; what it printed.
    public struct NotStarted: Error, CustomStringConvertible {
        public let description: String
    }
}
