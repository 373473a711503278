extension JSONValue {
    /// Compact JSON text on one line: control characters (GS included) escaped as `\u001D`,
    /// so every value fits a JSON-lines stream.
    public var jsonText: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// Appends compact JSON text.
    public func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let v): out += v ? "true" : "false"
        case .number(let v): out += v
        case .string(let v): Self.writeString(v, to: &out)
        case .array(let elements):
            out += "["
            for (i, e) in elements.enumerated() {
                if i > 0 { out += "," }
                e.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".unicodeScalars)

    /// Writes `s` quoted, appending each run of bytes that needs no escape whole (most strings
    /// are one run) instead of scalar by scalar.
    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        let utf8 = s.utf8
        var run = utf8.startIndex
        var i = run
        while i != utf8.endIndex {
            let byte = utf8[i]
            let needsEscape: Bool
            if byte == 0xE2 {
                // U+2028 and U+2029 (E2 80 A8/A9): valid in JSON, but not in a JavaScript string.
                let next = utf8.index(after: i)
                let third = next == utf8.endIndex ? next : utf8.index(after: next)
                needsEscape = third != utf8.endIndex && utf8[next] == 0x80 && (utf8[third] == 0xA8 || utf8[third] == 0xA9)
            } else {
                needsEscape = byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F
            }
            guard needsEscape else {
                i = utf8.index(after: i)
                continue
            }
            // Runs are cut by bytes, not Characters: a quote can share a grapheme with the
            // scalar before it (U+0600 "), so String's Character-rounded slicing would lose one.
            out += String(decoding: utf8[run..<i], as: UTF8.self)
            let scalar = s.unicodeScalars[i]
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let v = Int(scalar.value)
                out += "\\u"
                for shift in [12, 8, 4, 0] { out.unicodeScalars.append(hexDigits[(v >> shift) & 0xF]) }
            }
            i = s.unicodeScalars.index(after: i)
            run = i
        }
        out += run == utf8.startIndex ? s : String(decoding: utf8[run...], as: UTF8.self)
        out += "\""
    }
}

extension JSONValue {
    /// A number from an integer.
    public static func int(_ v: Int) -> JSONValue { .number(String(v)) }
    /// A string, or null when absent.
    public static func optional(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }
}
