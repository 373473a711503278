#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A server-sent-events client on a plain socket and a thread of its own (never the concurrency
/// pool the server runs on): it sends one GET and keeps what arrives, until closed or the server
/// ends the stream. `reading: false` never reads (a stalled page), with a small receive buffer.
final class SSETestClient: Sendable {
    struct Event: Sendable, Hashable {
        var id: String?
        var type: String?
        var data: String
    }

    private struct State {
        var raw: [UInt8] = []
        var closedByServer = false
        var fd: Int32 = -1
    }

    private let state = Mutex(State())

    init(port: Int, path: String = "/events", headers: [(String, String)] = [("Accept", "text/event-stream")], reading: Bool = true) {
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        let request = Array((head + "\r\n").utf8)
        let ready = DispatchSemaphore(value: 0)
        Thread { [self] in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            if !reading {
                var small: Int32 = 4096
                setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            _ = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            state.withLock { $0.fd = fd }
            ready.signal()
            guard reading else { return }
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { break }
                state.withLock { $0.raw += buffer[0..<n] }
            }
            state.withLock { $0.closedByServer = true }
        }.start()
        ready.wait()
    }

    /// Closes the connection.
    func close() {
        state.withLock { s in
            if s.fd >= 0 { shutdown(s.fd, Int32(SHUT_RDWR)); Glibc.close(s.fd); s.fd = -1 }
        }
    }

    /// Reads everything waiting now and then whether the server has closed (for a client that
    /// did not read: the kernel keeps what arrived; EOF or a reset after it means closed).
    func drainAndCheckClosed() -> Bool {
        let fd = state.withLock { $0.fd }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 || (n < 0 && errno == ECONNRESET) { return true }
            if n < 0 { return false }
        }
    }

    var closedByServer: Bool { state.withLock { $0.closedByServer } }

    /// The response ended: its last chunk (the connection may stay open for another request).
    var responseEnded: Bool { state.withLock { $0.raw.count >= 5 && Array($0.raw.suffix(5)) == Array("0\r\n\r\n".utf8) } }

    /// The status code, once the head is in.
    var status: Int? {
        let raw = state.withLock { $0.raw }
        guard raw.count > 12 else { return nil }
        return Int(String(decoding: raw[9..<12], as: UTF8.self))
    }

    /// The response head's header, once in.
    func header(_ name: String) -> String? {
        let text = String(decoding: state.withLock { $0.raw }, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        return text[..<end.lowerBound].components(separatedBy: "\r\n").dropFirst().first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { String($0.drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces) }
    }

    /// The events received so far (whole ones only).
    var events: [Event] {
        let answer = HTTPTestClient.parse(state.withLock { $0.raw })
        let text = answer.text
        var events: [Event] = []
        var blocks = text.components(separatedBy: "\n\n")
        blocks.removeLast()  // after the last separator: an event not complete yet (or nothing)
        for block in blocks {
            var e = Event(id: nil, type: nil, data: "")
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("id: ") { e.id = String(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { e.type = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            e.data = data.joined(separator: "\n")
            if e.type != nil { events.append(e) }
        }
        return events
    }

    /// Waits (polling off the pool) until `condition` holds or `seconds` pass; returns whether it held.
    func wait(seconds: Double, until condition: @escaping @Sendable (SSETestClient) -> Bool) async -> Bool {
        await withCheckedContinuation { c in
            Thread { [self] in
                let end = Date().addingTimeInterval(seconds)
                while Date() < end {
                    if condition(self) { c.resume(returning: true); return }
                    usleep(20_000)
                }
                c.resume(returning: condition(self))
            }.start()
        }
    }
}
