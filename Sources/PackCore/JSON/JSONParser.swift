/// Why a document is not JSON, with the line and column where reading stopped.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 1-based line of the offending byte.
    public let line: Int
    /// 1-based column (in bytes) of the offending byte.
    public let column: Int
    /// What is wrong there.
    public let message: String

    public var description: String { "line \(line), column \(column): \(message)" }

    init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// The error at byte `offset` of a document.
    init(bytes: UnsafeBufferPointer<UInt8>, offset: Int, message: String) {
        var line = 1
        var lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        self.init(line: line, column: offset - lineStart + 1, message: message)
    }

    /// A byte as messages name it: `'x'` when printable ASCII, `byte 0xFF` otherwise.
    static func describe(_ b: UInt8) -> String {
        (0x21...0x7E).contains(b) ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16, uppercase: true))"
    }
}

/// A strict RFC 8259 parser over UTF-8 bytes, bounded in depth so hostile input cannot
/// exhaust the stack, and linear in the size of the document.
public enum JSONParser {
    /// Objects and arrays nested deeper than this are refused.
    public static let maximumDepth = 128

    /// Parses one JSON document; trailing whitespace is allowed, anything else after it is not.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try JSONTape(bytes).value()
    }

    /// Parses a document held in a string.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

extension JSONTape {
    /// The whole document as a `JSONValue` tree.
    func value() -> JSONValue { value(at: 0) }

    /// The value at token `start` as a `JSONValue` tree.
    func value(at start: Int) -> JSONValue {
        bytes.withUnsafeBufferPointer { bytes in
            tokens.withUnsafeBufferPointer { tokens in
                var index = start
                return Self.value(at: &index, tokens, bytes)
            }
        }
    }

    private static func value(at index: inout Int, _ tokens: UnsafeBufferPointer<JSONToken>, _ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue {
        let token = tokens[index]
        index += 1
        switch token.kind {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .number: return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)]), as: UTF8.self))
        case .string, .name: return .string(text(of: token, in: bytes))
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(Int(token.start))
            for _ in 0..<token.start { elements.append(value(at: &index, tokens, bytes)) }
            return .array(elements)
        case .object:
            var members: [(String, JSONValue)] = []
            members.reserveCapacity(Int(token.start))
            for _ in 0..<token.start {
                let name = text(of: tokens[index], in: bytes)
                index += 1
                members.append((name, value(at: &index, tokens, bytes)))
            }
            return .object(members)
        }
    }
}
