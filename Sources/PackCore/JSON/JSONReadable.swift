import Foundation  // memcmp

/// The kinds of JSON value.
enum JSONKind {
    case null, bool, number, string, array, object

    /// The JSON type name used in messages ("a string", "an object").
    var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// What field validation needs from a JSON value, so the same checks and the same messages run
/// over a parsed `JSONValue` tree and straight over a scanned document (`JSONTapeNode`).
protocol JSONReadable {
    associatedtype Elements: Sequence<Self>

    /// What the value is.
    var kind: JSONKind { get }
    /// The member with this name, if this is an object that has it.
    subscript(member name: String) -> Self? { get }
    /// A boolean's value.
    var boolValue: Bool { get }
    /// A string's text.
    var stringValue: String { get }
    /// A number's text as written.
    var numberText: String { get }
    /// A number as `Int(numberText)` reads it: whole, in range, or nil.
    var integerValue: Int? { get }
    /// An array's element count.
    var elementCount: Int { get }
    /// An array's elements.
    var elements: Elements { get }
}

extension JSONValue: JSONReadable {
    var kind: JSONKind {
        switch self {
        case .null: .null
        case .bool: .bool
        case .number: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    subscript(member name: String) -> JSONValue? { self[name] }
    var boolValue: Bool { if case .bool(let b) = self { b } else { false } }
    var stringValue: String { if case .string(let s) = self { s } else { "" } }
    var numberText: String { if case .number(let s) = self { s } else { "" } }
    var integerValue: Int? { Int(numberText) }
    var elementCount: Int { elements.count }
    var elements: [JSONValue] { if case .array(let e) = self { e } else { [] } }
}

/// A value on a scanned document's tape, read in place: names are compared as bytes and text
/// becomes a `String` only when a field asks for it. Valid only while the tape's buffers are
/// (inside `JSONTape.withNodes`).
struct JSONTapeNode: JSONReadable {
    let tokens: UnsafePointer<JSONToken>
    let bytes: UnsafeBufferPointer<UInt8>
    let index: Int

    @inline(__always) private var token: JSONToken { tokens[index] }

    @inline(__always) private func node(_ i: Int) -> JSONTapeNode { JSONTapeNode(tokens: tokens, bytes: bytes, index: i) }

    var kind: JSONKind {
        switch token.kind {
        case .null: .null
        case .false, .true: .bool
        case .number: .number
        case .string, .name: .string
        case .array: .array
        case .object: .object
        }
    }

    subscript(member name: String) -> JSONTapeNode? {
        let object = token
        guard object.kind == .object else { return nil }
        var name = name
        return name.withUTF8 { wanted in
            guard let first = wanted.first else { return member(plain: wanted, first: 0, count: Int(object.start)) }
            return member(plain: wanted, first: first, count: Int(object.start))
        }
    }

    /// The member named by these bytes among the `count` members: plain names (ASCII, no
    /// escapes) are told apart by length and first byte before their bytes are compared; other
    /// names are compared as strings, as `JSONValue` compares them.
    private func member(plain wanted: UnsafeBufferPointer<UInt8>, first: UInt8, count: Int) -> JSONTapeNode? {
        var i = index + 1
        for _ in 0..<count {
            let candidate = tokens[i]
            if candidate.flags == 0 {
                let start = Int(candidate.start), length = Int(candidate.end) - start
                if length == wanted.count, length == 0 || (bytes[start] == first && memcmp(bytes.baseAddress! + start, wanted.baseAddress!, length) == 0) {
                    return node(i + 1)
                }
            } else if JSONTape.text(of: candidate, in: bytes) == String(decoding: wanted, as: UTF8.self) {
                return node(i + 1)
            }
            i = tokens[i + 1].next(after: i + 1)
        }
        return nil
    }

    var boolValue: Bool { token.kind == .true }
    var stringValue: String { JSONTape.text(of: token, in: bytes) }
    var numberText: String { String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)]), as: UTF8.self) }

    var integerValue: Int? {
        let t = token
        var i = Int(t.start)
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        // Up to 18 digits cannot overflow; longer numbers and fractions take the general path.
        guard Int(t.end) - i <= 18 else { return Int(numberText) }
        var value = 0
        while i < Int(t.end) {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }  // a fraction or an exponent: not an Int
            value = value * 10 + Int(digit)
            i += 1
        }
        return negative ? -value : value
    }

    var elementCount: Int { token.kind == .array ? Int(token.start) : 0 }

    var elements: Elements { Elements(first: node(index + 1), count: elementCount) }

    /// An array's elements, each found by stepping over the one before.
    struct Elements: Sequence, IteratorProtocol {
        var first: JSONTapeNode
        var count: Int

        mutating func next() -> JSONTapeNode? {
            guard count > 0 else { return nil }
            count -= 1
            let current = first
            first = JSONTapeNode(tokens: current.tokens, bytes: current.bytes, index: current.tokens[current.index].next(after: current.index))
            return current
        }
    }
}

extension JSONTape {
    /// Reads the document in place from its root.
    func withRoot<R>(_ body: (JSONTapeNode) throws(OrderError) -> R) throws(OrderError) -> R {
        try withNode(0, body)
    }

    /// Reads the document in place from the value at token `index`.
    func withNode<R>(_ index: Int, _ body: (JSONTapeNode) throws(OrderError) -> R) throws(OrderError) -> R {
        let result: Result<R, OrderError> = bytes.withUnsafeBufferPointer { bytes in
            tokens.withUnsafeBufferPointer { tokens in
                do throws(OrderError) { return .success(try body(JSONTapeNode(tokens: tokens.baseAddress!, bytes: bytes, index: index))) } catch { return .failure(error) }
            }
        }
        return try result.get()
    }
}
