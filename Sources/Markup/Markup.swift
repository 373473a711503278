/// Text written into HTML, SVG and XML so that it stays text: one escaper for every page,
/// preview and document this project writes.
///
/// It works on Unicode scalars (on their UTF-8 bytes), never on `Character`s: a grapheme
/// cluster can join a markup character to the scalar before it (`"\u{0600}<img …>"` is one
/// `Character` whose first scalar is U+0600, so a walk comparing `Character`s to `"<"` never
/// sees the `<` and writes it raw). Markup parsers read scalars, so the escaper does too.
///
/// The output is well-formed in XML 1.0 and in HTML: scalars XML cannot carry (C0 controls
/// other than tab, line feed and carriage return; U+FFFE; U+FFFF) become U+FFFD, the
/// replacement character, so the reader sees that something was there. Everything else is
/// kept as it is, including right-to-left marks, combining marks and emoji.
public enum Markup {
    /// `text` as character data (element content) in HTML, SVG or XML.
    ///
    /// `&`, `<` and `>` become entities (`>` too, so `]]>` cannot close a CDATA section of a
    /// surrounding document); quotes are kept, they mean nothing in content.
    public static func appendText(_ text: some StringProtocol, to out: inout [UInt8]) {
        append(text, to: &out, attribute: false)
    }

    /// `text` as the value of an attribute written in double or single quotes.
    ///
    /// As `appendText`, and both quotes become references; tab, line feed and carriage return
    /// become character references, since a parser turns raw ones into spaces in attributes.
    public static func appendAttribute(_ text: some StringProtocol, to out: inout [UInt8]) {
        append(text, to: &out, attribute: true)
    }

    /// `text` escaped as character data (see `appendText`).
    public static func text(_ text: some StringProtocol) -> String {
        var out: [UInt8] = []
        append(text, to: &out, attribute: false)
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` escaped as a quoted attribute value (see `appendAttribute`).
    public static func attribute(_ text: some StringProtocol) -> String {
        var out: [UInt8] = []
        append(text, to: &out, attribute: true)
        return String(decoding: out, as: UTF8.self)
    }

    /// U+FFFD in UTF-8.
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    private static func append(_ text: some StringProtocol, to out: inout [UInt8], attribute: Bool) {
        var string = String(text)
        string.withUTF8 { bytes in
            out.reserveCapacity(out.count + bytes.count)
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                i += 1
                // Every byte of a multi-byte UTF-8 sequence is >= 0x80, so an ASCII byte is
                // always a scalar of its own: testing bytes is testing scalars.
                guard byte < 0x80 else {
                    // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters.
                    if byte == 0xEF, i + 1 < bytes.count, bytes[i] == 0xBF, bytes[i + 1] >= 0xBE {
                        out += replacement
                        i += 2
                    } else {
                        out.append(byte)
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "\"") where attribute: out.append(contentsOf: "&quot;".utf8)
                case UInt8(ascii: "'") where attribute: out.append(contentsOf: "&#39;".utf8)
                case 0x09 where attribute: out.append(contentsOf: "&#9;".utf8)
                case 0x0A where attribute: out.append(contentsOf: "&#10;".utf8)
                case 0x0D where attribute: out.append(contentsOf: "&#13;".utf8)
                case 0x09, 0x0A, 0x0D: out.append(byte)
                case ..<0x20: out += replacement
                default: out.append(byte)
                }
            }
        }
    }
}
