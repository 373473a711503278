/// One ZPL II command as the printer reads it: its prefix, its code and where its bytes are.
public struct ZPLCommand: Sendable, Hashable {
    /// Format command (`^`) or control command (`~`), whatever characters `^CC`/`~CC`/`^CT`/`~CT` made them.
    public enum Prefix: Sendable, Hashable { case caret, tilde }

    /// Format or control command.
    public var prefix: Prefix
    /// The code's bytes, upper-cased, packed: its length, then up to two bytes (no String per
    /// command while reading 10,000-label files).
    var packedCode: UInt32
    /// Byte offset of the prefix character in the stream.
    public var offset: Int
    /// The raw parameter bytes: up to the next prefix character, field data before `^FH`
    /// decoding, for `~DG`/`~DY`/`~DB`/`^GF` the whole payload (binary ones by their declared size).
    public var parameters: Range<Int>

    /// Creates a command; `code` is upper-cased and keeps at most two bytes.
    public init(prefix: Prefix, code: String, offset: Int, parameters: Range<Int>) {
        self.prefix = prefix
        self.packedCode = Self.pack(Array(code.utf8))
        self.offset = offset
        self.parameters = parameters
    }

    init(prefix: Prefix, packedCode: UInt32, offset: Int, parameters: Range<Int>) {
        self.prefix = prefix
        self.packedCode = packedCode
        self.offset = offset
        self.parameters = parameters
    }

    /// The code, upper-cased: "XA", "FD", "DG", "GF", "BC", "A@", and "A" for the font command
    /// (its font letter is the first parameter byte). Empty when the prefix ends the stream.
    public var code: String {
        get {
            let length = Int(packedCode >> 16)
            let bytes = [UInt8(truncatingIfNeeded: packedCode >> 8), UInt8(truncatingIfNeeded: packedCode)]
            return String(decoding: bytes.suffix(length), as: UTF8.self)
        }
        set { packedCode = Self.pack(Array(newValue.utf8)) }
    }

    /// The code with its standard prefix, as policies and messages name it: "^XA", "~JR".
    public var name: String { (prefix == .caret ? "^" : "~") + code }

    /// The command's bytes, prefix through parameters.
    public var range: Range<Int> { offset..<parameters.upperBound }

    /// Prefix and code in one number, for comparing commands without strings.
    var key: UInt32 { (prefix == .tilde ? 1 << 24 : 0) | packedCode }

    static func pack(_ code: [UInt8]) -> UInt32 {
        let b = code.prefix(2).map(ZPLTokenizer.upper)
        switch b.count {
        case 2: return 2 << 16 | UInt32(b[0]) << 8 | UInt32(b[1])
        case 1: return 1 << 16 | UInt32(b[0])
        default: return 0
        }
    }

    /// The key of a command named with its standard prefix ("^XA", "~JR").
    static func key(_ name: String) -> UInt32 {
        let bytes = Array(name.utf8)
        return (bytes.first == 0x7E ? 1 << 24 : 0) | pack(Array(bytes.dropFirst()))
    }
}

/// The characters that start format and control commands and separate parameters
/// (`^`, `~` and `,` until `^CC`/`~CC`, `^CT`/`~CT` or `^CD`/`~CD` change them).
public struct ZPLSyntax: Sendable, Hashable {
    /// Starts format commands.
    public var caret: UInt8
    /// Starts control commands.
    public var tilde: UInt8
    /// Separates parameters.
    public var delimiter: UInt8

    /// A syntax.
    public init(caret: UInt8, tilde: UInt8, delimiter: UInt8) {
        self.caret = caret
        self.tilde = tilde
        self.delimiter = delimiter
    }

    /// What a printer uses after power-on: `^`, `~` and `,`.
    public static let standard = ZPLSyntax(caret: 0x5E, tilde: 0x7E, delimiter: 0x2C)
}

