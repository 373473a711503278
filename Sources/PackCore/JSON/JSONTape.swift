import Foundation  // memcmp

/// One JSON value (or member name) on a tape: what it is and where its text is.
///
/// Scalars point at their bytes; containers hold their element or member count and the index
/// of the token after their last descendant, so a reader can step over them.
struct JSONToken {
    enum Kind: UInt8 { case null, `false`, `true`, number, string, name, array, object }

    /// A string or name with a backslash escape: its text must be decoded, not copied.
    static let escaped: UInt8 = 1
    /// A string or name with a byte above 0x7F.
    static let nonASCII: UInt8 = 2

    var kind: Kind
    var flags: UInt8 = 0
    /// Scalars: the first byte of the text (inside the quotes for strings). Containers: members or elements.
    var start: UInt32
    /// Scalars: one past the last byte of the text. Containers: the index of the next token after the container.
    var end: UInt32

    /// The index of the token after this value (and its descendants), given this token's index.
    @inline(__always) func next(after index: Int) -> Int {
        kind.rawValue >= Kind.array.rawValue ? Int(end) : index + 1
    }
}

/// A document as a flat list of tokens over its bytes: one pass that checks everything the
/// parser promises (RFC 8259 syntax, UTF-8, nesting depth, no member name twice in an object)
/// and allocates nothing per value. `JSONParser` builds `JSONValue` trees from it; order
/// decoding reads fields straight from it.
struct JSONTape: Sendable {
    let bytes: [UInt8]
    let tokens: [JSONToken]

    /// Counts of the work done, for tests that check the scanner stays linear.
    struct Statistics {
        /// Member names compared with each other or looked up in a hash table slot.
        var nameChecks = 0
    }

    /// Scans a document; the error is the same one, at the same place, for every caller.
    init(_ input: some Collection<UInt8>) throws(JSONSyntaxError) {
        var statistics = Statistics()
        try self.init(input, statistics: &statistics)
    }

    init(_ input: some Collection<UInt8>, statistics: inout Statistics) throws(JSONSyntaxError) {
        let bytes = Array(input)
        // Offsets are 32-bit and name tables hold token indices as Int32 (tokens never outnumber bytes).
        guard bytes.count < Int(Int32.max) else {
            throw JSONSyntaxError(line: 1, column: 1, message: "the document is larger than 2 GiB")
        }
        // Tokens are written straight into the array's storage, sized for order documents
        // (about one token per nine bytes); only a denser document moves to a grown buffer and
        // is copied back once.
        var result: Result<Void, JSONSyntaxError> = .success(())
        var grown: [JSONToken]?
        var tokens = [JSONToken](unsafeUninitializedCapacity: JSONScanner.initialCapacity(for: bytes.count)) { storage, count in
            bytes.withUnsafeBufferPointer { buffer in
                var scanner = JSONScanner(bytes: buffer, storage: storage)
                do throws(JSONSyntaxError) {
                    try scanner.scanDocument()
                } catch {
                    result = .failure(error)
                }
                statistics.nameChecks += scanner.statistics.nameChecks
                if !scanner.ownsTokens {
                    count = scanner.tokenCount
                } else {
                    grown = Array(UnsafeBufferPointer(start: scanner.tokens, count: scanner.tokenCount))
                    scanner.tokens.deallocate()
                    count = 0
                }
            }
        }
        if let grown { tokens = grown }
        try result.get()
        self.bytes = bytes
        self.tokens = tokens
    }
}

