/// TOML's unquoted values: booleans, integers and floats, checked by the v1.0.0 grammar
/// (an underscore only between two digits, no leading zeros, digits on both sides of a point).
enum TOMLNumber {
    typealias SyntaxError = TOMLDocument.SyntaxError

    /// The value of an unquoted word.
    static func value(_ word: String, line: Int) throws(SyntaxError) -> TOMLDocument.Value {
        func fail(_ why: String) -> SyntaxError { SyntaxError(line: line, message: "'\(word)' is not a value: \(why)") }
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        case "": throw SyntaxError(line: line, message: "a value is missing; strings need quotes, e.g. \"text\"")
        default: break
        }
        let b = Array(word.utf8)
        if isDateOrTime(b) { throw SyntaxError(line: line, message: "dates and times are not used in station.toml; write \(word) as a string: \"\(word)\"") }
        if b.count > 2, b[0] == UInt8(ascii: "0"), let radix = [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2][b[1]] {
            let digits = b[2...]
            if let why = checkDigits(digits, radix: radix, allowLeadingZero: true) { throw fail(why) }
            guard let n = Int(String(decoding: digits.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self), radix: radix) else { throw fail("it is larger than a 64-bit integer") }
            return .integer(n)
        }
        var rest = b[...]
        if rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-") { rest = rest.dropFirst() }
        let point = rest.firstIndex(of: UInt8(ascii: "."))
        let exponent = rest.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let integerPart = rest[..<(point ?? exponent ?? rest.endIndex)]
        guard !integerPart.isEmpty else {
            throw fail(rest.first == UInt8(ascii: ".") ? "a number needs a digit before its point, e.g. 0\(word.drop { $0 == "+" || $0 == "-" })" : "strings need quotes, e.g. \"\(word)\"")
        }
        if let why = checkDigits(integerPart, radix: 10, allowLeadingZero: false) {
            throw fail(integerPart.first.map { digit($0, radix: 10) != nil || $0 == UInt8(ascii: "_") } == true ? why : "strings need quotes, e.g. \"\(word)\"")
        }
        if point == nil && exponent == nil {
            guard let n = Int(String(decoding: b.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)) else { throw fail("it is larger than a 64-bit integer") }
            return .integer(n)
        }
        if let point {
            let fraction = rest[(point + 1)..<(exponent ?? rest.endIndex)]
            if fraction.isEmpty { throw fail("a number needs a digit after its point, e.g. \(word.prefix { $0 != "e" && $0 != "E" })0") }
            if let why = checkDigits(fraction, radix: 10, allowLeadingZero: true) { throw fail(why) }
        }
        if let exponent {
            guard point.map({ $0 < exponent }) ?? true else { throw fail("the exponent comes after the fraction, e.g. 1.5e3") }
            var power = rest[(exponent + 1)...]
            if power.first == UInt8(ascii: "+") || power.first == UInt8(ascii: "-") { power = power.dropFirst() }
            if power.isEmpty { throw fail("an exponent needs digits, e.g. 1e6") }
            if let why = checkDigits(power, radix: 10, allowLeadingZero: true) { throw fail(why) }
        }
        guard let d = Double(String(decoding: b.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)) else { throw fail("strings need quotes, e.g. \"\(word)\"") }
        return .float(d)
    }

    /// What is wrong with a run of digits, or nil.
    static func checkDigits(_ digits: ArraySlice<UInt8>, radix: Int, allowLeadingZero: Bool) -> String? {
        let underscore = UInt8(ascii: "_")
        guard let first = digits.first, let last = digits.last else { return "digits are missing" }
        for (a, b) in zip(digits, digits.dropFirst()) where a == underscore && b == underscore {
            return "an underscore in a number must sit between two digits; write one, e.g. 1_000"
        }
        if first == underscore || last == underscore { return "an underscore in a number must sit between two digits; remove the one at the \(first == underscore ? "start" : "end")" }
        if let bad = digits.first(where: { $0 != underscore && digit($0, radix: radix) == nil }) {
            return "'\(Character(UnicodeScalar(bad)))' is not \([2: "a binary", 8: "an octal", 16: "a hex"][radix] ?? "a decimal") digit"
        }
        if !allowLeadingZero && digits.count > 1 && first == UInt8(ascii: "0") {
            return "a decimal number cannot start with 0; remove the leading zeros (0o… is octal)"
        }
        return nil
    }

    static func digit(_ b: UInt8, radix: Int) -> Int? {
        let v: Int
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): v = Int(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): v = Int(b - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): v = Int(b - UInt8(ascii: "A")) + 10
        default: return nil
        }
        return v < radix ? v : nil
    }

    /// `1979-05-27`, `07:32:00` and what starts like them.
    private static func isDateOrTime(_ b: [UInt8]) -> Bool {
        func digits(_ r: Range<Int>) -> Bool { r.upperBound <= b.count && b[r].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        return (digits(0..<4) && b.count > 4 && b[4] == UInt8(ascii: "-")) || (digits(0..<2) && b.count > 2 && b[2] == UInt8(ascii: ":"))
    }
}
