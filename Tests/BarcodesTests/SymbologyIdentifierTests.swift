import Barcodes
import Testing

@Suite("AIM symbology identifiers")
struct SymbologyIdentifierTests {
    @Test(
        "every common code character is recognized, named and stripped",
        arguments: [
            ("]A0", "Code 39", false), ("]B0", "Telepen", false), ("]C0", "Code 128", false),
            ("]C1", "GS1-128", true), ("]C2", "Code 128", false), ("]D0", "Code One", false),
            ("]E0", "EAN-13/UPC-A/UPC-E", false), ("]E1", "EAN/UPC 2-digit add-on", false),
            ("]E2", "EAN/UPC 5-digit add-on", false), ("]E3", "EAN/UPC with add-on", false),
            ("]E4", "EAN-8", false), ("]F0", "Codabar", false), ("]G0", "Code 93", false),
            ("]H0", "Code 11", false), ("]I0", "Interleaved 2 of 5", false), ("]I1", "ITF (ITF-14)", false),
            ("]J0", "DotCode", false), ("]J1", "GS1 DotCode", true), ("]K0", "Code 16K", false),
            ("]L0", "PDF417", false), ("]M0", "MSI", false), ("]N0", "Anker", false),
            ("]O0", "Codablock", false), ("]P0", "Plessey", false), ("]Q1", "QR Code", false),
            ("]Q3", "GS1 QR Code", true), ("]Q4", "GS1 QR Code", true), ("]R0", "Straight 2 of 5 (2 bar start/stop)", false),
            ("]S0", "Straight 2 of 5 (3 bar start/stop)", false), ("]T0", "Code 49", false),
            ("]U0", "MaxiCode", false), ("]X0", "Other barcode", false), ("]Y0", "System expansion", false),
            ("]Z0", "Non-barcode", false), ("]c0", "Channel Code", false), ("]d1", "Data Matrix", false),
            ("]d2", "GS1 DataMatrix", true), ("]d5", "GS1 DataMatrix", true), ("]e0", "GS1 DataBar", true),
            ("]e1", "GS1 DataBar", true), ("]g0", "Grid Matrix", false), ("]h0", "Han Xin Code", false),
            ("]o0", "OCR", false), ("]p0", "PosiCode", false), ("]s0", "SuperCode", false),
            ("]z0", "Aztec Code", false), ("]z1", "GS1 Aztec Code", true), ("]zC", "Aztec Code", false),
        ]
    )
    func recognized(id: String, name: String, isGS1: Bool) throws {
        let identifier = try #require(SymbologyIdentifier(id))
        #expect(identifier.description == id)
        #expect(identifier.name == name)
        #expect(identifier.isGS1 == isGS1)
        let split = SymbologyIdentifier.split(id + "DATA")
        #expect(split.identifier == identifier)
        #expect(split.data == "DATA")
    }

    @Test(
        "a ] without a valid identifier is data",
        arguments: ["]", "]C", "]W1", "]a0", "]C-", "]c", "]Q", "]1A", "]e", "x]C1", "]]C1", "]Ca"]
    )
    func notAnIdentifier(raw: String) {
        let split = SymbologyIdentifier.split(raw)
        #expect(split.identifier == nil)
        #expect(split.data == raw[...])
    }

    @Test("a combining mark after the identifier stays with the data")
    func combiningMark() {
        let split = SymbologyIdentifier.split("]C1\u{301}X")
        #expect(split.identifier == SymbologyIdentifier("]C1"))
        #expect(split.data.unicodeScalars.elementsEqual("\u{301}X".unicodeScalars))
    }

    @Test("the identifier needs exactly three characters when parsed alone")
    func exactLength() {
        #expect(SymbologyIdentifier("]C1x") == nil)
        #expect(SymbologyIdentifier("]C") == nil)
        #expect(SymbologyIdentifier(code: "C", modifier: "1") == SymbologyIdentifier("]C1"))
    }

    @Test("parse keeps the identifier and strips it from the data")
    func parseStrips() throws {
        let barcode = try Barcode.parse("]C0ORDER-1001").get()
        #expect(barcode.symbology == SymbologyIdentifier("]C0"))
        #expect(barcode.data == "ORDER-1001")
        #expect(barcode.raw == "]C0ORDER-1001")
        #expect(barcode.content == .text("ORDER-1001"))
    }
}
