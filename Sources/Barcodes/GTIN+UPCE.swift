extension GTIN {
    /// Expands an 8-digit UPC-E (number system, six digits, check digit) to its UPC-A GTIN; nil if it is not one.
    public init?(upcE text: some StringProtocol) {
        guard case .success(let gtin) = GTIN.expandUPCE(text) else { return nil }
        self = gtin
    }

    /// Expands an 8-digit UPC-E to UPC-A, verifying the check digit on the expanded form, or says why it cannot.
    public static func expandUPCE(_ text: some StringProtocol) -> Result<GTIN, GS1Error> {
        ByteText.withBytes(text) { bytes in
            guard bytes.count == 8, ByteText.allDigits(bytes, 0, 8) else {
                return .failure(GS1Error("UPC-E has 8 digits"))
            }
            return expandUPCE(bytes, 0)
        }
    }

    /// The UPC-A expansion of the 8 validated digits at `bytes[start...]`, or the reason it is not UPC-E.
    static func expandUPCE(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Result<GTIN, GS1Error> {
        let numberSystem = bytes[start]
        guard numberSystem == UInt8(ascii: "0") || numberSystem == UInt8(ascii: "1") else {
            return .failure(GS1Error("number system \(numberSystem - 48) is not a UPC-E number system (0 or 1)"))
        }
        let zero = UInt8(ascii: "0")
        let d = (1...6).map { bytes[start + $0] }  // d[0...5] are the six UPC-E data digits
        // GS1 General Specifications 5.2.2.4.2: the last data digit says where the zeros go.
        let middle: [UInt8]
        switch d[5] - zero {
        case 0, 1, 2:  // manufacturer d1 d2 d6 0 0, item 0 0 d3 d4 d5
            middle = [d[0], d[1], d[5], zero, zero, zero, zero, d[2], d[3], d[4]]
        case 3:  // manufacturer d1 d2 d3 0 0, item 0 0 0 d4 d5
            middle = [d[0], d[1], d[2], zero, zero, zero, zero, zero, d[3], d[4]]
        case 4:  // manufacturer d1 d2 d3 d4 0, item 0 0 0 0 d5
            middle = [d[0], d[1], d[2], d[3], zero, zero, zero, zero, zero, d[4]]
        default:  // manufacturer d1..d5, item 0 0 0 0 d6
            middle = [d[0], d[1], d[2], d[3], d[4], zero, zero, zero, zero, d[5]]
        }
        let upcA = [numberSystem] + middle + [bytes[start + 7]]
        return upcA.withUnsafeBufferPointer { upcA in
            if let reason = GS1CheckDigit.problem(in: upcA, 0, 12) { return .failure(GS1Error(reason)) }
            return .success(GTIN(paddingDigits: upcA, 0, 12))
        }
    }
}
