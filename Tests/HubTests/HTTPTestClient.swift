#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One HTTP/1.1 exchange as the client saw it.
struct HTTPAnswer: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The first header with this name (any case).
    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// A deliberately small HTTP/1.1 client on a plain socket: it sends exactly the bytes asked for
/// (any Host, any Content-Type, a lying Content-Length), which a real client library would not.
/// The socket work runs on its own thread, never on the concurrency pool the server also uses.
enum HTTPTestClient {
    /// Sends one request with `Connection: close` and reads the answer to the end.
    static func send(port: Int, _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil, host: String? = nil) async -> HTTPAnswer {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body, !headers.contains(where: { ["content-length", "transfer-encoding"].contains($0.0.lowercased()) }) { head += "Content-Length: \(body.count)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + (body ?? [])
        return parse(await exchange(port: port, bytes).bytes)
    }

    /// Writes `bytes` and reads until the server closes (or `closeAfter` seconds pass); `seconds`
    /// is the time from connecting to the close, measured on the socket's own thread (the
    /// concurrency pool may be slow to resume the caller when tests run side by side).
    static func exchange(port: Int, _ bytes: [UInt8], closeAfter: Int = 30) async -> (bytes: [UInt8], seconds: Double) {
        await withCheckedContinuation { (c: CheckedContinuation<([UInt8], Double), Never>) in
            Thread {
                let started = Date()
                let answer = blockingExchange(port: port, bytes, closeAfter: closeAfter)
                c.resume(returning: (answer, Date().timeIntervalSince(started)))
            }.start()
        }
    }

    private static func blockingExchange(port: Int, _ bytes: [UInt8], closeAfter: Int) -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { return [] }
        var timeout = timeval(tv_sec: closeAfter, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }  // the server may answer (413) and close before reading it all
            sent += n
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        return answer
    }

    static func parse(_ raw: [UInt8]) -> HTTPAnswer {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, raw.count - 3)).first(where: { Array(raw[$0..<$0 + 4]) == separator }) else {
            return HTTPAnswer(status: 0, headers: [], body: raw)
        }
        let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(raw[(end + 4)...])
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased().contains("chunked") }) {
            body = dechunk(body)
        }
        return HTTPAnswer(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            guard let lineEnd = (i..<data.count - 1).first(where: { data[$0] == 13 && data[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: data[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            guard start + size <= data.count else { break }
            out += data[start..<start + size]
            i = start + size + 2
        }
        return out
    }
}
