import Synchronization

/// The `Host` header values a server answers. A page on another site can make a browser send
/// requests to a loopback server through a DNS name it controls (DNS rebinding); such requests
/// carry that name in `Host`, which the allowlist refuses.
public struct HostAllowlist: Sendable {
    /// Allowed host names and addresses, lowercased; IPv6 addresses in brackets (`[::1]`).
    public var names: Set<String>
    /// The port the server listens on (a `Host` must name it, or omit it when it is 80/443);
    /// read when a request comes, so a server on port 0 can fill it in once bound.
    public let port: BoundPort

    /// An allowlist of `names` on `port`.
    public init(names: some Sequence<String>, port: BoundPort) {
        self.names = Set(names.map { Self.normalize($0) })
        self.port = port
    }

    /// `localhost`, `127.0.0.1` and `[::1]` on `port`, plus `extra` names (e.g. the machine's
    /// own name when it is reached that way).
    public static func loopback(port: BoundPort, extra: [String] = []) -> HostAllowlist {
        HostAllowlist(names: ["localhost", "127.0.0.1", "[::1]"] + extra, port: port)
    }

    /// Whether a request with this `Host` header (HTTP/2's `:authority`) is answered.
    public func allows(_ host: String?) -> Bool {
        guard let host, let (name, port) = Self.split(host) else { return false }
        guard names.contains(name) else { return false }
        guard let bound = self.port.value else { return true }
        return (port ?? 80) == bound || (port == nil && bound == 443)
    }

    /// Splits `name[:port]` / `[v6][:port]`; nil when malformed.
    static func split(_ host: String) -> (String, Int?)? {
        var name = Substring(host)
        var port: Int?
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { return nil }
            let rest = name[name.index(after: close)...]
            name = name[...close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()), (1...65535).contains(p) else { return nil }
                port = p
            }
        } else if let colon = name.lastIndex(of: ":") {
            guard let p = Int(name[name.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            name = name[..<colon]
        }
        guard !name.isEmpty else { return nil }
        return (normalize(String(name)), port)
    }

    private static func normalize(_ name: String) -> String {
        var n = name.lowercased()
        if n.hasSuffix("."), n.count > 1 { n.removeLast() }
        return n
    }
}

/// The port a server is bound to, known once it runs (it may have asked for port 0).
public final class BoundPort: Sendable {
    private let port: Mutex<Int?>

    /// A port known in advance, or nil until ``set(_:)``.
    public init(_ port: Int? = nil) {
        self.port = Mutex(port == 0 ? nil : port)
    }

    /// The port, once known.
    public var value: Int? { port.withLock { $0 } }

    /// Records the bound port (from `onServerRunning`).
    public func set(_ value: Int) {
        port.withLock { $0 = value }
    }
}
