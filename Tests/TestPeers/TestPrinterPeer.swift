import Foundation

/// The project's test printer (scripts/peers/zebra_printer.py) as a real process on 127.0.0.1:
/// started per test, stopped by PID.
public final class TestPrinterPeer: @unchecked Sendable {  // control() opens its own connection per call
    public let process = Process()
    public let port: Int
    public let controlPort: Int
    public let logDirectory: URL

    public static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/peers/zebra_printer.py")

    public init(speed: Double = 0) throws {
        logDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("zebra-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let fields = try PeerProcess.start(process, script: Self.script, arguments: ["--log", logDirectory.path, "--speed", String(speed)],
                                           readyFile: logDirectory.appendingPathComponent("ready"), output: nil, seconds: 20)
        guard let p = fields["data"], let c = fields["control"] else {
            PeerProcess.stop(process, grace: 2)
            throw PeerError.didNotStart
        }
        port = p
        controlPort = c
    }

    deinit {
        PeerProcess.stop(process, grace: 2)
        try? FileManager.default.removeItem(at: logDirectory)
    }

    public enum PeerError: Error { case didNotStart, control(String) }

    /// `tcp://127.0.0.1:PORT`, the printer URI the agent takes.
    public var uri: String { "tcp://127.0.0.1:\(port)" }

    /// Sends one control command (paper_out 1, speed 5, status …) and returns the printer state.
    @discardableResult
    public func control(_ command: String) throws -> [String: Any] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PeerError.control("socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(controlPort).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { throw PeerError.control("connect to the control port \(controlPort): errno \(errno)") }
        let line = Array((command + "\n").utf8)
        guard line.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == line.count else { throw PeerError.control("send: errno \(errno)") }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !reply.contains(UInt8(ascii: "\n")) {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw PeerError.control("no reply to '\(command)' (errno \(errno))") }
            reply += buffer[..<n]
        }
        return try JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any] ?? [:]
    }

    /// Every label printed so far, in order.
    public func printedLabels() -> [String] {
        guard let text = try? String(contentsOf: logDirectory.appendingPathComponent("labels.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["zpl"] as? String
        }
    }

    /// One printed label as the printer logged it in labels.jsonl.
    public struct PrintedLabel: Sendable, Equatable {
        /// 1-based, in print order.
        public var seq: Int
        /// The printer's label counter after this label.
        public var odometer: Int
        /// The format as received, ^XA to ^XZ.
        public var zpl: String
        /// 0-based count of the ^XA formats received before it since the printer started
        /// (settings-only and ^DF formats included): a corpus manifest's label `format`.
        public var formatIndex: Int
        /// 1-based copy within its ^PQ.
        public var copy: Int
        /// Its field data after ^FH decoding and ^XF/^FN expansion, in order.
        public var fields: [String]
        /// Graphics, images and formats it recalled that the printer did not have.
        public var missing: [String]
    }

    /// Every label printed so far, with what the printer knew about it.
    public func printedRecords() -> [PrintedLabel] {
        guard let text = try? String(contentsOf: logDirectory.appendingPathComponent("labels.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return nil }
            return PrintedLabel(seq: o["seq"] as? Int ?? 0, odometer: o["odometer"] as? Int ?? 0, zpl: o["zpl"] as? String ?? "",
                                formatIndex: o["format_index"] as? Int ?? -1, copy: o["copy"] as? Int ?? 0,
                                fields: o["fields"] as? [String] ?? [], missing: o["missing"] as? [String] ?? [])
        }
    }

    /// Every byte the printer received on its data port, as it came.
    public func receivedBytes() -> [UInt8] {
        (FileManager.default.contents(atPath: logDirectory.appendingPathComponent("received.bin").path)).map { Array($0) } ?? []
    }

    /// Switches the printer off: what is stored on R: and the formats in its buffer are lost
    /// (E: keeps its objects), and its data port refuses connections until `switchOn()`.
    @discardableResult
    public func switchOff() throws -> [String: Any] { try control("switch_off") }

    /// Switches the printer on again; returns once its data port listens.
    @discardableResult
    public func switchOn() throws -> [String: Any] { try control("switch_on") }

    /// `switchOff()` then `switchOn()`.
    @discardableResult
    public func powerCycle() throws -> [String: Any] { try control("power_cycle") }

    /// The graphics, fonts and formats the printer holds: name (R:LOGO.GRF) → kind and size.
    public func objects() throws -> [String: (kind: String, bytes: Int)] {
        let listed = try control("objects")["objects"] as? [String: [String: Any]] ?? [:]
        return listed.mapValues { (kind: $0["kind"] as? String ?? "", bytes: $0["bytes"] as? Int ?? 0) }
    }

    /// Waits until `condition` holds or a few seconds pass.
    public func waitUntil(_ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return false
    }
}
