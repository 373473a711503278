extension JSONScanner {
    /// Scans a quoted string or member name into one token. Runs of plain bytes are skipped
    /// eight at a time; escapes are checked here and decoded only when the text is read.
    mutating func scanString(as kind: JSONToken.Kind) throws(JSONSyntaxError) {
        index += 1  // opening quote
        let start = index
        let base = bytes.baseAddress!
        let count = bytes.count
        var flags: UInt8 = 0
        var runStart = index
        var runIsASCII = true
        while true {
            // Eight bytes at a time up to the first quote, backslash or control character, which
            // the lowest flagged byte of the word marks exactly (flags above it may be false).
            while count - index >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
                let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
                let special = (((word &- ones &* 0x20) & ~word) | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & high
                if special == 0 {
                    if word & high != 0 { runIsASCII = false }
                    index += 8
                    continue
                }
                let plain = special.trailingZeroBitCount >> 3
                if word & high & ((1 &<< UInt64(plain &* 8)) &- 1) != 0 { runIsASCII = false }
                index += plain
                break
            }
            guard index < count else { throw error("a string is not closed") }
            let b = base[index]
            if b == UInt8(ascii: "\"") {
                if !runIsASCII {
                    try validateUTF8(from: runStart)
                    flags |= JSONToken.nonASCII
                }
                append(JSONToken(kind: kind, flags: flags, start: UInt32(start), end: UInt32(index)))
                index += 1
                return
            }
            if b == UInt8(ascii: "\\") {
                if !runIsASCII {
                    try validateUTF8(from: runStart)
                    flags |= JSONToken.nonASCII
                    runIsASCII = true
                }
                flags |= JSONToken.escaped
                index += 1
                try scanEscape()
                runStart = index
                continue
            }
            if b < 0x20 { throw error("control character 0x\(String(b, radix: 16, uppercase: true)) must be escaped in a string") }
            if b >= 0x80 { runIsASCII = false }
            index += 1
        }
    }

    /// Checks that the bytes from `start` up to `index` are UTF-8 (no overlong forms, no
    /// surrogates, nothing above U+10FFFF); the error points at `start`, as before.
    func validateUTF8(from start: Int) throws(JSONSyntaxError) {
        var i = start
        let end = index
        func fail() -> JSONSyntaxError { JSONSyntaxError(bytes: bytes, offset: start, message: "a string is not valid UTF-8") }
        while i < end {
            let lead = bytes[i]
            if lead < 0x80 { i += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: throw fail()
            }
            guard end - i >= length, (low...high).contains(bytes[i + 1]) else { throw fail() }
            for k in 2..<max(2, length) where !(0x80...0xBF).contains(bytes[i + k]) { throw fail() }
            i += length
        }
    }

    /// Checks one escape after its backslash.
    mutating func scanEscape() throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("a string is not closed") }
        let c = bytes[index]
        index += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return
        case UInt8(ascii: "u"):
            let high = try scanHex4()
            if (0xD800...0xDBFF).contains(high) {
                guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("a high surrogate \\u\(String(high, radix: 16)) is not followed by a low surrogate")
                }
                index += 2
                let low = try scanHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate") }
                return
            }
            guard Unicode.Scalar(high) != nil else { throw error("a lone low surrogate is not a character") }
        default:
            index -= 1
            throw error("unknown escape \\\(describeByte())")
        }
    }

    mutating func scanHex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("\\u needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = JSONTape.hexValue(bytes[index]) else { throw error("\\u needs four hex digits") }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}

extension JSONTape {
    @inline(__always) static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The text of a string or name token already checked by the scanner: its bytes as they
    /// are, or with escapes decoded.
    static func text(of token: JSONToken, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)])
        guard token.flags & JSONToken.escaped != 0 else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let b = raw[i]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            let c = raw[i + 1]
            i += 2
            switch c {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var value = hex4(raw, at: i)
                i += 4
                if (0xD800...0xDBFF).contains(value) {
                    value = 0x10000 + ((value - 0xD800) << 10) + (hex4(raw, at: i + 2) - 0xDC00)
                    i += 6
                }
                out.append(contentsOf: UTF8.encode(Unicode.Scalar(value)!)!)
            default: out.append(c)  // " \ /
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, at i: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 4 | UInt32(hexValue(raw[i + $1])!) }
    }
}
