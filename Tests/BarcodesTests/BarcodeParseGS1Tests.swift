import Barcodes
import Testing

@Suite("Barcode.parse of GS1 data and symbology rules")
struct BarcodeParseGS1Tests {
    static let gs = "\u{1D}"

    func content(_ raw: String) throws -> BarcodeContent { try Barcode.parse(raw, currentYear: 2025).get().content }

    func elements(_ text: String) -> GS1ElementString { try! GS1ElementString(parsing: text, currentYear: 2025) }

    func product(_ elementString: String) -> BarcodeContent {
        let parsed = elements(elementString)
        return .product(ProductCode(gtin: parsed.gtin!, elements: parsed))
    }

    static let productCases: [(String, String)] = [
        ("]C1010950600013435217201225" + "10ABC123", "(01)09506000134352(17)201225(10)ABC123"),
        ("]d20109506000134352" + "10ABC" + gs + "21X", "(01)09506000134352(10)ABC(21)X"),
        ("]Q30109506000134352" + "21SER", "(01)09506000134352(21)SER"),
        ("]e00109506000134352" + "3103000123", "(01)09506000134352(3103)000123"),
        ("]J10109506000134352", "(01)09506000134352"),
        ("]z10109506000134352", "(01)09506000134352"),
        // Without an AIM identifier: GS, the (AI) form, or clean 01 digits.
        ("0109506000134352" + "10ABC" + gs + "21X", "(01)09506000134352(10)ABC(21)X"),
        (gs + "0109506000134352" + "21X", "(01)09506000134352(21)X"),
        ("(01)09506000134352(10)ABC(21)X", "(01)09506000134352(10)ABC(21)X"),
        ("0109506000134352", "(01)09506000134352"),
        ("010950600013435217201225", "(01)09506000134352(17)201225"),
        // A non-GS1 symbology carrying GS1-looking data is read the same way.
        ("]C00109506000134352" + "10ABC" + gs + "21X", "(01)09506000134352(10)ABC(21)X"),
        ("]d1(01)09506000134352(21)X", "(01)09506000134352(21)X"),
    ]

    @Test("GS1 data with a GTIN is a product with all elements", arguments: productCases)
    func gs1Product(raw: String, elementString: String) throws {
        #expect(try content(raw) == product(elementString))
    }

    @Test(
        "an SSCC is a logistic unit",
        arguments: [
            "]C100106141411234567897", "00106141411234567897", "(00)106141411234567897(02)10614141000415(37)20",
            "]C100106141411234567897" + "0210614141000415" + "3720",
        ]
    )
    func logisticUnit(raw: String) throws {
        guard case .logisticUnit(let sscc, let parsed) = try content(raw) else {
            Issue.record("expected a logistic unit")
            return
        }
        #expect(sscc == "106141411234567897")
        #expect(parsed.sscc == sscc)
    }

    @Test("GS1 data without GTIN or SSCC is generic GS1", arguments: ["]C14149501101020917", "(414)9501101020917(254)32a", "]C1" + "10ABC"])
    func genericGS1(raw: String) throws {
        guard case .gs1(let parsed) = try content(raw) else {
            Issue.record("expected generic GS1 content")
            return
        }
        #expect(!parsed.elements.isEmpty)
    }

    static let invalidCases: [(String, String)] = [
        ("]C10109506000134353", "AI (01): check digit is 3, expected 2"),
        ("]C1ORDER-1001", "no known AI at \"ORDE\" at the start"),
        ("]d2" + "0109506000134352" + "17251301", "AI (17): month 13 is not a month"),
        ("]Q3", "GS1 data is empty"),
        // GS or the (AI) form claim GS1 even without an identifier.
        ("0109506000134352" + "10" + gs + "21X", "AI (10): value is missing"),
        ("(01)09506000134353", "AI (01): check digit is 3, expected 2"),
        ("(17)251301", "AI (17): month 13 is not a month"),
        // EAN/UPC symbologies must carry a GTIN.
        ("]E0ABC", "EAN/UPC data: \"A\" at position 1 is not a digit"),
        ("]E012345", "EAN-13/UPC-A/UPC-E data has 5 digits, expected 8, 12 or 13"),
        ("]E4123", "EAN-8 data has 3 digits, expected 8"),
        ("]E44006381333931", "EAN-8 data has 13 digits, expected 8"),
        ("]E3400638133393", "EAN/UPC data with add-on has 12 digits; expected a GTIN and 2 or 5 more"),
    ]

    @Test("invalid GS1 and EAN/UPC data says why", arguments: invalidCases)
    func invalid(raw: String, reason: String) {
        let symbology = SymbologyIdentifier.split(raw).identifier
        #expect(Barcode.parse(raw, currentYear: 2025).map(\.content) == .failure(InvalidBarcode(raw: raw, symbology: symbology, reason: reason)))
    }

    @Test(
        "EAN/UPC symbologies",
        arguments: [
            ("]E04006381333931", "04006381333931", nil),
            ("]E0036000291452", "00036000291452", nil),
            ("]E004252614", "00042100005264", nil),  // 8 digits with ]E0 are UPC-E
            ("]E496385074", "00000096385074", nil),
            ("]E3400638133393112", "04006381333931", "12"),
            ("]E3978020137962451995", "09780201379624", "51995"),
            ("]E303600029145205", "00036000291452", "05"),
            ("]E39638507412", "00000096385074", "12"),
            ("]I110614141000415", "10614141000415", nil),  // ITF-14
        ] as [(String, String, String?)]
    )
    func eanUPC(raw: String, gtin: String, addOn: String?) throws {
        #expect(try content(raw) == .product(ProductCode(gtin: GTIN(gtin)!, addOn: addOn)))
    }

    @Test(
        "digits under other symbologies are text, not GTINs",
        arguments: ["]C04006381333931", "]A0036000291452", "]E112", "]E212345", "]I012345678", "]I110614141000410", "]C04006381333932"]
    )
    func otherSymbologyDigits(raw: String) throws {
        #expect(try content(raw) == .text(String(raw.dropFirst(3))))
    }

    @Test(
        "digits that only look like GS1 stay text or GTIN",
        arguments: [
            "0109506000134353",  // 16 digits, wrong GTIN check digit: not a clean GS1 parse
            "01095060001343521",  // trailing digit is no AI
            "100234", "10ABC", "21X", "ORDER-1001", "(1)2", "(12345)6", "(99",
        ]
    )
    func notGS1(raw: String) throws {
        #expect(try content(raw) == .text(raw))
    }
}
