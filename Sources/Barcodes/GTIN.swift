/// A Global Trade Item Number, always held as 14 digits so that the GTIN-8, UPC-A (GTIN-12),
/// EAN-13 and GTIN-14 forms of one product compare equal.
public struct GTIN: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 14 digits, left-padded with zeros.
    public let digits: String

    /// Parses an 8, 12, 13 or 14 digit GTIN, checking the check digit; nil if it is not one.
    public init?(_ text: some StringProtocol) {
        guard case .success(let gtin) = GTIN.validate(text) else { return nil }
        self = gtin
    }

    /// `init?(_:)` for a `String` (order validation reads thousands): its bytes are read in place
    /// instead of through the generic `StringProtocol` path, which cost ~1,100 instructions a call.
    public init?(_ text: String) {
        var text = text
        let gtin = text.withUTF8 { bytes in
            GTIN.problem(bytes, 0, bytes.count) == nil ? GTIN(paddingDigits: bytes, 0, bytes.count) : nil
        }
        guard let gtin else { return nil }
        self = gtin
    }

    /// Wraps 14 digits the caller has already validated.
    init(uncheckedDigits: String) {
        self.digits = uncheckedDigits
    }

    /// The 14 digits.
    public var description: String { digits }
    /// Orders GTINs by their 14 digits.
    public static func < (a: GTIN, b: GTIN) -> Bool { a.digits < b.digits }

    /// The check digit (the last digit).
    public var checkDigit: Int { Int(digits.utf8.last! - UInt8(ascii: "0")) }

    /// The EAN-13 form (the 14 digits without the leading zero); nil for a GTIN-14 whose indicator digit is not 0.
    public var gtin13: String? {
        digits.utf8.first == UInt8(ascii: "0") ? String(digits.dropFirst()) : nil
    }

    /// The check digit that completes the digits before it (7, 11, 12 or 13 of them, or any other count); nil if not all digits.
    public static func checkDigit(for payload: some StringProtocol) -> Int? {
        GS1CheckDigit.compute(for: payload)
    }

    /// Parses a GTIN or says why it is not one ("check digit is 3, expected 5", "has 11 digits; a GTIN has 8, 12, 13 or 14").
    public static func validate(_ text: some StringProtocol) -> Result<GTIN, GS1Error> {
        ByteText.withBytes(text) { bytes in
            if let reason = problem(bytes, 0, bytes.count) { return .failure(GS1Error(reason)) }
            return .success(GTIN(paddingDigits: bytes, 0, bytes.count))
        }
    }

    /// Why `bytes[start..<end]` is not a GTIN-8/12/13/14, or nil.
    static func problem(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String? {
        let count = end - start
        for index in start..<end where !ByteText.isDigit(bytes[index]) {
            return "\(ByteText.quote(bytes, at: index)) at position \(index - start + 1) is not a digit"
        }
        guard count == 8 || count == 12 || count == 13 || count == 14 else {
            return "has \(count) digits; a GTIN has 8, 12, 13 or 14"
        }
        return GS1CheckDigit.problem(in: bytes, start, end)
    }

    /// Builds the 14-digit form of validated digits `bytes[start..<end]` (at most 14).
    init(paddingDigits bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        let padding = 14 - (end - start)
        // A 14-byte string is stored inline, so this does not allocate.
        self.digits = String(unsafeUninitializedCapacity: 14) { buffer in
            for index in 0..<padding { buffer[index] = UInt8(ascii: "0") }
            for index in start..<end { buffer[padding + index - start] = bytes[index] }
            return 14
        }
    }
}
