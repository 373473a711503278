import Barcodes
import Testing

@Suite("GS1 Digital Link")
struct GS1DigitalLinkTests {
    static let cases: [(String, String)] = [
        // GS1 Digital Link standard examples.
        ("https://id.gs1.org/01/09506000134352", "(01)09506000134352"),
        ("https://id.gs1.org/01/09506000134352/10/ABC/21/123?17=201225", "(01)09506000134352(10)ABC(21)123(17)201225"),
        ("https://id.gs1.org/01/09506000134352/22/2A/10/ABC123/21/12345?17=180426", "(01)09506000134352(22)2A(10)ABC123(21)12345(17)180426"),
        ("https://example.com/01/09506000134352?3103=000195", "(01)09506000134352(3103)000195"),
        ("https://id.gs1.org/00/106141411234567897", "(00)106141411234567897"),
        ("https://id.gs1.org/414/9501101020917/254/32a", "(414)9501101020917(254)32a"),
        // Custom host and path prefix before the primary key.
        ("https://example.com/some/prefix/01/09506000134352/10/ABC", "(01)09506000134352(10)ABC"),
        ("HTTP://EXAMPLE.COM/01/09506000134352", "(01)09506000134352"),
        // GTIN-8, -12 and -13 are padded to 14 digits.
        ("https://id.gs1.org/01/96385074", "(01)00000096385074"),
        ("https://id.gs1.org/01/036000291452", "(01)00036000291452"),
        ("https://id.gs1.org/01/4006381333931", "(01)04006381333931"),
        // Percent-encoding, non-GS1 query parameters, fragments and trailing slashes.
        ("https://id.gs1.org/01/09506000134352/10/AB%2FC%25?linkType=gs1:pip&17=201225#top", "(01)09506000134352(10)AB/C%(17)201225"),
        ("https://id.gs1.org/01/09506000134352/21/12345/", "(01)09506000134352(21)12345"),
        // Short names of the Digital Link standard 1.1.
        ("https://id.gs1.org/gtin/09506000134352/lot/ABC/ser/XYZ", "(01)09506000134352(10)ABC(21)XYZ"),
        ("https://id.gs1.org/sscc/106141411234567897", "(00)106141411234567897"),
    ]

    @Test("URIs decode to element strings", arguments: cases)
    func decode(uri: String, elementString: String) throws {
        let expected = try GS1ElementString(parsing: elementString, currentYear: 2025)
        #expect(try GS1DigitalLink.decode(uri, currentYear: 2025) == expected)
    }

    @Test("a URI and its element string parse to the same content", arguments: cases)
    func sameContent(uri: String, elementString: String) throws {
        let fromLink = try Barcode.parse(uri, currentYear: 2025).get()
        let fromElements = try Barcode.parse(elementString, currentYear: 2025).get()
        #expect(fromLink.content == fromElements.content)
        #expect(fromLink.data == uri)
    }

    @Test(
        "unrelated URLs are not Digital Links",
        arguments: [
            "https://example.com/", "https://example.com/orders/1001", "https://example.com/01/2024/news",
            "https://example.com/01/", "https://example.com/gtin/abc", "ftp://id.gs1.org/01/09506000134352",
            "https:/id.gs1.org/01/09506000134352", "id.gs1.org/01/09506000134352", "https://", "http://x",
        ]
    )
    func notDigitalLink(uri: String) throws {
        #expect(try GS1DigitalLink.decode(uri) == nil)
        #expect(try Barcode.parse(uri).get().content == .text(uri))
    }

    @Test(
        "Digital Links that break GS1 rules are invalid",
        arguments: [
            ("https://id.gs1.org/01/09506000134353", "AI (01): check digit is 3, expected 2"),
            ("https://id.gs1.org/01/09506000134352?17=201325", "AI (17): month 13 is not a month"),
            ("https://id.gs1.org/01/09506000134352/10/ABC/21", "Digital Link path segment \"21\" is not an AI with a value"),
            ("https://id.gs1.org/01/09506000134352/foo/bar", "Digital Link path segment \"foo\" is not an AI with a value"),
            ("https://id.gs1.org/01/09506000134352/10/A%2", "broken percent-encoding in the Digital Link at \"%2\""),
            ("https://id.gs1.org/01/09506000134352/10/A%20B", "AI (10): \" \" at position 2 is not in GS1 character set 82"),
            ("https://id.gs1.org/01/09506000134352?99999=1", "unknown AI (99999) in the Digital Link query"),
            ("https://id.gs1.org/00/106141411234567890", "AI (00): check digit is 0, expected 7"),
        ]
    )
    func invalid(uri: String, reason: String) {
        #expect(throws: GS1Error(reason)) { try GS1DigitalLink.decode(uri, currentYear: 2025) }
        #expect(Barcode.parse(uri, currentYear: 2025).map(\.content) == .failure(InvalidBarcode(raw: uri, symbology: nil, reason: reason)))
    }

    @Test("a Digital Link in a QR Code with an AIM identifier is decoded too")
    func withAIM() throws {
        let barcode = try Barcode.parse("]Q1https://id.gs1.org/01/09506000134352/21/X1", currentYear: 2025).get()
        #expect(barcode.symbology == SymbologyIdentifier("]Q1"))
        guard case .product(let product) = barcode.content else {
            Issue.record("expected a product, got \(barcode.content)")
            return
        }
        #expect(product.gtin == GTIN("09506000134352"))
        #expect(product.serial == "X1")
    }
}
