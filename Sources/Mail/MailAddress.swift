/// An e-mail address with an optional display name, checked so that it can go into an SMTP
/// envelope (`MAIL FROM:<…>`, `RCPT TO:<…>`) and a header without changing either.
public struct MailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address, `local@domain`.
    public let address: String
    /// The name shown beside it, e.g. "José Pérez".
    public let name: String?

    /// The longest address SMTP carries (RFC 5321 §4.5.3.1.3: a path of 256 octets less the brackets).
    public static let maximumLength = 254

    /// Checks `address`: one '@', a local part of at most 64 octets and a domain, printable ASCII
    /// or UTF-8 letters with no space, control character, '<', '>', '(', ')', ',', ';', '"' or '\'.
    public init(_ address: String, name: String? = nil) throws(MailError) {
        let trimmed = address.trimmingSpaces
        guard !trimmed.isEmpty else { throw MailError(.badAddress, "The e-mail address is empty.") }
        guard trimmed.utf8.count <= Self.maximumLength else {
            throw MailError(.badAddress, "The e-mail address is \(trimmed.utf8.count) bytes long; SMTP carries at most \(Self.maximumLength).")
        }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw MailError(.badAddress, "'\(trimmed.visible)' is not an e-mail address: it needs exactly one '@' with text on both sides.")
        }
        guard parts[0].utf8.count <= 64 else {
            throw MailError(.badAddress, "The part before '@' in '\(trimmed.visible)' is longer than 64 bytes.")
        }
        for scalar in trimmed.unicodeScalars where scalar.value < 0x21 || scalar.value == 0x7F || "<>(),;:\"\\[]".unicodeScalars.contains(scalar) {
            throw MailError(.badAddress, "'\(trimmed.visible)' is not an e-mail address: it holds \(scalar.value < 0x21 || scalar.value == 0x7F ? "a space or control character" : "'\(Character(scalar))'").")
        }
        guard !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains("..") else {
            throw MailError(.badAddress, "The domain of '\(trimmed.visible)' is not a host name.")
        }
        self.address = trimmed
        let cleaned = name.map { HeaderText.singleLine($0) }
        self.name = cleaned?.isEmpty == false ? cleaned : nil
    }

    /// Whether the address needs SMTPUTF8 (RFC 6531): it has non-ASCII characters.
    public var isInternational: Bool { address.utf8.contains { $0 >= 0x80 } }

    /// `Name <address>` or `address`.
    public var description: String { name.map { "\($0) <\(address)>" } ?? address }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }

    /// The text with control characters shown as `\u{…}`, for messages.
    var visible: String {
        var out = ""
        for s in unicodeScalars {
            if s.value < 0x20 || s.value == 0x7F { out += "\\u{\(String(s.value, radix: 16))}" } else { out.unicodeScalars.append(s) }
        }
        return out
    }
}
