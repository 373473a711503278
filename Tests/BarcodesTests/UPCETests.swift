import Barcodes
import Testing

@Suite("UPC-E expansion")
struct UPCETests {
    // GS1 General Specifications 5.2.2.4.2; the first row is the textbook example (0 425261 4 ↔ 0 42100 00526 4).
    @Test(
        "each rule of the last data digit",
        arguments: [
            ("04252614", "042100005264"),  // last digit 0-2: manufacturer d1 d2 d6 00, item 00 d3 d4 d5
            ("01234505", "012000003455"),  // last digit 0
            ("01234514", "012100003454"),  // last digit 1
            ("01234523", "012200003453"),  // last digit 2
            ("01234531", "012300000451"),  // last digit 3: manufacturer d1 d2 d3 00, item 000 d4 d5
            ("01234543", "012340000053"),  // last digit 4: manufacturer d1..d4 0, item 0000 d5
            ("01234558", "012345000058"),  // last digit 5
            ("01234565", "012345000065"),  // last digit 6
            ("01234589", "012345000089"),  // last digit 8
            ("11234562", "112345000062"),  // number system 1
            ("00000000", "000000000000"),
        ]
    )
    func expansion(upcE: String, upcA: String) throws {
        let expanded = try #require(GTIN(upcE: upcE))
        #expect(expanded == GTIN(upcA))
        #expect(expanded.digits == "00" + upcA)
        #expect(try GTIN.expandUPCE(upcE).get() == expanded)
    }

    @Test(
        "invalid UPC-E says why",
        arguments: [
            ("04252615", "check digit is 5, expected 4"),
            ("01234515", "check digit is 5, expected 4"),
            ("24252614", "number system 2 is not a UPC-E number system (0 or 1)"),
            ("94252614", "number system 9 is not a UPC-E number system (0 or 1)"),
            ("0425261", "UPC-E has 8 digits"),
            ("0425261A", "UPC-E has 8 digits"),
        ]
    )
    func invalid(upcE: String, reason: String) {
        #expect(GTIN(upcE: upcE) == nil)
        #expect(GTIN.expandUPCE(upcE) == .failure(GS1Error(reason)))
    }
}
