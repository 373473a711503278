import Barcodes
import Testing

@Suite("GS1 application identifier table")
struct GS1ApplicationIdentifierTests {
    @Test(
        "definitions of well-known AIs",
        arguments: [
            ("00", "SSCC", "N18", true, 18, 18),
            ("01", "GTIN", "N14", true, 14, 14),
            ("10", "BATCH/LOT", "X..20", false, 1, 20),
            ("17", "USE BY or EXPIRY", "N6", true, 6, 6),
            ("20", "VARIANT", "N2", true, 2, 2),
            ("21", "SERIAL", "X..20", false, 1, 20),
            ("253", "GDTI", "N13+[X..17]", false, 13, 30),
            ("3103", "NET WEIGHT (kg)", "N6", true, 6, 6),
            ("3922", "PRICE", "N..15", false, 1, 15),
            ("414", "LOC No.", "N13", true, 13, 13),
            ("422", "ORIGIN", "N3", false, 3, 3),
            ("8003", "GRAI", "N14+[X..16]", false, 14, 30),
            ("8010", "CPID", "Y..30", false, 1, 30),
            ("8030", "DIGSIG", "Z..90", false, 1, 90),
            ("99", "INTERNAL", "X..90", false, 1, 90),
        ]
    )
    func definition(ai: String, title: String, format: String, predefined: Bool, minimum: Int, maximum: Int) throws {
        let definition = try #require(GS1ApplicationIdentifier.lookup(ai))
        #expect(definition.ai == ai)
        #expect(definition.title == title)
        #expect(definition.format == format)
        #expect(definition.hasPredefinedLength == predefined)
        #expect(definition.minimumLength == minimum)
        #expect(definition.maximumLength == maximum)
    }

    @Test("undefined AIs and partial digits are not found", arguments: ["", "0", "04", "14", "23", "31", "310", "3106", "4000", "0101", "ab", "999"])
    func undefined(ai: String) {
        #expect(GS1ApplicationIdentifier.lookup(ai) == nil)
    }

    @Test("the table is complete and prefix-free")
    func prefixFree() {
        let all = GS1ApplicationIdentifier.all
        #expect(all.count == 541)
        let codes = Set(all.map(\.ai))
        #expect(codes.count == all.count)
        for ai in all {
            for length in 2..<ai.ai.count { #expect(!codes.contains(String(ai.ai.prefix(length))), "\(ai.ai) extends another AI") }
        }
    }

    @Test("predefined-length AIs are exactly the GS1 figure 7.8.5-2 prefixes")
    func predefinedPrefixes() {
        let prefixes = Set(GS1ApplicationIdentifier.all.filter(\.hasPredefinedLength).map { String($0.ai.prefix(2)) })
        #expect(prefixes == ["00", "01", "02", "03", "11", "12", "13", "15", "16", "17", "20", "31", "32", "33", "34", "35", "36", "41"])
        #expect(GS1ApplicationIdentifier.all.filter(\.hasPredefinedLength).allSatisfy { $0.isFixedLength })
    }

    @Test(
        "variable measures carry unit and decimals",
        arguments: [
            ("3103", "001234", "kg", 3, "1.234 kg", 1.234),
            ("3100", "000500", "kg", 0, "500 kg", 500),
            ("3105", "123456", "kg", 5, "1.23456 kg", 1.23456),
            ("3202", "012345", "lb", 2, "123.45 lb", 123.45),
            ("3151", "000015", "l", 1, "1.5 l", 1.5),
            ("3302", "000105", "kg", 2, "1.05 kg", 1.05),
            ("3143", "000001", "m²", 3, "0.001 m²", 0.001),
            ("3370", "000010", "kg/m²", 0, "10 kg/m²", 10),
            ("3614", "000020", "gal.", 4, "0.0020 gal.", 0.002),
        ]
    )
    func measure(ai: String, value: String, unit: String, decimals: Int, text: String, number: Double) throws {
        let measure = try #require(GS1Measure(GS1Element(ai: ai, value: value)))
        #expect(measure.unit == unit)
        #expect(measure.decimals == decimals)
        #expect(measure.description == text)
        #expect(abs(measure.value - number) < 1e-9)
    }

    @Test("non-measures are not measures", arguments: [("10", "ABC"), ("3922", "123"), ("3103", "12345"), ("01", "09506000134352")])
    func notMeasure(ai: String, value: String) {
        #expect(GS1Measure(GS1Element(ai: ai, value: value)) == nil)
    }
}
