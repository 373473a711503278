import Foundation

/// A subscriber's address, checked when it is added: `http` or `https`, a host, no user or
/// password in it (they would be stored and listed in the clear: put credentials in the receiver's
/// check of the signature instead), no fragment, and never a literal address no order system
/// lives at (link-local, which holds cloud metadata services, unspecified, multicast, broadcast).
/// Loopback and private networks are allowed: an order system on the LAN or on the hub's own
/// machine is the common case. Why this is the line drawn is in docs/webhooks.md ("Addresses").
public struct WebhookURL: Hashable, Sendable, CustomStringConvertible {
    /// The longest address accepted.
    public static let maximumLength = 2_048

    /// The address as given (and as deliveries use it).
    public let text: String
    /// Its host, without brackets.
    public let host: String

    /// Checks `text`; the error says what is wrong with it.
    public init(_ text: String) throws(HubError) {
        func refuse(_ why: String) -> HubError {
            HubError(400, "bad_webhook_url", "The webhook address '\(text.prefix(200))' \(why)")
        }
        guard text.utf8.count <= Self.maximumLength else { throw refuse("is longer than \(Self.maximumLength) bytes.") }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7f }) else {
            throw refuse("has spaces or control characters; percent-encode them.")
        }
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased() else {
            throw refuse("is not a URL; give one like https://orders.example.com/hooks/packstation.")
        }
        guard scheme == "http" || scheme == "https" else { throw refuse("must start with http:// or https://, not \(scheme):.") }
        guard parts.user == nil, parts.password == nil else {
            throw refuse("carries a user or password; remove them (they would be stored and listed in the clear) and have the receiver check the signature instead.")
        }
        guard parts.fragment == nil else { throw refuse("has a #fragment, which is never sent; remove it.") }
        guard let host = parts.host, !host.isEmpty else { throw refuse("has no host.") }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if let reason = Self.forbiddenAddress(bare) { throw refuse("points at \(reason); no order system listens there.") }
        // A name is letters, digits, '-' and '.' (IDNs in their xn-- form); an IPv6 literal is hex and ':'.
        let isIPv6 = host.hasPrefix("[")
        guard bare.unicodeScalars.allSatisfy({ $0.isASCII && (isIPv6 ? ($0.properties.isASCIIHexDigit || ":.".unicodeScalars.contains($0)) : (CharacterSet.alphanumerics.contains($0) || "-.".unicodeScalars.contains($0))) }) else {
            throw refuse("has a host with characters no host name has; use letters, digits, '-' and '.' (xn-- for international names).")
        }
        self.text = text
        self.host = bare
    }

    public var description: String { text }

    /// Why a literal IP address is refused, or nil (names and ordinary addresses).
    static func forbiddenAddress(_ host: String) -> String? {
        // inet_aton, not inet_pton: it reads what the resolver reads, 2852039166 and 0251.0376.0251.0376
        // as 169.254.169.254 too.
        var v4 = in_addr()
        if inet_aton(host, &v4) != 0 {
            let a = UInt32(bigEndian: v4.s_addr)
            let first = a >> 24
            if first == 0 { return "an unspecified address (0.0.0.0/8)" }
            if a >> 16 == 0xA9FE { return "a link-local address (169.254.0.0/16, where cloud metadata services answer)" }
            if first >= 224 && first <= 239 { return "a multicast address" }
            if first >= 240 { return "a reserved or broadcast address" }
            return nil
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            let b = withUnsafeBytes(of: v6) { Array($0) }
            if b.allSatisfy({ $0 == 0 }) { return "the unspecified address (::)" }
            if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return "a link-local address (fe80::/10)" }
            if b[0] == 0xff { return "a multicast address" }
            // IPv4-mapped (::ffff:a.b.c.d): the IPv4 rules.
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff {
                return forbiddenAddress("\(b[12]).\(b[13]).\(b[14]).\(b[15])")
            }
            return nil
        }
        return nil
    }
}
