/// The GS1 mod-10 check digit shared by GTIN, SSCC, GLN, GSRN and the other GS1 keys.
///
/// Weights alternate 3 and 1 starting from the digit just before the check digit
/// (GS1 General Specifications 7.9.1), so one routine serves every key length.
public enum GS1CheckDigit {
    /// The check digit that completes `payload` (the digits before the check digit); nil if it is empty or not all digits.
    public static func compute(for payload: some StringProtocol) -> Int? {
        ByteText.withBytes(payload) { bytes in bytes.isEmpty ? nil : compute(bytes, 0, bytes.count) }
    }

    /// Why the last digit of `digits` is not the right check digit ("check digit is 3, expected 5"), or nil when it is.
    ///
    /// Data that is not at least two digits gets a reason too, so callers never mistake it for valid.
    public static func problem(in digits: some StringProtocol) -> String? {
        ByteText.withBytes(digits) { bytes in
            bytes.count < 2 ? "\(bytes.count) characters are too few for a check digit" : problem(in: bytes, 0, bytes.count)
        }
    }

    /// The check digit for the payload `bytes[start..<end]`; nil if a byte is not a digit.
    static func compute(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var sum = 0
        var weight = 3
        var index = end - 1
        while index >= start {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            sum += Int(digit) * weight
            weight = 4 - weight
            index -= 1
        }
        return (10 - sum % 10) % 10
    }

    /// Checks the digit at `end - 1` against the digits before it, without allocating.
    static func problem(in bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String? {
        for index in start..<end where bytes[index] &- UInt8(ascii: "0") >= 10 {
            return "\(ByteText.quote(bytes, at: index)) at position \(index - start + 1) is not a digit"
        }
        let expected = compute(bytes, start, end - 1)!
        let actual = Int(bytes[end - 1] &- UInt8(ascii: "0"))
        return actual == expected ? nil : "check digit is \(actual), expected \(expected)"
    }
}
