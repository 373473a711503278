import Barcodes
import Testing

@Suite("Barcode.parse")
struct BarcodeParseTests {
    /// Parses with a fixed year so date results do not depend on the clock.
    func parse(_ raw: String) -> Result<Barcode, InvalidBarcode> { Barcode.parse(raw, currentYear: 2025) }

    func content(_ raw: String) throws -> BarcodeContent { try parse(raw).get().content }

    func gtin(_ digits: String) -> GTIN { GTIN(digits)! }

    @Test(
        "plain GTINs without an AIM identifier",
        arguments: [
            ("4006381333931", "04006381333931"),
            ("036000291452", "00036000291452"),
            ("09506000134352", "09506000134352"),
            ("96385074", "00000096385074"),
        ]
    )
    func plainGTIN(raw: String, digits: String) throws {
        let barcode = try parse(raw).get()
        #expect(barcode.content == .product(ProductCode(gtin: gtin(digits))))
        #expect(barcode.data == raw)
        #expect(barcode.raw == raw)
        #expect(barcode.symbology == nil)
    }

    @Test(
        "8 digits without an identifier: EAN-8 first, UPC-E as alternate",
        arguments: [
            // Both readings valid: EAN-8 primary, UPC-E expansion alternate.
            ("12345670", "00000012345670", ["00123456000070"]),
            ("02914176", "00000002914176", ["00029141000076"]),
            // Only EAN-8 valid.
            ("96385074", "00000096385074", []),
            ("04391500", "00000004391500", []),
            // Only UPC-E valid: the expansion becomes the primary GTIN.
            ("04252614", "00042100005264", []),
            ("04391504", "00043000009154", []),
        ]
    )
    func eightDigits(raw: String, primary: String, alternates: [String]) throws {
        let expected = ProductCode(gtin: gtin(primary), alternates: alternates.map(gtin))
        #expect(try content(raw) == .product(expected))
    }

    @Test(
        "digit strings with a wrong check digit are invalid with the expected digit",
        arguments: [
            ("4006381333932", "check digit is 2, expected 1"),
            ("036000291450", "check digit is 0, expected 2"),
            ("09506000134353", "check digit is 3, expected 2"),
            ("96385075", "check digit is 5, expected 4"),
            ("02914170", "check digit is 0, expected 6 (as EAN-8); as UPC-E: check digit is 0, expected 6"),
            ("]E04006381333932", "check digit is 2, expected 1"),
            ("]E496385075", "check digit is 5, expected 4"),
            ("]E004252615", "UPC-E: check digit is 5, expected 4"),
        ]
    )
    func wrongCheckDigit(raw: String, reason: String) {
        #expect(parse(raw).map(\.content) == .failure(InvalidBarcode(raw: raw, symbology: SymbologyIdentifier.split(raw).identifier, reason: reason)))
    }

    @Test(
        "text stays text",
        arguments: [
            "ORDER-1001", "100234", "TOTE-0042", "1234567", "12345678901", "123456789012345",
            "0123456789012345678", "https://example.com/orders/1001", "", "]", "]X", "]x1abc",
            "CMD:PRINT", "01 not a barcode", "(123)456", "Ünïcödé 📦",
        ]
    )
    func text(raw: String) throws {
        #expect(try content(raw) == .text(raw))
    }
}
