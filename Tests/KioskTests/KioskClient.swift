import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HTTPGuard
import Kiosk
import Logging
import TestPeers

/// A kiosk server on 127.0.0.1 (an ephemeral port) for one test, stopped afterwards.
func withKiosk(token: String? = nil, host: String = "127.0.0.1", limits: HTTPGuardConfiguration = .init(maximumConnections: 64),
               localPeersNeedNoToken: Bool = false, _ body: @Sendable (Int) async throws -> Void) async throws {
    let feed = KioskFeed()
    feed.publish(#"{"station":"bench-box","warnings":[],"benches":[]}"#)
    let (ports, port) = AsyncStream.makeStream(of: Int.self)
    var server = KioskServer(host: host, port: 0, feed: feed, preview: { id in id == 7 ? Array("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8) : nil },
                             metrics: { "packstation_up 1\n" }, token: token, limits: limits, onRunning: { port.yield($0) })
    // The tests connect from 127.0.0.1: unless a test is about the bench's own screen, the
    // token is asked of them as of a browser elsewhere.
    server.localPeersNeedNoToken = localPeersNeedNoToken
    let service = try server.service(logger: Logger(label: "kiosk-test"))
    try await withThrowingTaskGroup(of: Void.self) { group in
        // The server's tasks run on threads of their own: other suites in this process block
        // the cooperative pool with peers starting and processes waited for, and a starved
        // kiosk would answer nothing for as long (CI saw 40 s).
        group.addTask(executorPreference: QueueExecutor(label: "kiosk-test")) { try await service.run() }
        var bound = 0
        for await p in ports { bound = p; break }
        defer { group.cancelAll() }
        try await body(bound)
    }
}

/// One HTTP/1.1 exchange over a plain socket, so the test controls every header (Host too).
struct RawHTTP {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    /// Sends `request` (CRLF line ends added) and reads the reply until the server closes.
    static func exchange(port: Int, address: String = "127.0.0.1", _ lines: [String]) async throws -> Reply {
        let text = try await offThread {
            let fd = try connectSocket(port: port, address: address)
            defer { close(fd) }
            let request = Array((lines + ["Connection: close", "", ""]).joined(separator: "\r\n").utf8)
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                data += buffer[..<n]
            }
            return String(decoding: data, as: UTF8.self)
        }
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts[0].components(separatedBy: "\r\n")
        guard let statusLine = head.first, statusLine.hasPrefix("HTTP/1.1 "), let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw TestFailure("no HTTP reply: \(text.debugDescription)")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Reply(status: status, headers: headers, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// A GET with a Host header (nil: none at all).
    static func get(port: Int, address: String = "127.0.0.1", _ path: String, host: String? = nil, extra: [String] = []) async throws -> Reply {
        try await exchange(port: port, address: address, ["GET \(path) HTTP/1.1"] + [host ?? "127.0.0.1:\(port)"].map { "Host: \($0)" } + extra)
    }

    /// This machine's first IPv4 address that is not loopback, if it has one (the address a
    /// packet to a documentation network would leave from; nothing is sent).
    static func nonLoopbackAddress() -> String? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = in_port_t(UInt16(9).bigEndian)
        target.sin_addr.s_addr = inet_addr("198.51.100.1")
        guard withUnsafePointer(to: &target, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }) == 0 else { return nil }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard withUnsafeMutablePointer(to: &local, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }) == 0 else { return nil }
        let text = String(cString: inet_ntoa(local.sin_addr))
        return text.hasPrefix("127.") || text == "0.0.0.0" ? nil : text
    }

    static func connectSocket(port: Int, address host: String = "127.0.0.1") throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let ok = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { close(fd); throw TestFailure("connect to \(port) failed: errno \(errno)") }
        return fd
    }

    /// Seconds until the server closes `fd` (reads and discards what it sends), at most `limit`.
    static func secondsUntilClosed(_ fd: Int32, limit: Double, trickle: [UInt8] = []) async -> Double {
        await (try? offThread {
            let start = Date()
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var next = 0
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date().timeIntervalSince(start) < limit {
                if next < trickle.count {
                    // One byte of a never-ending head every 200 ms: bytes keep coming, the head never ends.
                    if send(fd, [trickle[next]], 1, Int32(MSG_NOSIGNAL)) < 0 { return Date().timeIntervalSince(start) }
                    next += 1
                }
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { return Date().timeIntervalSince(start) }
            }
            return limit
        }) ?? limit
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}

/// Runs blocking socket code on a thread of its own, off the cooperative pool the server uses.
func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
