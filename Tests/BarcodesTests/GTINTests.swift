import Barcodes
import Testing

@Suite("GTIN")
struct GTINTests {
    // Every expected check digit below was recomputed by hand (weights 3/1 from the right).
    @Test(
        "check digit of the digits before it",
        arguments: [
            ("0950600013435", 2),  // GS1 General Specifications GTIN example 09506000134352
            ("1061414100041", 5),  // GTIN-14 10614141000415
            ("10614141123456789", 7),  // SSCC 106141411234567897 (GS1 General Specifications)
            ("400638133393", 1),  // EAN-13 4006381333931
            ("03600029145", 2),  // UPC-A 036000291452
            ("9638507", 4),  // EAN-8 96385074
            ("950110102091", 7),  // GLN 9501101020917
            ("978020137962", 4),  // ISBN 9780201379624
            ("0000000", 0),
        ]
    )
    func checkDigit(payload: String, expected: Int) {
        #expect(GTIN.checkDigit(for: payload) == expected)
        #expect(GS1CheckDigit.compute(for: payload) == expected)
    }

    @Test("check digit of non-digits or nothing is nil", arguments: ["", "12a4", "١٢٣"])
    func checkDigitOfNonDigits(payload: String) {
        #expect(GTIN.checkDigit(for: payload) == nil)
    }

    @Test(
        "valid GTINs are stored as 14 digits",
        arguments: [
            ("96385074", "00000096385074"),  // GTIN-8 / EAN-8
            ("036000291452", "00036000291452"),  // GTIN-12 / UPC-A
            ("4006381333931", "04006381333931"),  // GTIN-13 / EAN-13
            ("09506000134352", "09506000134352"),  // GTIN-14
            ("10614141000415", "10614141000415"),  // GTIN-14 with indicator 1
            ("9780201379624", "09780201379624"),  // ISBN as EAN-13
        ]
    )
    func validGTIN(text: String, digits: String) throws {
        let gtin = try #require(GTIN(text))
        #expect(gtin.digits == digits)
        #expect(gtin.description == digits)
        #expect(try GTIN.validate(text).get() == gtin)
        #expect(gtin.checkDigit == Int(String(text.last!))!)
    }

    @Test("UPC-A, EAN-13 and GTIN-14 forms of one product are equal")
    func formsCompareEqual() throws {
        let upcA = try #require(GTIN("036000291452"))
        let ean13 = try #require(GTIN("0036000291452"))
        let gtin14 = try #require(GTIN("00036000291452"))
        #expect(upcA == ean13)
        #expect(ean13 == gtin14)
        #expect(Set([upcA, ean13, gtin14]).count == 1)
        #expect(upcA.gtin13 == "0036000291452")
        #expect(GTIN("10614141000415")?.gtin13 == nil)
    }

    @Test(
        "invalid GTINs say why",
        arguments: [
            ("09506000134353", "check digit is 3, expected 2"),
            ("4006381333932", "check digit is 2, expected 1"),
            ("036000291450", "check digit is 0, expected 2"),
            ("96385075", "check digit is 5, expected 4"),
            ("12345678901", "has 11 digits; a GTIN has 8, 12, 13 or 14"),
            ("123456789012345", "has 15 digits; a GTIN has 8, 12, 13 or 14"),
            ("", "has 0 digits; a GTIN has 8, 12, 13 or 14"),
            ("40063813A3931", "\"A\" at position 9 is not a digit"),
            ("400638133393 ", "\" \" at position 13 is not a digit"),
            ("4006381333é31", "\"é\" at position 11 is not a digit"),
        ]
    )
    func invalidGTIN(text: String, reason: String) {
        #expect(GTIN(text) == nil)
        #expect(GTIN.validate(text) == .failure(GS1Error(reason)))
    }

    @Test("GTINs sort by their 14 digits")
    func ordering() throws {
        let small = try #require(GTIN("96385074"))
        let large = try #require(GTIN("4006381333931"))
        #expect(small < large)
        #expect([large, small].sorted() == [small, large])
    }

    @Test(
        "check digit problems of any GS1 key",
        arguments: [
            ("106141411234567897", nil),
            ("106141411234567890", "check digit is 0, expected 7"),
            ("9501101020917", nil),
            ("9501101020910", "check digit is 0, expected 7"),
            ("1", "1 characters are too few for a check digit"),
            ("12x4", "\"x\" at position 3 is not a digit"),
        ] as [(String, String?)]
    )
    func checkDigitProblem(digits: String, problem: String?) {
        #expect(GS1CheckDigit.problem(in: digits) == problem)
    }

    @Test("a substring is parsed like a string")
    func substring() {
        let text = "x4006381333931x"
        #expect(GTIN(text.dropFirst().dropLast())?.digits == "04006381333931")
    }
}
