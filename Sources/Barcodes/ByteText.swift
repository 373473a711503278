/// Small helpers for working on UTF-8 bytes instead of `Character`s, which keeps parsing in the microsecond range.
enum ByteText {
    static let groupSeparator: UInt8 = 0x1D

    /// Whether the byte is an ASCII digit.
    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// The string for `bytes[start..<end]`; short values stay inline in the `String` without allocating.
    @inline(__always)
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// Whether `bytes[start..<end]` are all ASCII digits (true for an empty range).
    static func allDigits(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        while index < end {
            if !isDigit(bytes[index]) { return false }
            index += 1
        }
        return true
    }

    /// The integer value of the digits `bytes[start..<end]`; the caller has checked they are digits.
    @inline(__always)
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var value = 0
        for index in start..<end { value = value &* 10 &+ Int(bytes[index] &- UInt8(ascii: "0")) }
        return value
    }

    /// The character at `index` quoted for an error message; control and broken bytes are shown in hex
    /// because a person cannot see them.
    static func quote(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> String {
        let byte = bytes[index]
        if byte >= 0x20 && byte < 0x7F { return "\"\(Unicode.Scalar(byte))\"" }
        if byte == groupSeparator { return "GS (0x1D)" }
        if byte >= 0xC2 {
            // Decode one multi-byte scalar so "é" is reported as "é", not as two bytes.
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            if index + length <= bytes.count {
                var iterator = UnsafeBufferPointer(rebasing: bytes[index..<index + length]).makeIterator()
                var decoder = UTF8()
                if case .scalarValue(let scalar) = decoder.decode(&iterator) { return "\"\(scalar)\"" }
            }
        }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }

    /// Runs `body` on the UTF-8 bytes of `text` without copying native strings.
    @inline(__always)
    static func withBytes<R>(_ text: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        let copy = Array(text.utf8)
        return copy.withUnsafeBufferPointer(body)
    }
}
