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

    private static func writeString(_ s: String, to out: inout String) {
        out.unicodeScalars.append("\"")
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}":
                let v = Int(scalar.value)
                out += "\\u"
                for shift in [12, 8, 4, 0] { out.unicodeScalars.append(hexDigits[(v >> shift) & 0xF]) }
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.unicodeScalars.append("\"")
    }
}

extension JSONValue {
    /// A number from an integer.
    public static func int(_ v: Int) -> JSONValue { .number(String(v)) }
    /// A string, or null when absent.
    public static func optional(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }
}
