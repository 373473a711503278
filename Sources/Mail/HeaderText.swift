/// Header values as RFC 5322 and RFC 2047 want them: one line, folded under 78 columns, with
/// encoded-words (`=?UTF-8?B?…?=`) for anything that is not printable ASCII.
enum HeaderText {
    /// The longest an encoded-word may be (RFC 2047 §2).
    static let encodedWordLimit = 75

    /// `text` on one line: every control character (CR and LF too, so a value can never start a
    /// header of its own) becomes a space, runs of spaces one space, no spaces at the ends.
    static func singleLine(_ text: String) -> String {
        var out = ""
        var lastSpace = true
        for s in text.unicodeScalars {
            let space = s.value < 0x20 || s.value == 0x7F || (0x80..<0xA0).contains(s.value) || s == " " || s == "\u{2028}" || s == "\u{2029}"
            if space {
                if !lastSpace { out += " " }
                lastSpace = true
            } else {
                out.unicodeScalars.append(s)
                lastSpace = false
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        return out
    }

    /// Whether `text` may stand as it is in an unstructured header: printable ASCII and spaces,
    /// and nothing that reads as an encoded-word.
    static func isPlain(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && !text.contains("=?")
    }

    /// An unstructured value (Subject): as it is when plain, else encoded-words; then folded.
    /// `used` is the length of `Name: ` before it.
    static func unstructured(_ text: String, used: Int) -> String {
        let line = singleLine(text)
        if isPlain(line) { return fold(words: line.split(separator: " ").map(String.init), used: used) }
        return fold(words: encodedWords(line, firstLimit: 78 - used), used: used)
    }

    /// A display name before `<address>`: an atom phrase as it is, a quoted-string when it has
    /// specials, encoded-words when it has non-ASCII.
    static func phrase(_ name: String, used: Int) -> [String] {
        let line = singleLine(name)
        guard isPlain(line) else { return encodedWords(line, firstLimit: 78 - used) }
        let atext = Set("!#$%&'*+-/=?^_`{|}~ ".utf8)
        if line.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || atext.contains($0) }) {
            return line.split(separator: " ").map(String.init)
        }
        var quoted = "\""
        for c in line { if c == "\"" || c == "\\" { quoted += "\\" }; quoted.append(c) }
        return [quoted + "\""]
    }

    /// `text` as UTF-8 base64 encoded-words of at most 75 characters (the first at most
    /// `firstLimit`, so that it fits on the header's first line), never splitting a character.
    static func encodedWords(_ text: String, firstLimit: Int = encodedWordLimit) -> [String] {
        let prefix = "=?UTF-8?B?", suffix = "?="
        // 75 - 12 = 63 characters of base64 hold 45 bytes (15 groups of 3).
        let fullBytes = (encodedWordLimit - prefix.count - suffix.count) / 4 * 3
        var maximumBytes = max(3, (min(firstLimit, encodedWordLimit) - prefix.count - suffix.count) / 4 * 3)
        var words: [String] = []
        var chunk: [UInt8] = []
        // Whole characters per word; a character longer than a word (a long run of combining
        // marks) is split between its scalars, never inside one.
        var pieces: [[UInt8]] = []
        for c in text {
            let bytes = Array(String(c).utf8)
            if bytes.count <= fullBytes { pieces.append(bytes) } else { pieces += c.unicodeScalars.map { Array(String($0).utf8) } }
        }
        for bytes in pieces {
            if !chunk.isEmpty, chunk.count + bytes.count > maximumBytes {
                words.append(prefix + Base64.encode(chunk) + suffix)
                chunk = []
                maximumBytes = fullBytes
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(prefix + Base64.encode(chunk) + suffix) }
        return words
    }

    /// Words joined by spaces, a line break (CRLF + space) before any word that would pass 78 columns.
    static func fold(words: [String], used: Int) -> String {
        var out = ""
        var column = used
        for (i, word) in words.enumerated() {
            if i > 0 {
                if column + 1 + word.utf8.count > 78 {
                    out += "\r\n "
                    column = 1
                } else {
                    out += " "
                    column += 1
                }
            }
            out += word
            column += word.utf8.count
        }
        return out
    }
}

/// Base64 (RFC 4648) without Foundation.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let bytes = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Quoted-printable (RFC 2045 §6.7) for the text and HTML parts: lines of at most 76 characters,
/// CRLF line breaks, '=', non-ASCII and trailing spaces escaped.
enum QuotedPrintable {
    static func encode(_ text: String) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        let lines = text.replacingLineBreaks().split(separator: "\n", omittingEmptySubsequences: false)
        for (n, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            var column = 0
            for (i, b) in bytes.enumerated() {
                let last = i == bytes.count - 1
                var piece: [UInt8]
                // A leading '.' is escaped too, so no line of the body ever needs dot-stuffing
                // by a relay that forgets it.
                if (b >= 33 && b <= 126 && b != UInt8(ascii: "=") && !(b == UInt8(ascii: ".") && column == 0)) || ((b == 0x20 || b == 0x09) && !last) {
                    piece = [b]
                } else {
                    piece = [UInt8(ascii: "="), hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
                }
                // Room for the piece and, unless this is the line's end, a soft break '='.
                if column + piece.count > (last ? 76 : 75) {
                    out += [UInt8(ascii: "="), 13, 10]
                    column = 0
                    if piece == [UInt8(ascii: ".")] { piece = Array("=2E".utf8) }
                }
                out += piece
                column += piece.count
            }
            if n < lines.count - 1 { out += [13, 10] }
        }
        return out
    }
}

extension String {
    /// CRLF and lone CR as LF.
    func replacingLineBreaks() -> String {
        var out = ""
        var previousCR = false
        for s in unicodeScalars {
            if s == "\r" { out += "\n"; previousCR = true; continue }
            if s == "\n" && previousCR { previousCR = false; continue }
            previousCR = false
            out.unicodeScalars.append(s)
        }
        return out
    }
}