/// The one-pass scanner behind `JSONTape`. Its checks and messages are those of the
/// recursive parser it replaced, in the same order, so errors point at the same byte.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The tokens so far, in a buffer filled by hand (at first the tape's array storage; a grown
    /// buffer is the scanner's, and `JSONTape` copies it out and frees it): an `Array.append`
    /// per token checked uniqueness and capacity through the struct each time.
    var tokens: UnsafeMutablePointer<JSONToken>
    var tokenCount = 0
    var tokenCapacity: Int
    /// Whether `tokens` is a grown buffer of the scanner's own rather than the array's storage.
    var ownsTokens = false
    var index = 0
    var depth = 0
    var statistics = JSONTape.Statistics()

    /// Objects with more members than this find duplicate names by hashing instead of comparing each pair.
    static let linearNameLimit = 16

    /// Room for the tokens of a document of this many bytes, if it is like an order document.
    static func initialCapacity(for byteCount: Int) -> Int { byteCount / 8 + 16 }

    /// A scanner that writes its tokens into `storage` until that is full.
    init(bytes: UnsafeBufferPointer<UInt8>, storage: UnsafeMutableBufferPointer<JSONToken>) {
        self.bytes = bytes
        tokens = storage.baseAddress!
        tokenCapacity = storage.count
    }

    @inline(__always) mutating func append(_ token: JSONToken) {
        if tokenCount == tokenCapacity { growTokens() }
        (tokens + tokenCount).initialize(to: token)
        tokenCount += 1
    }

    /// Moves the tokens to a buffer twice the size; frees the old one unless it is the array's storage.
    mutating func growTokens() {
        let bigger = UnsafeMutablePointer<JSONToken>.allocate(capacity: tokenCapacity * 2)
        bigger.moveInitialize(from: tokens, count: tokenCount)
        if ownsTokens { tokens.deallocate() }
        tokens = bigger
        ownsTokens = true
        tokenCapacity *= 2
    }

    mutating func scanDocument() throws(JSONSyntaxError) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }  // UTF-8 byte order mark
        skipWhitespace()
        guard index < bytes.count else { throw error("the document is empty") }
        try scanValue()
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected data after the JSON value") }
    }

    func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(bytes: bytes, offset: index, message: message)
    }

    @inline(__always) mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    func describeByte() -> String {
        guard index < bytes.count else { return "the end of the document" }
        return JSONSyntaxError.describe(bytes[index])
    }

    mutating func scanValue() throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("unexpected end of the document") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try scanObject()
        case UInt8(ascii: "["): try scanArray()
        case UInt8(ascii: "\""): try scanString(as: .string)
        case UInt8(ascii: "t"): try expectWord("true", .true)
        case UInt8(ascii: "f"): try expectWord("false", .false)
        case UInt8(ascii: "n"): try expectWord("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber()
        default: throw error("expected a JSON value, found \(describeByte())")
        }
    }

    mutating func expectWord(_ word: StaticString, _ kind: JSONToken.Kind) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count, memcmp(bytes.baseAddress! + index, word.utf8Start, count) == 0 else {
            throw error("expected a JSON value, found \(describeByte())")
        }
        append(JSONToken(kind: kind, start: UInt32(index), end: UInt32(index + count)))
        index += count
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > JSONParser.maximumDepth { throw error("nested deeper than \(JSONParser.maximumDepth) levels") }
    }

    mutating func scanObject() throws(JSONSyntaxError) {
        try enter()
        defer { depth -= 1 }
        index += 1
        let token = tokenCount
        append(JSONToken(kind: .object, start: 0, end: 0))
        var table = JSONNameTable()
        var filter = JSONNameFilter()
        var members: UInt32 = 0
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            tokens[token].end = UInt32(tokenCount)
            return
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a member name in quotes, found \(describeByte())")
            }
            let name = tokenCount
            try scanString(as: .name)
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("expected ':' after member name \"\(decodedText(name))\", found \(describeByte())")
            }
            index += 1
            skipWhitespace()
            try scanValue()
            if isDuplicate(name, in: token, members: Int(members), filter: &filter, table: &table) {
                throw error("member \"\(decodedText(name))\" appears twice")
            }
            members += 1
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of the document inside an object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                tokens[token].start = members
                tokens[token].end = UInt32(tokenCount)
                return
            }
            throw error("expected ',' or '}' in an object, found \(describeByte())")
        }
    }

    /// Whether the object at token `object`, with `members` members before this name, already
    /// has it. Small objects compare it with the earlier names (walked on the tape) only when
    /// its filter bit is set (with all of them when a name is escaped or not ASCII); larger
    /// ones keep a hash table, so the scan stays linear.
    @inline(__always) mutating func isDuplicate(_ name: Int, in object: Int, members: Int, filter: inout JSONNameFilter, table: inout JSONNameTable) -> Bool {
        if members < Self.linearNameLimit {
            guard filter.mayContain(tokens[name], bytes) else { return false }
            return isEarlierName(name, in: object, members: members)
        }
        if members == Self.linearNameLimit {
            table = JSONNameTable(capacity: 64)
            var i = object + 1
            for _ in 0..<members {
                _ = table.insert(i, scanner: &self)
                i = tokens[i + 1].next(after: i + 1)
            }
        }
        return !table.insert(name, scanner: &self)
    }

    /// Compares a name with each earlier name of its object.
    mutating func isEarlierName(_ name: Int, in object: Int, members: Int) -> Bool {
        var i = object + 1
        for _ in 0..<members {
            statistics.nameChecks += 1
            if sameName(i, name) { return true }
            i = tokens[i + 1].next(after: i + 1)
        }
        return false
    }

    /// Whether two name tokens are the same name, as `String` compares them (canonical
    /// equivalence), which plain ASCII bytes decide on their own.
    func sameName(_ a: Int, _ b: Int) -> Bool {
        let x = tokens[a], y = tokens[b]
        if x.flags == 0, y.flags == 0 {
            let length = Int(x.end - x.start)
            return length == Int(y.end - y.start) && memcmp(bytes.baseAddress! + Int(x.start), bytes.baseAddress! + Int(y.start), length) == 0
        }
        return decodedText(a) == decodedText(b)
    }

    /// The text of a string or name token, escapes decoded.
    func decodedText(_ token: Int) -> String {
        JSONTape.text(of: tokens[token], in: bytes)
    }

    mutating func scanArray() throws(JSONSyntaxError) {
        try enter()
        defer { depth -= 1 }
        index += 1
        let token = tokenCount
        append(JSONToken(kind: .array, start: 0, end: 0))
        var elements: UInt32 = 0
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            tokens[token].end = UInt32(tokenCount)
            return
        }
        while true {
            skipWhitespace()
            try scanValue()
            elements += 1
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of the document inside an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                tokens[token].start = elements
                tokens[token].end = UInt32(tokenCount)
                return
            }
            throw error("expected ',' or ']' in an array, found \(describeByte())")
        }
    }

    @inline(__always) func isDigit(_ i: Int) -> Bool {
        i < bytes.count && bytes[i] &- UInt8(ascii: "0") < 10
    }

    mutating func skipDigits() -> Int {
        let s = index
        while isDigit(index) { index += 1 }
        return index - s
    }

    mutating func scanNumber() throws(JSONSyntaxError) {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let intStart = index
        guard skipDigits() > 0 else { throw error("a number needs digits") }
        if bytes[intStart] == UInt8(ascii: "0"), index - intStart > 1 { throw error("numbers may not have leading zeros") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { throw error("expected digits after the decimal point") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { throw error("expected digits in the exponent") }
        }
        append(JSONToken(kind: .number, start: UInt32(start), end: UInt32(index)))
    }
}

/// Two bits per name of a small object (from its length and its first and last bytes), so a new
/// name is compared with the others only when both its bits are already set: most names then
/// make no comparison at all (with one bit, one name in eight of the order corpus did).
struct JSONNameFilter {
    private var bits: UInt64 = 0
    /// Set once an escaped or non-ASCII name is seen: those compare as `String`s, so by bytes
    /// alone nothing can be ruled out.
    private var unsure = false

    /// Adds the name; false when no earlier name can be equal to it.
    @inline(__always) mutating func mayContain(_ token: JSONToken, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard token.flags == 0, !unsure else {
            unsure = true
            return true
        }
        let start = Int(token.start), length = Int(token.end) &- start
        let edges = length > 0 ? UInt64(bytes[start]) << 8 | UInt64(bytes[start &+ length &- 1]) << 16 : 0
        let mixed = (UInt64(truncatingIfNeeded: length) | edges) &* 0x9E37_79B9_7F4A_7C15
        let pair = (UInt64(1) &<< (mixed >> 58)) | (UInt64(1) &<< ((mixed >> 52) & 63))
        defer { bits |= pair }
        return bits & pair == pair
    }
}
