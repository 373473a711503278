/// A JSON document as parsed: objects keep their key order and numbers keep their exact text,
/// so money amounts and identifiers are never rounded through `Double`.
public enum JSONValue: Hashable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as written in the document.
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, members in document order.
    case object([(String, JSONValue)])

    /// The member with this key, if this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The JSON type name used in messages ("a string", "an object").
    public var typeDescription: String { kind.typeDescription }

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let v): hasher.combine(v)
        case .number(let v): hasher.combine(v)
        case .string(let v): hasher.combine(v)
        case .array(let v): hasher.combine(v)
        case .object(let members):
            for (key, value) in members {
                hasher.combine(key)
                hasher.combine(value)
            }
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// The largest whole number ``wholeNumber`` reads, 2^53 − 1: JSON's safe integers, the
    /// `maximum` the API's schemas state for counts.
    public static let largestWholeNumber = 9_007_199_254_740_991

    /// A number with no fractional part, as JSON Schema's `integer` reads it: `156`, `156.0` and
    /// `1.56e2` are all 156; nil for fractions, for anything not a number, and beyond
    /// ±``largestWholeNumber`` (where a written fraction could not be told from a whole number).
    public var wholeNumber: Int? {
        guard case .number(let text) = self else { return nil }
        if let n = Int(text) { return n.magnitude <= UInt(Self.largestWholeNumber) ? n : nil }
        guard let d = Double(text), d.isFinite, d.rounded(.towardZero) == d, abs(d) <= Double(Self.largestWholeNumber) else { return nil }
        return Int(d)
    }

    /// Whether this is a string (for checks that need no more than its type).
    public var isString: Bool { kind == .string }
}
