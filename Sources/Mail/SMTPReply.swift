/// One SMTP reply (RFC 5321 §4.2): a three-digit code and its text lines.
public struct SMTPReply: Hashable, Sendable, CustomStringConvertible {
    /// The code, e.g. 250.
    public var code: Int
    /// The text of each line, without the code and separator.
    public var lines: [String]

    /// Creates a reply.
    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx.
    public var isPositive: Bool { (200..<300).contains(code) }

    /// `250 text` (the lines joined by " / "), for messages; the server's text is cut to 300
    /// characters with control characters shown.
    public var description: String {
        let text = lines.joined(separator: " / ").visible
        return "\(code) \(text.count > 300 ? String(text.prefix(300)) + "…" : text)"
    }
}

/// Turns the bytes a server sends into replies: lines ending in CRLF (a bare LF is taken too),
/// `ddd-text` continuing, `ddd text` or `ddd` ending a reply. Bounded: a line longer than
/// ``maximumLineLength`` or a reply of more than ``maximumLines`` lines is a protocol error.
struct SMTPReplyParser {
    static let maximumLineLength = 4096
    static let maximumLines = 200

    private var buffer: [UInt8] = []
    private var pending: [String] = []
    private var pendingCode: Int?

    /// Whether bytes or lines of an unfinished reply are held.
    var isEmpty: Bool { buffer.isEmpty && pending.isEmpty }

    /// Adds bytes; returns the replies they complete.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(MailError) -> [SMTPReply] {
        var replies: [SMTPReply] = []
        for b in bytes {
            if b == 10 {
                if buffer.last == 13 { buffer.removeLast() }
                if let reply = try line(buffer) { replies.append(reply) }
                buffer.removeAll(keepingCapacity: true)
            } else {
                buffer.append(b)
                if buffer.count > Self.maximumLineLength {
                    throw MailError(.protocolError, "The SMTP server sent a line longer than \(Self.maximumLineLength) bytes; it is not speaking SMTP. Check --smtp's host and port.")
                }
            }
        }
        return replies
    }

    private mutating func line(_ bytes: [UInt8]) throws(MailError) -> SMTPReply? {
        let digits = bytes.prefix(3)
        guard digits.count == 3, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let code = Int(String(decoding: digits, as: UTF8.self)),
              (200..<600).contains(code), bytes.count == 3 || bytes[3] == 0x20 || bytes[3] == 0x2D
        else {
            let shown = String(decoding: bytes.prefix(60), as: UTF8.self).visible
            throw MailError(.protocolError, "The SMTP server sent '\(shown)', which is not an SMTP reply; check --smtp's host and port (is it an SMTP server, and does it expect TLS from the start: smtps://?).")
        }
        if let pendingCode, pendingCode != code {
            throw MailError(.protocolError, "The SMTP server changed its reply code from \(pendingCode) to \(code) inside one reply.")
        }
        pending.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard pending.count <= Self.maximumLines else {
            throw MailError(.protocolError, "The SMTP server sent a reply of more than \(Self.maximumLines) lines.")
        }
        if bytes.count > 3, bytes[3] == 0x2D {
            pendingCode = code
            return nil
        }
        defer { pending = []; pendingCode = nil }
        return SMTPReply(code: code, lines: pending)
    }
}

/// What the server said it can do in its EHLO reply.
struct SMTPExtensions: Hashable, Sendable {
    var startTLS = false
    var authMechanisms: Set<String> = []
    var maximumSize: Int?
    var eightBitMIME = false
    var smtpUTF8 = false

    init() {}

    init(ehlo reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(separator: " ")
            guard let keyword = words.first else { continue }
            switch keyword {
            case "STARTTLS": startTLS = true
            case "AUTH": authMechanisms.formUnion(words.dropFirst().map(String.init))
            case "SIZE": maximumSize = words.count > 1 ? Int(words[1]).flatMap { $0 > 0 ? $0 : nil } : nil
            case "8BITMIME": eightBitMIME = true
            case "SMTPUTF8": smtpUTF8 = true
            default: continue
            }
        }
    }
}

/// The message after DATA as it goes on the wire (RFC 5321 §4.5.2): CRLF line ends, a '.'
/// doubled at the start of a line, a final CRLF; the terminating ".\r\n" is not included.
enum DotStuffing {
    static func stuff(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 50 + 2)
        var lineStart = true
        var previous: UInt8 = 0
        for b in message {
            if b == 10 && previous != 13 { out.append(13) }  // bare LF
            if previous == 13 && b != 10 { out.append(10); lineStart = true }  // bare CR
            if lineStart && b == UInt8(ascii: ".") { out.append(b) }
            out.append(b)
            lineStart = b == 10
            previous = b
        }
        if previous == 13 { out.append(10) } else if previous != 10 { out += [13, 10] }
        return out
    }
}
