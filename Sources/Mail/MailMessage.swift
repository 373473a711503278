import Foundation

/// One e-mail as RFC 5322 and MIME write it: UTF-8 text and, when given, an HTML alternative
/// (multipart/alternative), both quoted-printable, so every line is short ASCII whatever the
/// names and addresses hold.
public struct MailMessage: Hashable, Sendable {
    /// The sender (From).
    public var from: MailAddress
    /// The recipients (To).
    public var to: [MailAddress]
    /// Where replies go, when not the sender.
    public var replyTo: MailAddress?
    /// The subject, any Unicode.
    public var subject: String
    /// The plain-text body.
    public var text: String
    /// The HTML body, already escaped by whoever filled it.
    public var html: String?
    /// The Message-ID without angle brackets, e.g. `notice-42@hub.example`: the same for every
    /// attempt at one notice, so a reader's mail program can tell a repeat.
    public var messageID: String
    /// The Date header.
    public var date: Date
    /// Extra headers (name, value), e.g. `Auto-Submitted: auto-generated`.
    public var extraHeaders: [(String, String)]

    /// Creates a message.
    public init(from: MailAddress, to: [MailAddress], replyTo: MailAddress? = nil, subject: String, text: String, html: String? = nil,
                messageID: String, date: Date, extraHeaders: [(String, String)] = []) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
        self.extraHeaders = extraHeaders
    }

    public static func == (a: MailMessage, b: MailMessage) -> Bool { a.rendered() == b.rendered() }
    public func hash(into hasher: inout Hasher) { hasher.combine(rendered()) }

    /// The message as it goes after DATA: CRLF lines of at most 78 characters (longer only for a
    /// single word that cannot be folded), not yet dot-stuffed.
    public func rendered() -> [UInt8] {
        var head = ""
        func header(_ name: String, _ value: String) { head += "\(name): \(value)\r\n" }
        header("Date", Self.rfc5322Date(date))
        header("From", Self.addressList([from], used: 6))
        header("To", Self.addressList(to, used: 4))
        if let replyTo { header("Reply-To", Self.addressList([replyTo], used: 10)) }
        header("Message-ID", "<\(HeaderText.singleLine(messageID))>")
        header("Subject", HeaderText.unstructured(subject, used: 9))
        for (name, value) in extraHeaders { header(HeaderText.singleLine(name), HeaderText.unstructured(value, used: name.count + 2)) }
        header("MIME-Version", "1.0")
        var out = Array(head.utf8)
        let textPart = Array("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8) + QuotedPrintable.encode(text)
        guard let html else {
            // A body ends with a line break (one is added to a text that has none).
            out += textPart + (textPart.suffix(2) == [13, 10] ? [] : [13, 10])
            return out
        }
        // In a multipart body the CRLF before each boundary belongs to the boundary, so each
        // part's text comes back exactly as given.
        // Quoted-printable always writes '=' as "=3D", so no body line can hold "=_": the boundary
        // never collides with a line of the parts.
        let boundary = "=_packstation_" + Self.hexDigest(Array(messageID.utf8))
        out += Array("Content-Type: multipart/alternative; boundary=\"\(boundary)\"\r\n\r\n".utf8)
        out += Array("This is a multipart message in MIME format.\r\n".utf8)
        out += Array("--\(boundary)\r\n".utf8) + textPart + [13, 10]
        out += Array("--\(boundary)\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
        out += QuotedPrintable.encode(html) + [13, 10]
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    static func addressList(_ addresses: [MailAddress], used: Int) -> String {
        var words: [String] = []
        for (i, a) in addresses.enumerated() {
            let angle = "<\(a.address)>" + (i < addresses.count - 1 ? "," : "")
            if let name = a.name { words += HeaderText.phrase(name, used: words.isEmpty ? used : 1) + [angle] } else { words.append(angle) }
        }
        return HeaderText.fold(words: words, used: used)
    }

    /// `Fri, 04 Dec 2026 21:55:41 +0000`, in UTC, with English names whatever the locale.
    public static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { let n = n ?? 0; return n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    /// A short FNV-1a digest in hex, for the boundary (not security).
    static func hexDigest(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
