import Foundation

/// The TOML that `station.toml` uses: `[table]`, `[[array-of-tables]]`, dotted keys,
/// `key = value` with basic and literal strings (single-line), integers (with `_`), floats,
/// booleans and arrays of those; `#` comments. Dates and multi-line strings are refused
/// with the line that has them. (TOMLKit, the TOML package available here, cannot be
/// fetched: it depends on karwa/swift-checkit, which is not in the package mirror.)
public struct TOMLDocument: Sendable {
    /// A value, with the line it came from (for messages that name the key and line).
    public indirect enum Value: Hashable, Sendable {
        case string(String)
        case integer(Int)
        case float(Double)
        case bool(Bool)
        case array([Value])
        case table(Table)
        case tables([Table])

        /// The TOML type name, for "expected a string, found an integer".
        public var typeName: String {
            switch self {
            case .string: "a string"
            case .integer: "an integer"
            case .float: "a number"
            case .bool: "a boolean"
            case .array: "an array"
            case .table: "a table"
            case .tables: "an array of tables"
            }
        }
    }

    /// A table: keys in file order, each with its value and line.
    public struct Table: Hashable, Sendable {
        public var entries: [(key: String, value: Value, line: Int)] { order.map { ($0, values[$0]!.0, values[$0]!.1) } }
        var order: [String] = []
        var values: [String: (Value, Int)] = [:]

        public subscript(key: String) -> Value? { values[key]?.0 }
        public func line(of key: String) -> Int? { values[key]?.1 }

        public static func == (a: Table, b: Table) -> Bool { a.order == b.order && a.order.allSatisfy { a.values[$0]! == b.values[$0]! } }
        public func hash(into h: inout Hasher) { h.combine(order) }

        mutating func set(_ key: String, _ value: Value, line: Int) { if values[key] == nil { order.append(key) }; values[key] = (value, line) }
    }

    /// A syntax error, with its line.
    public struct SyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The root table.
    public private(set) var root = Table()

    /// Parses a document.
    public init(parsing text: String) throws(SyntaxError) {
        var path: [String] = []       // current [table] or [[table]] path
        var explicitTables: Set<[String]> = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            var scanner = Scanner(Array(rawLine.utf8.filter { $0 != 0x0D }), line: number)
            scanner.skipSpace()
            if scanner.atEndOrComment { continue }
            if scanner.peek == UInt8(ascii: "[") {
                let isArray = scanner.peek(at: 1) == UInt8(ascii: "[")
                scanner.advance(isArray ? 2 : 1)
                let key = try scanner.key()
                guard scanner.consume("]"), !isArray || scanner.consume("]") else { throw scanner.error("a table header ends with \(isArray ? "]]" : "]")") }
                scanner.skipSpace()
                guard scanner.atEndOrComment else { throw scanner.error("nothing may follow a table header") }
                if isArray {
                    try root.appendTable(at: key, line: number)
                } else {
                    guard explicitTables.insert(key).inserted else { throw SyntaxError(line: number, message: "table [\(key.joined(separator: "."))] is defined twice") }
                    try root.table(at: key, line: number) { _ throws(SyntaxError) in }
                }
                path = key
                continue
            }
            let key = try scanner.key()
            guard scanner.consume("=") else { throw scanner.error("expected '=' after the key \(key.joined(separator: "."))") }
            scanner.skipSpace()
            let value = try scanner.value()
            scanner.skipSpace()
            guard scanner.atEndOrComment else { throw scanner.error("unexpected text after the value of \(key.joined(separator: "."))") }
            try root.table(at: path + key.dropLast(), line: number) { (table: inout Table) throws(SyntaxError) in
                guard table[key.last!] == nil else { throw SyntaxError(line: number, message: "\((path + key).joined(separator: ".")) is set twice") }
                table.set(key.last!, value, line: number)
            }
        }
    }
}

extension TOMLDocument.Table {
    /// Walks to the table at `path` (creating tables; into the last of an array of tables).
    mutating func table(at path: some Collection<String>, line: Int, _ body: (inout Self) throws(TOMLDocument.SyntaxError) -> Void) throws(TOMLDocument.SyntaxError) {
        guard let first = path.first else { return try body(&self) }
        var child: Self
        switch self[first] {
        case nil: child = Self()
        case .table(let t): child = t
        case .tables(let list):
            var list = list
            try list[list.count - 1].table(at: path.dropFirst(), line: line, body)
            set(first, .tables(list), line: self.line(of: first) ?? line)
            return
        case let other?: throw TOMLDocument.SyntaxError(line: line, message: "\(first) is \(other.typeName), not a table")
        }
        try child.table(at: path.dropFirst(), line: line, body)
        set(first, .table(child), line: self.line(of: first) ?? line)
    }