/// Splits a ZPL II stream into commands the way a printer does: CR and LF are ignored inside
/// command codes, parameters run to the next prefix character, `^CC`/`~CC`/`^CT`/`~CT`/`^CD`/`~CD`
/// take effect at once, and binary payloads (`~DY` formats B, C and P, `^GF` formats B and C) are
/// skipped by their declared size. Never traps, whatever the bytes; linear in their count.
public struct ZPLTokenizer: Sequence, IteratorProtocol {
    let bytes: [UInt8]
    var position = 0
    /// The syntax in force after the last command returned.
    public private(set) var syntax = ZPLSyntax.standard
    /// Bytes examined so far (each at most a small constant number of times): tests use it to
    /// show the work is linear without timing anything.
    public private(set) var steps = 0

    /// Reads `bytes` from the start, in the printer's power-on syntax.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next command, or nil at the end of the stream. Bytes before the first prefix
    /// character are not commands and are skipped, as a printer ignores them.
    public mutating func next() -> ZPLCommand? {
        let n = bytes.count
        var i = scanToPrefix(from: position)
        guard i < n else {
            position = n
            return nil
        }
        let offset = i
        let prefix: ZPLCommand.Prefix = bytes[i] == syntax.caret ? .caret : .tilde
        i += 1
        var first: UInt8 = 0, second: UInt8 = 0, length: UInt32 = 0
        i = skipLineEnds(from: i)
        if i < n, !isPrefix(bytes[i]) {
            first = Self.upper(bytes[i])
            length = 1
            i += 1
            let j = skipLineEnds(from: i)
            if prefix == .caret, first == 0x41 {
                // ^A takes its font letter as the first parameter byte; only ^A@ is a code of two.
                if j < n, bytes[j] == 0x40 {
                    second = 0x40
                    length = 2
                    i = j + 1
                }
            } else if j < n, !isPrefix(bytes[j]) {
                second = Self.upper(bytes[j])
                length = 2
                i = j + 1
            }
        }
        steps += i - offset
        let packed = length == 2 ? 2 << 16 | UInt32(first) << 8 | UInt32(second) : length << 16 | UInt32(first)
        var end: Int
        switch (length == 2 ? (first, second) : (0, 0)) {
        case (0x43, 0x43), (0x43, 0x54), (0x43, 0x44):  // CC, CT, CD: the next byte is the new character
            if i < n {
                change(second, to: bytes[i])
                steps += 1
                end = scanToPrefix(from: i + 1)
            } else {
                end = n
            }
        case (0x44, 0x59) where prefix == .tilde:  // ~DY
            end = scanToPrefix(from: binaryPayloadEnd(from: i, fieldsBeforeData: 5, formatField: 1, countField: 3, binaryFormats: (0x42, 0x43, 0x50)) ?? i)
        case (0x47, 0x46) where prefix == .caret:  // ^GF
            end = scanToPrefix(from: binaryPayloadEnd(from: i, fieldsBeforeData: 4, formatField: 0, countField: 1, binaryFormats: (0x42, 0x43, 0x42)) ?? i)
        default:
            end = scanToPrefix(from: i)
        }
        position = end
        return ZPLCommand(prefix: prefix, packedCode: packed, offset: offset, parameters: i..<end)
    }

    mutating func change(_ which: UInt8, to value: UInt8) {
        syntax = Self.changed(syntax, which, to: value)
    }

    /// `syntax` after `~CC`/`~CT`/`~CD` (`which` is C, T or D) to `value`.
    static func changed(_ syntax: ZPLSyntax, _ which: UInt8, to value: UInt8) -> ZPLSyntax {
        // A prefix or delimiter cannot be a line end or blank (the printer ignores those), and the
        // two prefixes must stay distinct or every command would be ambiguous.
        var syntax = syntax
        guard value != 0x0D, value != 0x0A, value != 0x20 else { return syntax }
        switch which {
        case 0x43 where value != syntax.tilde: syntax.caret = value
        case 0x54 where value != syntax.caret: syntax.tilde = value
        case 0x44 where value != syntax.caret && value != syntax.tilde: syntax.delimiter = value
        default: break
        }
        return syntax
    }

    @inline(__always) func isPrefix(_ b: UInt8) -> Bool { b == syntax.caret || b == syntax.tilde }

    @inline(__always) static func upper(_ b: UInt8) -> UInt8 { b >= 0x61 && b <= 0x7A ? b - 0x20 : b }

    func skipLineEnds(from start: Int) -> Int {
        var i = start
        while i < bytes.count, bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
        return i
    }

