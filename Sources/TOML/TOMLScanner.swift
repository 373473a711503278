import Foundation

/// A cursor over a TOML document's UTF-8 bytes that reads keys and values and counts lines.
struct TOMLScanner {
    typealias SyntaxError = TOMLDocument.SyntaxError
    typealias Value = TOMLDocument.Value

    let bytes: [UInt8]
    private(set) var i = 0
    /// The line `i` is on, 1-based.
    private(set) var line = 1
    /// Arrays and inline tables open around the value being read.
    private var depth = 0

    /// How deep keys, arrays and inline tables may nest: far beyond any configuration, and
    /// shallow enough that reading them never exhausts the stack.
    static let maximumDepth = 64

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }
    func peek(at offset: Int) -> UInt8? { i + offset < bytes.count ? bytes[i + offset] : nil }
    mutating func advance(_ n: Int = 1) { i += n }
    mutating func skipSpace() { while peek == 0x20 || peek == 0x09 { i += 1 } }
    mutating func consume(_ c: Character) -> Bool {
        skipSpace()
        guard peek == c.asciiValue else { return false }
        i += 1
        skipSpace()
        return true
    }
    func error(_ message: String) -> SyntaxError { .init(line: line, message: message) }

    static func isBareKey(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }

    /// A control character TOML allows in no string or comment (tab is allowed).
    static func isControl(_ b: UInt8) -> Bool { (b < 0x20 && b != 0x09) || b == 0x7F }

    /// A line end here (LF or CRLF): consumed and counted.
    mutating func newline() throws(SyntaxError) -> Bool {
        if peek == 0x0A { i += 1; line += 1; return true }
        if peek == 0x0D {
            guard peek(at: 1) == 0x0A else { throw error("a carriage return (CR) not followed by a line feed; save the file with LF or CRLF line ends") }
            i += 2
            line += 1
            return true
        }
        return false
    }

    /// Spaces, a comment, then a line end or the end of the file.
    mutating func endOfLine(after what: String) throws(SyntaxError) {
        skipSpace()
        if peek == UInt8(ascii: "#") {
            i += 1
            while let b = peek, b != 0x0A, b != 0x0D {
                guard !Self.isControl(b) else { throw error("a control character (byte \(b)) in a comment; remove it") }
                i += 1
            }
        }
        if peek == nil { return }
        guard try newline() else {
            throw error("unexpected text after \(what.isEmpty ? "the line's start" : what); write one key = value or [table] per line (# starts a comment)")
        }
    }

    /// Spaces, comments and line ends, as between an array's values.
    mutating func skipBlank() throws(SyntaxError) {
        while true {
            skipSpace()
            if peek == UInt8(ascii: "#") { try endOfLine(after: "") } else if !(try newline()) { return }
        }
    }

    /// A dotted key: bare or quoted parts.
    mutating func key() throws(SyntaxError) -> [String] {
        var parts: [String] = []
        repeat {
            skipSpace()
            if peek == UInt8(ascii: "\"") || peek == UInt8(ascii: "'") {
                if peek(at: 1) == peek && peek(at: 2) == peek { throw error("a key cannot be a multi-line string; use \"quotes\" or a bare key") }
                parts.append(try string())
            } else {
                let start = i
                while let b = peek, Self.isBareKey(b) { i += 1 }
                guard i > start else {
                    throw error(peek.map { $0 == 0x0A || $0 == 0x0D ? "a key is missing" : "'\(Character(UnicodeScalar($0)))' cannot start a key (keys are letters, digits, _ and -, or quoted)" } ?? "a key is missing")
                }
                parts.append(String(decoding: bytes[start..<i], as: UTF8.self))
            }
            skipSpace()
            guard parts.count <= Self.maximumDepth else { throw error("a key has more than \(Self.maximumDepth) dotted parts; use fewer") }
        } while consume(".")
        return parts
    }

    /// `key = value`.
    mutating func keyValue() throws(SyntaxError) -> ([String], Value) {
        let key = try key()
        guard consume("=") else { throw error("expected '=' after the key \(TOMLDocument.name(key))") }
        return (key, try value(of: key))
    }

    mutating func value(of key: [String]) throws(SyntaxError) -> Value {
        skipSpace()
        guard let b = peek, b != 0x0A, b != 0x0D, b != UInt8(ascii: "#") else { throw error("a value is missing after \(TOMLDocument.name(key)) =") }
        if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
            guard depth < Self.maximumDepth else { throw error("arrays and inline tables nest more than \(Self.maximumDepth) deep in \(TOMLDocument.name(key)); use fewer") }
            depth += 1
        }
        defer { if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { depth -= 1 } }
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try string())
        case UInt8(ascii: "["):
            i += 1
            var items: [Value] = []
            while true {
                try skipBlank()
                if peek == UInt8(ascii: "]") { i += 1; return .array(items) }
                guard peek != nil else { throw error("the array \(TOMLDocument.name(key)) is not closed; end it with ']'") }
                items.append(try value(of: key))
                try skipBlank()
                guard peek != nil else { throw error("the array \(TOMLDocument.name(key)) is not closed; end it with ']'") }
                if peek == UInt8(ascii: ",") { i += 1; continue }
                guard peek == UInt8(ascii: "]") else { throw error("expected ',' or ']' after a value in the array \(TOMLDocument.name(key))") }
            }
        case UInt8(ascii: "{"):
            i += 1
            var table = TOMLDocument.Table()
            skipSpace()
            if peek == UInt8(ascii: "}") { i += 1; table.origin = .inline; return .table(table) }
            while true {
                skipSpace()
                let at = line
                let (inner, value) = try keyValue()
                try table.assign(inner[...], value, line: at, in: key)
                skipSpace()
                if peek == UInt8(ascii: "}") { i += 1; table.origin = .inline; return .table(table) }
                guard peek == UInt8(ascii: ",") else {
                    throw error("expected ',' or '}' in the inline table \(TOMLDocument.name(key)) (an inline table stays on one line; use a [table] for more)")
                }
                i += 1
                skipSpace()
                if peek == UInt8(ascii: "}") { throw error("an inline table has no comma after its last value; remove it") }
            }
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"):
            throw error("'\(Character(UnicodeScalar(b)))' is not a value; a value is missing before it (or remove the extra comma)")
        default:
            let start = i
            while let c = peek, c != 0x20, c != 0x09, c != 0x0A, c != 0x0D, c != UInt8(ascii: ","), c != UInt8(ascii: "]"), c != UInt8(ascii: "}"), c != UInt8(ascii: "#") { i += 1 }
            return try TOMLNumber.value(String(decoding: bytes[start..<i], as: UTF8.self), line: line)
        }
    }

    /// A basic or literal string, single- or multi-line, at the opening quote.
    mutating func string() throws(SyntaxError) -> String {
        let quote = peek!
        let basic = quote == UInt8(ascii: "\"")
        let multi = peek(at: 1) == quote && peek(at: 2) == quote
        let opened = line
        i += multi ? 3 : 1
        if multi { _ = try newline() }   // a line end right after the opening quotes is not part of the string
        var out: [UInt8] = []
        while let b = peek {
            if b == quote {
                guard multi else { i += 1; return String(decoding: out, as: UTF8.self) }
                if peek(at: 1) == quote && peek(at: 2) == quote {
                    // Up to two more quotes just before the closing three belong to the string.
                    var extra = 0
                    while extra < 2 && peek(at: 3 + extra) == quote { extra += 1 }
                    out += Array(repeating: quote, count: extra)
                    i += 3 + extra
                    return String(decoding: out, as: UTF8.self)
                }
                out.append(b)
                i += 1
                continue
            }
            if b == 0x0A || b == 0x0D {
                guard multi else { throw error("a string is not closed on its line; close it with \(basic ? "\"" : "'"), or use \(basic ? "\"\"\"" : "'''") for a multi-line string") }
                _ = try newline()
                out.append(0x0A)
                continue
            }
            if Self.isControl(b) { throw error("a control character (byte \(b)) in a string; write it as an escape like \\u00\(b < 16 ? "0" : "")\(String(b, radix: 16, uppercase: true))") }
            i += 1
            guard b == UInt8(ascii: "\\") && basic else { out.append(b); continue }
            try escape(into: &out, multi: multi)
        }
        guard multi else { throw error("a string is not closed on its line; close it with \(basic ? "\"" : "'"), or use \(basic ? "\"\"\"" : "'''") for a multi-line string") }
        throw SyntaxError(line: opened, message: "a string opened here is never closed; close it with \(basic ? "\"\"\"" : "'''")")
    }

    /// After a backslash in a basic string.
    private mutating func escape(into out: inout [UInt8], multi: Bool) throws(SyntaxError) {
        guard let e = peek else { return }
        i += 1
        switch e {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let n = e == UInt8(ascii: "u") ? 4 : 8
            let hex = bytes[i..<min(i + n, bytes.count)]
            guard hex.count == n, hex.allSatisfy({ TOMLNumber.digit($0, radix: 16) != nil }),
                let v = UInt32(String(decoding: hex, as: UTF8.self), radix: 16), let s = UnicodeScalar(v)
            else { throw error("\\\(Character(UnicodeScalar(e))) takes \(n) hex digits of a Unicode scalar value (not a surrogate, at most 10FFFF), e.g. \\\(n == 4 ? "u00E9" : "U0001F600"); for a backslash write \\\\ (or use a 'literal string')") }
            out += Array(String(Character(s)).utf8)
            i += n
        case 0x20, 0x09, 0x0A, 0x0D:
            // A line-ending backslash: drop the line end and the whitespace after it.
            guard multi else { throw error("a backslash before a space or line end is only for multi-line strings; write \\\\ for a backslash") }
            i -= 1
            skipSpace()
            guard try newline() else { throw error("only a line end may follow a backslash and spaces in a multi-line string; write \\\\ for a backslash") }
            while true {
                skipSpace()
                if !(try newline()) { break }
            }
        default:
            throw error("unknown escape \\\(Character(UnicodeScalar(e))) in a string; the escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX (write \\\\ for a backslash, or use a 'literal string')")
        }
    }
}
