/// Reads typed fields out of a `JSONValue` tree, collecting every problem with its path
/// instead of stopping at the first.
struct FieldReader {
    private(set) var problems: [OrderError.Problem] = []

    mutating func fail(_ path: String, _ message: String) {
        problems.append(.init(path: path, message: message))
    }

    /// The object at `path`, or nil (with a problem) when it is something else.
    mutating func object(_ value: JSONValue?, _ path: String, required: Bool = true) -> JSONValue? {
        switch value {
        case .object?: return value
        case nil, .null?:
            if required { fail(path, "is required") }
            return nil
        case let other?:
            fail(path, "must be an object, found \(other.typeDescription)")
            return nil
        }
    }

    mutating func string(_ object: JSONValue, _ key: String, _ path: String, required: Bool = true, maxLength: Int = 1_000, allowEmpty: Bool = false) -> String? {
        let p = join(path, key)
        switch object[key] {
        case .string(let s)?:
            if !allowEmpty, s.allSatisfy(\.isWhitespace) { fail(p, "must not be empty"); return nil }
            if s.unicodeScalars.count > maxLength { fail(p, "is \(s.unicodeScalars.count) characters long; at most \(maxLength) allowed"); return nil }
            return s
        case nil, .null?:
            if required { fail(p, "is required") }
            return nil
        case let other?:
            fail(p, "must be a string, found \(other.typeDescription)")
            return nil
        }
    }

    mutating func bool(_ object: JSONValue, _ key: String, _ path: String, default value: Bool) -> Bool {
        switch object[key] {
        case .bool(let b)?: return b
        case nil, .null?: return value
        case let other?:
            fail(join(path, key), "must be true or false, found \(other.typeDescription)")
            return value
        }
    }

    /// A whole number within `range`.
    mutating func int(_ object: JSONValue, _ key: String, _ path: String, in range: ClosedRange<Int>, required: Bool = true) -> Int? {
        let p = join(path, key)
        switch object[key] {
        case .number(let text)?:
            guard let n = Int(text) else {
                fail(p, "must be a whole number, found \(text)")
                return nil
            }
            guard range.contains(n) else {
                fail(p, n < range.lowerBound ? "must be at least \(range.lowerBound), found \(n)" : "must be at most \(range.upperBound), found \(n)")
                return nil
            }
            return n
        case nil, .null?:
            if required { fail(p, "is required") }
            return nil
        case let other?:
            fail(p, "must be a number, found \(other.typeDescription)")
            return nil
        }
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(_ object: JSONValue, _ key: String, _ path: String, default value: E? = nil) -> E? where E.RawValue == String {
        let allowed = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        let p = join(path, key)
        switch object[key] {
        case .string(let s)?:
            if let e = E(rawValue: s) { return e }
            fail(p, "\"\(s)\" is not one of \(allowed)")
            return nil
        case nil, .null?:
            if value == nil { fail(p, "is required (one of \(allowed))") }
            return value
        case let other?:
            fail(p, "must be one of \(allowed), found \(other.typeDescription)")
            return nil
        }
    }

    /// An array of non-empty strings.
    mutating func strings(_ object: JSONValue, _ key: String, _ path: String, maxCount: Int = 1_000, maxLength: Int = 1_000) -> [String] {
        let p = join(path, key)
        switch object[key] {
        case .array(let elements)?:
            guard elements.count <= maxCount else {
                fail(p, "has \(elements.count) entries; at most \(maxCount) allowed")
                return []
            }
            var result: [String] = []
            for (i, e) in elements.enumerated() {
                let ep = "\(p)[\(i)]"
                guard case .string(let s) = e else { fail(ep, "must be a string, found \(e.typeDescription)"); continue }
                if s.allSatisfy(\.isWhitespace) { fail(ep, "must not be empty"); continue }
                if s.unicodeScalars.count > maxLength { fail(ep, "is \(s.unicodeScalars.count) characters long; at most \(maxLength) allowed"); continue }
                result.append(s)
            }
            return result
        case nil, .null?:
            return []
        case let other?:
            fail(p, "must be an array of strings, found \(other.typeDescription)")
            return []
        }
    }

    func join(_ path: String, _ key: String) -> String {
        path == "$" ? key : "\(path).\(key)"
    }
}