    mutating func scanToPrefix(from start: Int) -> Int {
        let caret = syntax.caret, tilde = syntax.tilde
        let end = bytes.withUnsafeBufferPointer { buffer -> Int in
            var i = start
            while i < buffer.count {
                let b = buffer[i]
                if b == caret || b == tilde { break }
                i += 1
            }
            return i
        }
        steps += end - start
        return end
    }

    /// Where a binary payload ends when the header (up to `fieldsBeforeData` delimiters, all before
    /// any prefix character) names a binary format; nil for ASCII payloads, which end at a prefix.
    mutating func binaryPayloadEnd(from start: Int, fieldsBeforeData: Int, formatField: Int, countField: Int, binaryFormats: (UInt8, UInt8, UInt8)) -> Int? {
        guard let header = ZPLHeader(bytes, from: start, fields: fieldsBeforeData, syntax: syntax) else { return nil }
        steps += header.dataStart - start
        guard let format = header.firstByte(of: formatField, in: bytes).map(Self.upper), format == binaryFormats.0 || format == binaryFormats.1 || format == binaryFormats.2 else { return nil }
        // ~DYR:LOGO,P,P,… may still carry base64 (":B64:…"), which ends at a prefix like hex.
        if header.dataStart < bytes.count, bytes[header.dataStart] == 0x3A { return nil }
        let count = header.integer(of: countField, in: bytes) ?? 0
        let remaining = bytes.count - header.dataStart
        let end = header.dataStart + Swift.min(Swift.max(count, 0), remaining)
        steps += end - header.dataStart
        return end
    }
}

/// The comma-separated head of a command's parameters: where each of the first fields lies and
/// where the data after them starts.
struct ZPLHeader {
    var fields: [Range<Int>]
    var dataStart: Int

    /// Reads `fields` delimited fields from `start`; nil when a prefix character or the end of the
    /// stream comes first (the header is incomplete).
    init?(_ bytes: [UInt8], from start: Int, fields count: Int, syntax: ZPLSyntax) {
        var fields: [Range<Int>] = []
        var fieldStart = start
        var i = start
        while fields.count < count {
            guard i < bytes.count else { return nil }
            let b = bytes[i]
            if b == syntax.caret || b == syntax.tilde { return nil }
            if b == syntax.delimiter {
                fields.append(fieldStart..<i)
                fieldStart = i + 1
            }
            i += 1
        }
        self.fields = fields
        self.dataStart = i
    }

    func firstByte(of field: Int, in bytes: [UInt8]) -> UInt8? {
        guard field < fields.count else { return nil }
        return bytes[fields[field]].first { $0 != 0x20 && $0 != 0x0D && $0 != 0x0A }
    }

    /// The field as a non-negative decimal number (blanks and line ends ignored), saturating at
    /// Int.max / 16; nil when it holds anything else or nothing.
    func integer(of field: Int, in bytes: [UInt8]) -> Int? {
        guard field < fields.count else { return nil }
        return ZPLNumber.parse(bytes[fields[field]])
    }
}

enum ZPLNumber {
    /// A decimal number with blanks and line ends ignored, saturating instead of overflowing.
    static func parse(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        var any = false
        for b in digits {
            switch b {
            case 0x30...0x39:
                value = value > Int.max / 16 ? Int.max / 16 : value * 10 + Int(b - 0x30)
                any = true
            case 0x20, 0x0D, 0x0A, 0x09: continue
            default: return nil
            }
        }
        return any ? value : nil
    }
}

/// Field data as `^FH` makes the printer read it: the indicator (`_` unless `^FH` names another)
/// followed by two hex digits stands for that byte; an indicator without two hex digits after it
/// is kept as it is.
public enum ZPLFieldHex {
    /// The bytes `data` stands for.
    public static func decode(_ data: ArraySlice<UInt8>, indicator: UInt8 = 0x5F) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var i = data.startIndex
        while i < data.endIndex {
            if data[i] == indicator, i + 2 < data.endIndex, let high = nibble(data[i + 1]), let low = nibble(data[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(data[i])
                i += 1
            }
        }
        return out
    }

    static func nibble(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x37
        case 0x61...0x66: b - 0x57
        default: nil
        }
    }
}
