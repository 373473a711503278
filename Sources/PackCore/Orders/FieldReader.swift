/// Reads typed fields out of a JSON value (a `JSONValue` tree or a scanned document), collecting
/// problems with their paths instead of stopping at the first.
///
/// Paths and messages are built only when a problem is kept (`ProblemList`): a valid order
/// builds none, and a hostile one builds at most `ProblemList.defaultLimit`.
struct FieldReader {
    private(set) var problems = ProblemList()

    mutating func fail(_ path: @autoclosure () -> String, _ message: @autoclosure () -> String) {
        problems.append(path(), message())
    }

    /// The object at `path`, or nil (with a problem) when it is something else.
    mutating func object<N: JSONReadable>(_ value: N?, _ path: @autoclosure () -> String, required: Bool = true) -> N? {
        switch value?.kind {
        case .object?: return value
        case nil, .null?:
            if required { fail(path(), "is required") }
            return nil
        case let other?:
            fail(path(), "must be an object, found \(other.typeDescription)")
            return nil
        }
    }

    mutating func string<N: JSONReadable>(_ object: inout N, _ key: StaticString, _ path: @autoclosure () -> String, required: Bool = true, maxLength: Int = 1_000, allowEmpty: Bool = false) -> String? {
        guard let value = object.member(key) else {
            if required { fail(Self.join(path(), key), "is required") }
            return nil
        }
        switch value.kind {
        case .string:
            let s = value.stringValue
            if !allowEmpty, !value.startsWithPrintableASCII, Self.isBlank(s) { fail(Self.join(path(), key), "must not be empty"); return nil }
            if let n = Self.scalarCount(s, over: maxLength) { fail(Self.join(path(), key), "is \(n) characters long; at most \(maxLength) allowed"); return nil }
            return s
        case .null:
            if required { fail(Self.join(path(), key), "is required") }
            return nil
        case let other:
            fail(Self.join(path(), key), "must be a string, found \(other.typeDescription)")
            return nil
        }
    }

    mutating func bool<N: JSONReadable>(_ object: inout N, _ key: StaticString, _ path: @autoclosure () -> String, default defaultValue: Bool) -> Bool {
        guard let value = object.member(key) else { return defaultValue }
        switch value.kind {
        case .bool: return value.boolValue
        case .null: return defaultValue
        case let other:
            fail(Self.join(path(), key), "must be true or false, found \(other.typeDescription)")
            return defaultValue
        }
    }

    /// A whole number within `range`.
    mutating func int<N: JSONReadable>(_ object: inout N, _ key: StaticString, _ path: @autoclosure () -> String, in range: ClosedRange<Int>, required: Bool = true) -> Int? {
        guard let value = object.member(key) else {
            if required { fail(Self.join(path(), key), "is required") }
            return nil
        }
        switch value.kind {
        case .number:
            guard let n = value.integerValue else {
                fail(Self.join(path(), key), "must be a whole number, found \(value.numberText)")
                return nil
            }
            guard range.contains(n) else {
                fail(Self.join(path(), key), n < range.lowerBound ? "must be at least \(range.lowerBound), found \(n)" : "must be at most \(range.upperBound), found \(n)")
                return nil
            }
            return n
        case .null:
            if required { fail(Self.join(path(), key), "is required") }
            return nil
        case let other:
            fail(Self.join(path(), key), "must be a number, found \(other.typeDescription)")
            return nil
        }
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable, N: JSONReadable>(_ object: inout N, _ key: StaticString, _ path: @autoclosure () -> String, default defaultValue: E? = nil) -> E? where E.RawValue == String {
        func allowed() -> String { E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") }
        guard let value = object.member(key), value.kind != .null else {
            if defaultValue == nil { fail(Self.join(path(), key), "is required (one of \(allowed()))") }
            return defaultValue
        }
        guard value.kind == .string else {
            fail(Self.join(path(), key), "must be one of \(allowed()), found \(value.kind.typeDescription)")
            return nil
        }
        let s = value.stringValue
        if let e = E(rawValue: s) { return e }
        fail(Self.join(path(), key), "\"\(s)\" is not one of \(allowed())")
        return nil
    }

    /// An array of non-empty strings.
    mutating func strings<N: JSONReadable>(_ object: inout N, _ key: StaticString, _ path: @autoclosure () -> String, maxCount: Int = 1_000, maxLength: Int = 1_000) -> [String] {
        guard let value = object.member(key) else { return [] }
        switch value.kind {
        case .array:
            let count = value.elementCount
            guard count <= maxCount else {
                fail(Self.join(path(), key), "has \(count) entries; at most \(maxCount) allowed")
                return []
            }
            var result: [String] = []
            result.reserveCapacity(count)
            for (i, e) in value.elements.enumerated() {
                guard e.kind == .string else { fail("\(Self.join(path(), key))[\(i)]", "must be a string, found \(e.kind.typeDescription)"); continue }
                let s = e.stringValue
                if !e.startsWithPrintableASCII, Self.isBlank(s) { fail("\(Self.join(path(), key))[\(i)]", "must not be empty"); continue }
                if let n = Self.scalarCount(s, over: maxLength) { fail("\(Self.join(path(), key))[\(i)]", "is \(n) characters long; at most \(maxLength) allowed"); continue }
                result.append(s)
            }
            return result
        case .null:
            return []
        case let other:
            fail(Self.join(path(), key), "must be an array of strings, found \(other.typeDescription)")
            return []
        }
    }

    static func join(_ path: String, _ key: StaticString) -> String {
        path == "$" ? key.description : "\(path).\(key)"
    }

    /// Whether a string is empty or only whitespace (as `Character.isWhitespace` says); a
    /// printable ASCII first byte answers without looking at characters.
    static func isBlank(_ s: String) -> Bool {
        if let first = s.utf8.first, first > 0x20, first < 0x7F { return false }
        return s.allSatisfy(\.isWhitespace)
    }

    /// The string's length in Unicode scalars when it is over `limit`, else nil; strings no longer
    /// than `limit` in UTF-8 bytes are not counted.
    static func scalarCount(_ s: String, over limit: Int) -> Int? {
        guard s.utf8.count > limit else { return nil }
        let n = s.unicodeScalars.count
        return n > limit ? n : nil
    }
}
