#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking TCP connection with deadlines on connect, write and read (poll-based), closed
/// on deinit. Owned by one printer; not shared between threads.
final class TCPSocket {
    private(set) var fd: Int32
    let peer: String

    /// Connects to host:port (IPv4 or IPv6), giving up after `timeout`.
    init(host: String, port: Int, timeout: Duration) throws(PrinterError) {
        peer = "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw PrinterError(code: "printer.unreachable", message: "Cannot find printer host \(host): \(String(cString: gai_strerror(rc))). Check the printer's address.", isTransient: true)
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = 0
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let ai = candidate {
            candidate = ai.pointee.ai_next
            let s = socket(ai.pointee.ai_family, ai.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), ai.pointee.ai_protocol)
            guard s >= 0 else { lastError = errno; continue }
            if connect(s, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                if Self.wait(s, for: Int16(POLLOUT), deadline: .now + timeout) {
                    var soError: Int32 = 0
                    var len = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(s, SOL_SOCKET, SO_ERROR, &soError, &len)
                    if soError == 0 {
                        var one: Int32 = 1
                        setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                        fd = s
                        return
                    }
                    lastError = soError
                } else {
                    lastError = ETIMEDOUT
                }
            } else {
                lastError = errno
            }
            close(s)
        }
        throw Self.error(lastError, peer: "\(host):\(port)", doing: "connect to")
    }

    deinit { close(fd) }

    /// Writes everything or throws; a timeout means the printer stopped taking data.
    func write(_ bytes: some Collection<UInt8>, timeout: Duration) throws(PrinterError) {
        let data = Array(bytes)
        var offset = 0
        let deadline = ContinuousClock.now + timeout
        while offset < data.count {
            let n = data.withUnsafeBytes { raw in send(fd, raw.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                offset += n
                continue
            }
            let e = errno
            if n < 0, e == EINTR { continue }
            if n < 0, e == EAGAIN || e == EWOULDBLOCK {
                guard Self.wait(fd, for: Int16(POLLOUT), deadline: deadline) else {
                    throw PrinterError(code: "printer.timeout", message: "The printer at \(peer) stopped taking data (\(offset) of \(data.count) bytes sent). Check it for an error light, paper or a full buffer.", isTransient: true)
                }
                continue
            }
            throw Self.error(e, peer: peer, doing: "send to")
        }
    }

    /// Reads what arrives until `complete` says the reply is whole, or the deadline passes.
    func read(timeout: Duration, until complete: ([UInt8]) -> Bool) throws(PrinterError) -> [UInt8] {
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        while !complete(reply) {
            guard Self.wait(fd, for: Int16(POLLIN), deadline: deadline) else {
                throw PrinterError(code: "printer.no_reply", message: "The printer at \(peer) did not answer a status request in time. It may not be a ZPL printer, or it is busy.", isTransient: true)
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                reply += buffer[0..<n]
                if reply.count > 1 << 20 { throw PrinterError(code: "printer.reply", message: "The printer at \(peer) sent more than 1 MiB in reply to a status request.") }
            } else if n == 0 {
                throw PrinterError(code: "printer.closed", message: "The printer at \(peer) closed the connection.", isTransient: true)
            } else if errno != EINTR && errno != EAGAIN {
                throw Self.error(errno, peer: peer, doing: "read from")
            }
        }
        return reply
    }

    /// Polls one descriptor until it is ready or the deadline passes; EINTR is retried.
    static func wait(_ fd: Int32, for events: Int16, deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { return false }
            let ms = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var p = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&p, 1, ms)
            if rc > 0 { return true }
            if rc < 0, errno != EINTR { return false }
        }
    }

    /// The one place socket errno values become messages.
    static func error(_ code: Int32, peer: String, doing: String) -> PrinterError {
        switch code {
        case ECONNREFUSED:
            PrinterError(code: "printer.refused", message: "The printer at \(peer) refused the connection: it is off, busy with another computer, or not listening on that port.", isTransient: true)
        case ETIMEDOUT, EHOSTUNREACH, ENETUNREACH:
            PrinterError(code: "printer.unreachable", message: "Cannot \(doing) the printer at \(peer): \(String(cString: strerror(code))). Check its power and network cable.", isTransient: true)
        case EPIPE, ECONNRESET:
            PrinterError(code: "printer.closed", message: "The printer at \(peer) dropped the connection.", isTransient: true)
        default:
            PrinterError(code: "printer.io", message: "Cannot \(doing) the printer at \(peer): \(String(cString: strerror(code))).", isTransient: true)
        }
    }
}