    mutating func appendTable(at path: [String], line: Int) throws(TOMLDocument.SyntaxError) {
        try table(at: path.dropLast(), line: line) { (parent: inout Self) throws(TOMLDocument.SyntaxError) in
            let name = path.last!
            switch parent[name] {
            case nil: parent.set(name, .tables([Self()]), line: line)
            case .tables(let list): parent.set(name, .tables(list + [Self()]), line: parent.line(of: name) ?? line)
            case let other?: throw TOMLDocument.SyntaxError(line: line, message: "\(path.joined(separator: ".")) is \(other.typeName), not an array of tables")
            }
        }
    }
}

/// A cursor over one line.
private struct Scanner {
    let bytes: [UInt8]
    let line: Int
    var i = 0

    init(_ bytes: [UInt8], line: Int) {
        self.bytes = bytes
        self.line = line
    }

    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }
    func peek(at offset: Int) -> UInt8? { i + offset < bytes.count ? bytes[i + offset] : nil }
    var atEndOrComment: Bool { peek == nil || peek == UInt8(ascii: "#") }
    mutating func advance(_ n: Int = 1) { i += n }
    mutating func skipSpace() { while peek == 0x20 || peek == 0x09 { i += 1 } }
    mutating func consume(_ c: Character) -> Bool {
        skipSpace()
        guard peek == c.asciiValue else { return false }
        i += 1
        skipSpace()
        return true
    }
    func error(_ message: String) -> TOMLDocument.SyntaxError { .init(line: line, message: message) }

    static func isBareKey(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }

    /// A dotted key: bare or quoted parts.
    mutating func key() throws(TOMLDocument.SyntaxError) -> [String] {
        var parts: [String] = []
        repeat {
            skipSpace()
            if peek == UInt8(ascii: "\"") || peek == UInt8(ascii: "'") {
                parts.append(try string())
            } else {
                let start = i
                while let b = peek, Self.isBareKey(b) { i += 1 }
                guard i > start else { throw error(peek == nil ? "a key is missing" : "'\(Character(UnicodeScalar(peek!)))' cannot start a key (keys are letters, digits, _ and -, or quoted)") }
                parts.append(String(decoding: bytes[start..<i], as: UTF8.self))
            }
            skipSpace()
        } while consume(".")
        return parts
    }

    mutating func value() throws(TOMLDocument.SyntaxError) -> TOMLDocument.Value {
        guard let b = peek else { throw error("a value is missing after '='") }
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try string())
        case UInt8(ascii: "["):
            i += 1
            var items: [TOMLDocument.Value] = []
            while true {
                skipSpace()
                if peek == UInt8(ascii: "]") { i += 1; return .array(items) }
                if peek == nil || peek == UInt8(ascii: "#") { throw error("arrays must be written on one line and end with ']'") }
                items.append(try value())
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                guard peek == UInt8(ascii: "]") else { throw error("expected ',' or ']' in the array") }
            }
        case UInt8(ascii: "{"): throw error("inline tables are not supported here; use a [table] section")
        default:
            let start = i
            while let c = peek, c != 0x20, c != 0x09, c != UInt8(ascii: ","), c != UInt8(ascii: "]"), c != UInt8(ascii: "#") { i += 1 }
            let word = String(decoding: bytes[start..<i], as: UTF8.self)
            if word == "true" { return .bool(true) }
            if word == "false" { return .bool(false) }
            let digits = word.replacingOccurrences(of: "_", with: "")
            if let n = Int(digits) { return .integer(n) }
            if digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let d = Double(digits) { return .float(d) }
            if word.contains("-") && word.first?.isNumber == true { throw error("dates are not used in station.toml; write \(word) as a string") }
            throw error("\(word.isEmpty ? "nothing" : "'\(word)'") is not a value; strings need quotes, e.g. \"\(word)\"")
        }
    }

    mutating func string() throws(TOMLDocument.SyntaxError) -> String {
        let quote = peek!
        if peek(at: 1) == quote && peek(at: 2) == quote { throw error("multi-line strings are not supported here") }
        i += 1
        var out: [UInt8] = []
        while let b = peek {
            i += 1
            if b == quote { return String(decoding: out, as: UTF8.self) }
            if b == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                guard let e = peek else { break }
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let n = e == UInt8(ascii: "u") ? 4 : 8
                    guard i + n <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + n], as: UTF8.self), radix: 16), let s = UnicodeScalar(v) else { throw error("a bad \\u escape") }
                    out += Array(String(Character(s)).utf8)
                    i += n
                default: throw error("unknown escape \\\(Character(UnicodeScalar(e))) in a string")
                }
                continue
            }
            out.append(b)
        }
        throw error("a string is not closed on its line")
    }
}
