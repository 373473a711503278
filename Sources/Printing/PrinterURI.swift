import Foundation

/// Where labels go: `cups://QUEUE`, `ipp://host:port/path`, `usb://VID:PID[?serial=S]`,
/// `tcp://host[:9100]`, `file:///path`.
public enum PrinterURI: Hashable, Sendable, CustomStringConvertible {
    /// A CUPS queue on the local (or `CUPS_SERVER`) scheduler.
    case cups(queue: String)
    /// An IPP printer reached directly.
    case ipp(host: String, port: Int, path: String)
    /// A USB printer-class device.
    case usb(vendor: UInt16, product: UInt16, serial: String?)
    /// A raw TCP (JetDirect / port 9100) printer.
    case tcp(host: String, port: Int)
    /// A file (appended to), for tests and printers that read a spool file.
    case file(path: String)

    /// Parses a printer URI, with an error that shows the accepted forms.
    public init(parsing text: String) throws(PrinterError) {
        func bad(_ why: String) -> PrinterError {
            PrinterError(code: "printer.uri", message: "'\(text)' is not a printer URI: \(why). Use cups://QUEUE, ipp://HOST:PORT/PATH, usb://VID:PID[?serial=S], tcp://HOST[:9100] or file:///PATH.")
        }
        guard let schemeEnd = text.range(of: "://") else { throw bad("it has no scheme") }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let rest = String(text[schemeEnd.upperBound...])
        switch scheme {
        case "cups":
            let queue = rest.hasSuffix("/") ? String(rest.dropLast()) : rest
            guard !queue.isEmpty, queue.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.@".contains($0)) }) else {
                throw bad("a CUPS queue name has letters, digits, '_', '-', '.' or '@'")
            }
            self = .cups(queue: queue)
        case "ipp", "ipps":
            let (host, port, path) = try Self.hostPortPath(rest, defaultPort: 631, bad: bad)
            self = .ipp(host: host, port: port, path: path.isEmpty ? "/ipp/print" : path)
        case "tcp", "socket":
            let (host, port, path) = try Self.hostPortPath(rest, defaultPort: 9100, bad: bad)
            guard path.isEmpty || path == "/" else { throw bad("a tcp printer has no path") }
            self = .tcp(host: host, port: port)
        case "usb":
            let parts = rest.split(separator: "?", maxSplits: 1)
            let ids = parts.first.map { $0.hasSuffix("/") ? $0.dropLast() : $0 } ?? ""
            let pair = ids.split(separator: ":")
            guard pair.count == 2, let v = UInt16(pair[0], radix: 16), let p = UInt16(pair[1], radix: 16), pair.allSatisfy({ $0.count == 4 }) else {
                throw bad("a USB printer is usb://VID:PID with four hex digits each, e.g. usb://0a5f:0166")
            }
            var serial: String?
            if parts.count == 2 {
                for item in parts[1].split(separator: "&") {
                    let kv = item.split(separator: "=", maxSplits: 1)
                    guard kv.count == 2, kv[0] == "serial", !kv[1].isEmpty else { throw bad("the only USB option is serial=S") }
                    serial = String(kv[1])
                }
            }
            self = .usb(vendor: v, product: p, serial: serial)
        case "file":
            guard rest.hasPrefix("/"), rest.count > 1 else { throw bad("a file printer needs an absolute path: file:///var/spool/labels.zpl") }
            self = .file(path: rest)
        default:
            throw bad("unknown scheme '\(scheme)'")
        }
    }

    private static func hostPortPath(_ rest: String, defaultPort: Int, bad: (String) -> PrinterError) throws(PrinterError) -> (String, Int, String) {
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let path = String(rest[slash...])
        var host = Substring(authority)
        var port = defaultPort
        if host.hasPrefix("[") {  // [::1]:9100
            guard let close = host.firstIndex(of: "]") else { throw bad("an IPv6 address needs a closing ']'") }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { throw bad("the port must be 1–65535") }
                port = p
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]), (1...65535).contains(p) else { throw bad("the port must be 1–65535") }
            port = p
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw bad("the host is missing") }
        return (String(host), port, path)
    }

    public var description: String {
        switch self {
        case .cups(let q): "cups://\(q)"
        case .ipp(let h, let p, let path): "ipp://\(h.contains(":") ? "[\(h)]" : h):\(p)\(path)"
        case .usb(let v, let p, let s): "usb://\(hex(v)):\(hex(p))" + (s.map { "?serial=\($0)" } ?? "")
        case .tcp(let h, let p): "tcp://\(h.contains(":") ? "[\(h)]" : h):\(p)"
        case .file(let path): "file://\(path)"
        }
    }

    private func hex(_ v: UInt16) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 4 - s.count) + s
    }
}
