import Foundation

/// The project's webhook receiver (scripts/peers/webhook_receiver.py) as a real process on
/// 127.0.0.1: verifies signatures, deduplicates by event id, records what it saw, and fails,
/// is slow or vanishes when told. Started per test, stopped by PID.
public final class WebhookReceiverPeer: @unchecked Sendable {  // control() opens its own connection per call
    public let process = Process()
    public let port: Int
    public let controlPort: Int
    public let logDirectory: URL

    public static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/peers/webhook_receiver.py")

    /// Starts a receiver accepting signatures under `secrets` (more can be set with `secrets(_:)`).
    public init(secrets: [String] = [], logDirectory: URL? = nil, port: Int = 0) throws {
        self.logDirectory = logDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("webhooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.logDirectory, withIntermediateDirectories: true)
        let ready = self.logDirectory.appendingPathComponent("ready-\(UUID().uuidString)")
        let fields = try PeerProcess.start(
            process, script: Self.script, arguments: ["--log", self.logDirectory.path, "--port", String(port)] + secrets.flatMap { ["--secret", $0] },
            readyFile: ready, output: self.logDirectory.appendingPathComponent("output.txt"), seconds: 20)
        guard let p = fields["port"], let c = fields["control"] else {
            PeerProcess.stop(process, grace: 2)
            throw TestPrinterPeer.PeerError.didNotStart
        }
        self.port = p
        controlPort = c
    }

    deinit { stop() }

    /// Stops the receiver (its log stays until the test's directory goes).
    public func stop() {
        if process.isRunning { PeerProcess.stop(process, grace: 2) }
    }

    /// The address a subscriber is given.
    public var url: String { "http://127.0.0.1:\(port)/hooks/packstation" }

    /// Sends one control command (`fail 503`, `slow 3`, `gone`, `back`, `secrets A,B`, `status`)
    /// and returns the receiver's state and counts.
    @discardableResult
    public func control(_ command: String) throws -> [String: Any] {
        try ControlLine.send(command, port: controlPort)
    }

    /// `control` on a thread of its own, for async tests (a blocking socket call must not hold
    /// one of the cooperative pool's threads while a hub runs in the same process).
    @discardableResult
    public func control(_ command: String) async throws -> [String: Any] {
        let port = controlPort
        let answer = try await withCheckedThrowingContinuation { (c: CheckedContinuation<String, any Error>) in
            Thread.detachNewThread {
                c.resume(with: Result {
                    let o = try ControlLine.send(command, port: port)
                    return String(decoding: try JSONSerialization.data(withJSONObject: o), as: UTF8.self)
                })
            }
        }
        return (try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any]) ?? [:]
    }

    /// The secrets accepted from now on.
    public func secrets(_ secrets: [String]) async throws { try await control("secrets " + secrets.joined(separator: ",")) }

    /// One event the receiver accepted (the first good delivery of its id).
    public struct Accepted: Sendable, Equatable {
        public var id: Int64
        public var type: String
        public var orderID: String?
        public var attempt: Int?
    }

    /// The events accepted, in the order they came.
    public func accepted() -> [Accepted] {
        lines("accepted.jsonl").map { o in
            Accepted(id: (o["id"] as? NSNumber)?.int64Value ?? -1, type: o["type"] as? String ?? "",
                     orderID: (o["data"] as? [String: Any])?["order_id"] as? String, attempt: (o["attempt"] as? String).flatMap { Int($0) })
        }
    }

    /// Every request: `outcome` is accepted, duplicate, rejected or failed; `reason` why rejected.
    public func requests() -> [(id: String?, outcome: String, reason: String?)] {
        lines("requests.jsonl").map { o in
            let id: String? = (o["id"] as? NSNumber).map { "\($0)" } ?? o["id"] as? String
            return (id, o["outcome"] as? String ?? "", o["reason"] as? String)
        }
    }

    private func lines(_ name: String) -> [[String: Any]] {
        guard let text = try? String(contentsOf: logDirectory.appendingPathComponent(name), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    /// Waits up to `seconds` for `condition`, sleeping (not blocking) between looks.
    public func waitUntil(seconds: Double = 30, _ condition: () throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return try condition()
    }
}

/// One line to a peer's control port, one JSON line back.
enum ControlLine {
    static func send(_ command: String, port: Int) throws -> [String: Any] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestPrinterPeer.PeerError.control("socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { throw TestPrinterPeer.PeerError.control("connect to the control port \(port): errno \(errno)") }
        let line = Array((command + "\n").utf8)
        guard line.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == line.count else {
            throw TestPrinterPeer.PeerError.control("send: errno \(errno)")
        }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !reply.contains(UInt8(ascii: "\n")) {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw TestPrinterPeer.PeerError.control("no reply to '\(command)' (errno \(errno))") }
            reply += buffer[..<n]
        }
        let answer = try JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any] ?? [:]
        if let error = answer["error"] as? String { throw TestPrinterPeer.PeerError.control(error) }
        return answer
    }
}
