/// Appending helpers for the ZPL writer: bytes, decimal numbers and escaped field data
/// straight into a reused `[UInt8]`, without intermediate strings.
extension Array where Element == UInt8 {
    @inlinable mutating func append(ascii text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    @inlinable mutating func append(number value: Int) {
        var v = value
        if v < 0 {
            append(UInt8(ascii: "-"))
            v = -v
        }
        if v < 10 {
            append(48 &+ UInt8(v))
            return
        }
        var divisor = 10
        while divisor <= v / 10 { divisor *= 10 }
        while divisor > 0 {
            append(48 &+ UInt8(v / divisor))
            v %= divisor
            divisor /= 10
        }
    }
}

/// ZPL field escaping: with `^FH` every byte that could start a command or confuse a field
/// is written as `_XX` (hex), so order data always prints as text.
public enum ZPLEscape {
    /// The bytes that must never appear raw inside `^FD`: `^` and `~` start commands, `_` is the
    /// ^FH indicator itself, `\` forms `\&` line breaks in ^FB, and control characters and DEL
    /// can be taken as command prefixes after ^CC/~CC or by serial hosts.
    @inlinable public static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x5E || byte == 0x7E || byte == 0x5F || byte == 0x5C || byte == 0x7F
    }

    /// Appends `text`'s UTF-8 bytes, escaped for a field opened with `^FH`.
    @inlinable public static func appendEscaped<S: StringProtocol>(_ text: S, to out: inout [UInt8]) {
        var copy = String(text)
        copy.withUTF8 { appendEscaped(bytes: $0, to: &out) }
    }

    /// Appends bytes escaped for a field opened with `^FH`.
    @inlinable public static func appendEscaped(bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let hex: StaticString = "0123456789ABCDEF"
        for byte in bytes {
            if needsEscape(byte) {
                out.append(UInt8(ascii: "_"))
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 0x0F)])
            } else {
                out.append(byte)
            }
        }
    }

    /// The escaped form of a string (for tests and messages).
    public static func escaped(_ text: String) -> String {
        var out: [UInt8] = []
        appendEscaped(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
