import Foundation

/// Where and how the SMTP client talks to its server.
///
/// Keys (as `packstation-hub serve` takes them): `--smtp smtp://HOST[:PORT]` (STARTTLS when the
/// server offers it; `?starttls=required` refuses a server that does not, `?starttls=never`
/// never asks) or `smtps://HOST[:PORT]` (TLS from the first byte, port 465);
/// `--smtp-user` and `--smtp-password-file` (secret) for AUTH PLAIN or LOGIN; `--smtp-ca-file`
/// to trust a private CA instead of the system's.
public struct SMTPConfiguration: Sendable, CustomStringConvertible {
    /// When the connection is encrypted.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain text throughout, even when the server offers STARTTLS.
        case never
        /// STARTTLS when the server offers it, else plain text.
        case whenOffered = "when-offered"
        /// STARTTLS, and no message to a server that does not offer it.
        case required
        /// TLS from the first byte (smtps, RFC 8314).
        case implicit
    }

    /// The server's host name or address.
    public var host: String
    /// Its port.
    public var port: Int
    /// When to encrypt.
    public var tls: TLSMode
    /// A PEM file of the CAs to trust instead of the system's.
    public var caFile: String?
    /// The AUTH user, when the server wants one.
    public var username: String?
    /// The AUTH password (secret: never logged or shown).
    public var password: String?
    /// The name this side gives in EHLO.
    public var heloName: String
    /// Connecting, TLS handshake included.
    public var connectTimeout: Duration = .seconds(15)
    /// Each reply: greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, and each write of the message.
    public var commandTimeout: Duration = .seconds(60)
    /// The reply to the end of the message, when the server checks and stores it (RFC 5321
    /// §4.5.3.2.6 suggests 10 minutes; a relay answers in seconds).
    public var endOfDataTimeout: Duration = .seconds(180)

    /// Creates a configuration.
    public init(host: String, port: Int, tls: TLSMode = .whenOffered, caFile: String? = nil, username: String? = nil, password: String? = nil, heloName: String? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
        self.caFile = caFile
        self.username = username
        self.password = password
        self.heloName = heloName ?? Self.localHostName()
    }

    /// Reads `smtp://HOST[:PORT][?starttls=never|when-offered|required]` or `smtps://HOST[:PORT]`.
    public init(url: String) throws(MailError) {
        let bad = { (why: String) in MailError(.badAddress, "--smtp \(url.visible): \(why). Give smtp://HOST[:PORT] (STARTTLS when offered; add ?starttls=required or ?starttls=never) or smtps://HOST[:PORT].", kind: .permanent) }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty else {
            throw bad("not a URL with a host")
        }
        guard components.user == nil, components.password == nil else {
            throw bad("credentials do not go in the URL (it is shown in logs); use --smtp-user and --smtp-password-file")
        }
        guard components.path.isEmpty || components.path == "/" else { throw bad("an SMTP URL has no path") }
        var tls: TLSMode
        switch scheme {
        case "smtp": tls = .whenOffered
        case "smtps": tls = .implicit
        default: throw bad("the scheme must be smtp or smtps")
        }
        for item in components.queryItems ?? [] {
            guard item.name == "starttls", scheme == "smtp", let v = item.value, let mode = TLSMode(rawValue: v), mode != .implicit else {
                throw bad("the only option is ?starttls=never, when-offered or required (with smtp://)")
            }
            tls = mode
        }
        let port = components.port ?? (tls == .implicit ? 465 : 25)
        guard (1...65535).contains(port) else { throw bad("the port must be 1 to 65535") }
        self.init(host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: port, tls: tls)
    }

    /// `smtp://host:port (STARTTLS when offered)`, without secrets.
    public var description: String {
        let scheme = tls == .implicit ? "smtps" : "smtp"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let mode = switch tls {
        case .never: "no TLS"
        case .whenOffered: "STARTTLS when offered"
        case .required: "STARTTLS required"
        case .implicit: "TLS"
        }
        return "\(scheme)://\(shownHost):\(port) (\(mode)\(username.map { ", user \($0)" } ?? ""))"
    }

    /// Whether `host` is this machine (127.0.0.0/8, ::1, localhost): a password may go there in clear.
    var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func localHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // EHLO takes a domain or an address literal; a bare host name with odd characters is not sent.
        return !name.isEmpty && name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) ? name : "localhost"
    }
}
