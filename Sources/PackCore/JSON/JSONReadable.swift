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
    /// The member with this name, if this is an object that has it. A node of a scanned document
    /// starts looking after the member it found last (fields are mostly read in the order they
    /// are written), so it is `mutating`; which member is found does not depend on it.
    mutating func member(_ name: StaticString) -> Self?
    /// A boolean's value.
    var boolValue: Bool { get }
    /// A string's text.
    var stringValue: String { get }
    /// Whether a string's text starts with a printable ASCII character (so it is not blank),
    /// answered without looking at the `String`.
    var startsWithPrintableASCII: Bool { get }
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

    func member(_ name: StaticString) -> JSONValue? { self[name.description] }
    var boolValue: Bool { if case .bool(let b) = self { b } else { false } }
    var stringValue: String { if case .string(let s) = self { s } else { "" } }
    var startsWithPrintableASCII: Bool { false }  // FieldReader.isBlank looks at the string itself
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
    /// For an object: the name token to try first in the next lookup (the one after the member
    /// found last), or 0 for the first member.
    private var cursor = 0

    init(tokens: UnsafePointer<JSONToken>, bytes: UnsafeBufferPointer<UInt8>, index: Int) {
        self.tokens = tokens
        self.bytes = bytes
        self.index = index
    }

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

    /// Looks at each member at most once, starting at the cursor and wrapping around to the
    /// first: names are unique in an object (as `String ==` compares them), so at most one
    /// matches and the order of the search cannot change the answer.
    @inline(__always) mutating func member(_ name: StaticString) -> JSONTapeNode? {
        let object = token
        guard object.kind == .object, object.start > 0 else { return nil }
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        let first = index + 1, end = Int(object.end)
        var i = cursor == 0 ? first : cursor
        for _ in 0..<Int(object.start) {
            let value = i + 1
            let next = tokens[value].next(after: value)
            if isName(tokens[i], wanted) {
                cursor = next == end ? first : next
                return node(value)
            }
            i = next == end ? first : next
        }
        return nil
    }

    /// Whether a name token is this name: plain names (ASCII, no escapes) are told apart by
    /// length and first byte before their bytes are compared; other names are compared as
    /// strings, as `JSONValue` compares them.
    @inline(__always) private func isName(_ candidate: JSONToken, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(candidate.start), length = Int(candidate.end) - start
        if candidate.flags == 0 {
            guard length == wanted.count else { return false }
            guard length > 0 else { return true }
            return bytes[start] == wanted[0] && memcmp(bytes.baseAddress! + start, wanted.baseAddress!, length) == 0
        }
        return isDecodedName(candidate, wanted)
    }

    /// An escaped or non-ASCII name compared as `String`s (canonical equivalence), kept out
    /// of line so the byte comparison above stays small.
    @inline(never) private func isDecodedName(_ candidate: JSONToken, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        JSONTape.text(of: candidate, in: bytes) == String(decoding: wanted, as: UTF8.self)
    }

    var boolValue: Bool { token.kind == .true }
    var stringValue: String { JSONTape.text(of: token, in: bytes) }

    var startsWithPrintableASCII: Bool {
        let t = token
        guard t.end > t.start else { return false }
        let first = bytes[Int(t.start)]
        // A backslash starts an escape, which may stand for a space.
        return first > 0x20 && first < 0x7F && first != UInt8(ascii: "\\")
    }
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
