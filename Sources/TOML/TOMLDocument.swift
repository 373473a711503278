import Foundation

/// TOML v1.0.0 as `station.toml` uses it: `[table]`, `[[array-of-tables]]`, dotted keys,
/// inline tables, strings (basic, literal and multi-line, every escape), integers (decimal
/// with `_`, hex, octal, binary), floats, booleans and arrays (also over several lines, with
/// comments and a trailing comma); `#` comments; LF or CRLF line ends. Dates and times are
/// refused with the line that has them (no key takes one). Errors name the line and say what
/// to write instead. (TOMLKit, the TOML package available here, cannot be fetched: it depends
/// on karwa/swift-checkit, which is not in the package mirror.)
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
        /// How the table came to be, which decides what may add keys to it later.
        var origin = Origin.header

        /// How a table was made (TOML's rules on defining a table once).
        enum Origin: Sendable {
            /// Named on the way to a deeper `[a.b]` header; `[a]` may still define it.
            case implicit
            /// Defined by its own `[header]` or as an element of `[[header]]`.
            case header
            /// Made by a dotted key `a.b = 1`; more dotted keys may add to it.
            case dotted
            /// Written whole as `{ … }`; nothing may add to it.
            case inline
        }

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
        var scanner = TOMLScanner(Array(text.utf8))
        var path: [String] = []       // the current [table] or [[table]]
        while true {
            scanner.skipSpace()
            guard let b = scanner.peek else { return }
            let line = scanner.line
            if b == UInt8(ascii: "[") {
                let isArray = scanner.peek(at: 1) == UInt8(ascii: "[")
                scanner.advance(isArray ? 2 : 1)
                scanner.skipSpace()
                let key = try scanner.key()
                scanner.skipSpace()
                guard scanner.peek == UInt8(ascii: "]"), !isArray || scanner.peek(at: 1) == UInt8(ascii: "]") else {
                    throw scanner.error("the table header [\(isArray ? "[" : "")\(Self.name(key)) ends with \(isArray ? "]]" : "]")")
                }
                scanner.advance(isArray ? 2 : 1)
                try scanner.endOfLine(after: "a table header")
                if isArray { try root.appendTable(at: key, line: line) } else { try root.defineTable(at: key, line: line) }
                path = key
            } else if b != 0x0A && b != 0x0D && b != UInt8(ascii: "#") {
                let (key, value) = try scanner.keyValue()
                try scanner.endOfLine(after: "the value of \(Self.name(path + key))")
                try root.walk(path[...], line: line, dotted: false) { (table: inout Table) throws(SyntaxError) in
                    try table.assign(key[...], value, line: line, in: path)
                }
            } else {
                try scanner.endOfLine(after: "")
            }
        }
    }

    /// A dotted key as written, quoting parts that need it.
    static func name(_ key: some Sequence<String>) -> String {
        key.map { part in
            !part.isEmpty && part.utf8.allSatisfy(TOMLScanner.isBareKey) ? part : "\"\(part.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
        }.joined(separator: ".")
    }
}

extension TOMLDocument.Table {
    typealias SyntaxError = TOMLDocument.SyntaxError

    /// Walks to the table at `path` (into the last of an array of tables), making missing ones.
    /// `dotted`: the path is a dotted key's, which may enter only tables other dotted keys made.
    mutating func walk(_ path: ArraySlice<String>, line: Int, dotted: Bool, prefix: [String] = [], _ body: (inout Self) throws(SyntaxError) -> Void) throws(SyntaxError) {
        guard let first = path.first else { return try body(&self) }
        let here = prefix + [first]
        let name = TOMLDocument.name(here)
        switch values[first] {
        case nil:
            var child = Self()
            child.origin = dotted ? .dotted : .implicit
            try child.walk(path.dropFirst(), line: line, dotted: dotted, prefix: here, body)
            set(first, .table(child), line: line)
        case (.table(var child), let defined)?:
            if child.origin == .inline {
                throw SyntaxError(line: line, message: "\(name) is an inline table (line \(defined)) and cannot be added to; write all its keys inside its braces")
            }
            if dotted && child.origin != .dotted {
                throw SyntaxError(line: line, message: "\(name) is a table already (line \(defined)); set its keys under its [\(name)] header instead of with a dotted key")
            }
            values[first]!.0 = .bool(false)   // release the parent's reference so the child is mutated in place
            try child.walk(path.dropFirst(), line: line, dotted: dotted, prefix: here, body)
            values[first]!.0 = .table(child)
        case (.tables(var list), _)? where !dotted:
            values[first]!.0 = .bool(false)
            try list[list.count - 1].walk(path.dropFirst(), line: line, dotted: dotted, prefix: here, body)
            values[first]!.0 = .tables(list)
        case (let other, let defined)?:
            throw SyntaxError(line: line, message: "\(name) is \(other.typeName) (line \(defined)), not a table; use another name")
        }
    }

    /// `[path]`: a table defined once.
    mutating func defineTable(at path: [String], line: Int) throws(SyntaxError) {
        try walk(path.dropLast(), line: line, dotted: false) { (parent: inout Self) throws(SyntaxError) in
            let last = path.last!, name = TOMLDocument.name(path)
            switch parent.values[last] {
            case nil:
                parent.set(last, .table(Self()), line: line)
            case (.table(var table), let defined)? where table.origin == .implicit:
                table.origin = .header
                parent.values[last] = (.table(table), defined)
            case (.table(let table), let defined)?:
                let how = switch table.origin {
                case .dotted: "by dotted keys on line \(defined); add to it with more dotted keys, or use one [\(name)] header for all of it"
                case .inline: "as an inline table on line \(defined); write all its keys inside its braces"
                default: "on line \(defined); put all its keys under one [\(name)] header"
                }
                throw SyntaxError(line: line, message: "table [\(name)] is defined twice: first \(how)")
            case (let other, let defined)?:
                throw SyntaxError(line: line, message: "[\(name)] names \(other.typeName) (line \(defined)), not a table; use another name")
            }
        }
    }

    /// `[[path]]`: one more table in an array of tables.
    mutating func appendTable(at path: [String], line: Int) throws(SyntaxError) {
        try walk(path.dropLast(), line: line, dotted: false) { (parent: inout Self) throws(SyntaxError) in
            let last = path.last!, name = TOMLDocument.name(path)
            switch parent.values[last] {
            case nil: parent.set(last, .tables([Self()]), line: line)
            case (.tables(var list), let defined)?:
                parent.values[last]!.0 = .bool(false)
                list.append(Self())
                parent.values[last] = (.tables(list), defined)
            case (let other, let defined)?:
                throw SyntaxError(line: line, message: "[[\(name)]] names \(other.typeName) (line \(defined)), not an array of tables; use another name")
            }
        }
    }

    /// `key = value` (the key may be dotted) in this table, whose path is `path`.
    mutating func assign(_ key: ArraySlice<String>, _ value: TOMLDocument.Value, line: Int, in path: [String]) throws(SyntaxError) {
        try walk(key.dropLast(), line: line, dotted: true, prefix: path) { (table: inout Self) throws(SyntaxError) in
            let last = key.last!
            if let defined = table.line(of: last) {
                throw SyntaxError(line: line, message: "\(TOMLDocument.name(path + key)) is set twice (first on line \(defined)); remove one")
            }
            table.set(last, value, line: line)
        }
    }
}
