import Barcodes
import Testing

@Suite("GS1 element strings")
struct GS1ElementStringTests {
    static let gs = "\u{1D}"

    func parse(_ text: String) throws(GS1Error) -> GS1ElementString {
        try GS1ElementString(parsing: text, currentYear: 2025)
    }

    func elements(_ pairs: [(String, String)]) -> GS1ElementString {
        GS1ElementString(pairs.map { GS1Element(ai: $0.0, value: $0.1) })
    }

    static let splitCases: [(String, [(String, String)])] = [
        // GS1 General Specifications examples: predefined-length AIs need no separator.
        ("010950600013435217201225" + "10ABC123", [("01", "09506000134352"), ("17", "201225"), ("10", "ABC123")]),
        ("(01)09506000134352(17)201225(10)ABC123", [("01", "09506000134352"), ("17", "201225"), ("10", "ABC123")]),
        // A variable-length value ends at GS.
        ("0109506000134352" + "10ABC123" + gs + "17201225", [("01", "09506000134352"), ("10", "ABC123"), ("17", "201225")]),
        ("0109506000134352" + "10ABC" + gs + "21X", [("01", "09506000134352"), ("10", "ABC"), ("21", "X")]),
        ("(01)09506000134352(10)ABC(21)X", [("01", "09506000134352"), ("10", "ABC"), ("21", "X")]),
        // A leading GS is FNC1 in first position; a trailing GS is harmless.
        (gs + "0109506000134352" + "21SER1" + gs, [("01", "09506000134352"), ("21", "SER1")]),
        ("01950123456789033103000123", [("01", "95012345678903"), ("3103", "000123")]),
        ("00106141411234567897", [("00", "106141411234567897")]),
        ("(00)106141411234567897(02)10614141000415(37)20", [("00", "106141411234567897"), ("02", "10614141000415"), ("37", "20")]),
        ("4149501101020917" + "25432a", [("414", "9501101020917"), ("254", "32a")]),
        ("(8003)04012345000009ABC", [("8003", "04012345000009ABC")]),
        ("(253)4012345000009" + "XY1", [("253", "4012345000009XY1")]),
        // Parentheses are allowed in values; only a known "(AI)" starts the next element.
        ("(10)A(B)C(21)1", [("10", "A(B)C"), ("21", "1")]),
        ("(10)A(12345)B", [("10", "A(12345)B")]),
        ("(4330)001234-", [("4330", "001234-")]),
        ("(8010)ABC#-/123", [("8010", "ABC#-/123")]),
        ("(90)" + String(repeating: "Z", count: 30), [("90", String(repeating: "Z", count: 30))]),
        ("(7007)250101250131", [("7007", "250101250131")]),
        ("(8008)25123123", [("8008", "25123123")]),
        ("(423)276040", [("423", "276040")]),
    ]

    @Test("transmitted and human-readable forms split into elements", arguments: splitCases)
    func split(text: String, expected: [(String, String)]) throws {
        let parsed = try parse(text)
        #expect(parsed == elements(expected))
    }

    static let failureCases: [(String, String)] = [
        ("(01)09506000134353", "AI (01): check digit is 3, expected 2"),
        ("(02)10614141000410", "AI (02): check digit is 0, expected 5"),
        ("(00)106141411234567890", "AI (00): check digit is 0, expected 7"),
        ("(414)9501101020910", "AI (414): check digit is 0, expected 7"),
        ("(410)9501101020911", "AI (410): check digit is 1, expected 7"),
        ("(17)251301", "AI (17): month 13 is not a month"),
        ("(17)250001", "AI (17): month 0 is not a month"),
        ("(11)250230", "AI (11): day 30 is not a day of 2025-02, which has 28 days"),
        ("(15)250431", "AI (15): day 31 is not a day of 2025-04, which has 30 days"),
        ("(7006)250200", "AI (7006): day 00 is not allowed here"),
        ("(7003)2501012460", "AI (7003): hour 24 is not an hour"),
        ("(01)0950600013435", "AI (01): value has 13 digits, expected 14"),
        ("010950600013435", "AI (01): value has 13 digits, expected 14"),
        ("01095060001343" + gs + "10A", "AI (01): value has 12 digits, expected 14"),
        ("(10)" + String(repeating: "A", count: 21), "AI (10): value has 21 characters, at most 20 allowed"),
        ("10" + String(repeating: "A", count: 21) + gs + "21X", "AI (10): value has 21 characters, at most 20 allowed"),
        ("(10)", "AI (10): value is missing"),
        ("10" + gs + "21X", "AI (10): value is missing"),
        ("(3103)00012A", "AI (3103): \"A\" at position 6 is not a digit"),
        ("(10)AB C", "AI (10): \" \" at position 3 is not in GS1 character set 82"),
        ("(21)AB#", "AI (21): \"#\" at position 3 is not in GS1 character set 82"),
        ("(10)ÄB", "AI (10): \"Ä\" at position 1 is not in GS1 character set 82"),
        ("(10)AB" + gs + "C", "AI (10): GS (0x1D) at position 3 is not in GS1 character set 82"),
        ("(8010)abc12", "AI (8010): \"a\" at position 1 is not in GS1 character set 39"),
        ("(4321)2", "AI (4321): value must be 0 or 1"),
        ("(8003)14012345000009", "AI (8003): digit 1 must be 0"),
        ("(423)2760", "AI (423): value must be 3-digit country codes"),
        ("(422)2760", "AI (422): value has 4 digits, expected 3"),
        ("0109506000134352" + "2312", "no known AI at \"2312\" after AI (01)"),
        ("3106000123", "no known AI at \"3106\" at the start"),
        ("ABC", "no known AI at \"ABC\" at the start"),
        ("(23)ABC", "unknown AI (23)"),
        ("(10)ABC(6260)12", "unknown AI (6260)"),
        ("(01)09506000134352X(10)A", "AI (01): value has 15 digits, expected 14"),
        ("", "GS1 data is empty"),
        (gs, "GS1 data is empty"),
        ("(7250)20250230", "AI (7250): day 30 is not a day of 2025-02, which has 28 days"),
    ]

    @Test("every kind of failure names the AI and the problem", arguments: failureCases)
    func failure(text: String, reason: String) {
        #expect(throws: GS1Error(reason)) { try parse(text) }
    }

    @Test("data longer than any symbol holds is rejected without parsing")
    func tooLong() {
        let text = "10" + String(repeating: "A", count: 8000)
        #expect(throws: GS1Error("GS1 data has 8002 characters; no barcode holds more than 7089")) { try parse(text) }
    }

    @Test(
        "human-readable and transmitted forms round-trip",
        arguments: [
            "(01)09506000134352(17)201225(10)ABC123",
            "(01)09506000134352(10)ABC(21)X(3103)000123",
            "(00)106141411234567897(400)PO-17(02)10614141000415(37)20",
        ]
    )
    func roundTrip(text: String) throws {
        let parsed = try parse(text)
        #expect(parsed.description == text)
        #expect(try parse(parsed.transmitted) == parsed)
    }

    @Test("the transmitted form puts GS only after variable-length values")
    func transmitted() throws {
        let parsed = try parse("(01)09506000134352(10)ABC(21)X(17)201225")
        #expect(parsed.transmitted == "0109506000134352" + "10ABC" + Self.gs + "21X" + Self.gs + "17201225")
    }

    @Test("accessors read GTIN, SSCC, dates and measures")
    func accessors() throws {
        let parsed = try parse("(01)09506000134352(17)201225(15)250200(3103)001234(10)ABC")
        #expect(parsed.gtin == GTIN("09506000134352"))
        #expect(parsed["10"] == "ABC")
        #expect(parsed["21"] == nil)
        #expect(parsed.date(for: "17", currentYear: 2025) == GS1Date(year: 2020, month: 12, day: 25))
        #expect(parsed.date(for: "15", currentYear: 2025)?.effectiveDay == 28)
        #expect(parsed.measure(for: "3103")?.description == "1.234 kg")
        #expect(parsed.measure(for: "310") == parsed.measure(for: "3103"))
        #expect(parsed.measure(for: "3102") == nil)
        #expect(parsed.measures.count == 1)
        let logistic = try parse("(00)106141411234567897(3302)012345")
        #expect(logistic.sscc == "106141411234567897")
        #expect(logistic.gtin == nil)
        #expect(logistic.measure(for: "330")?.value == 123.45)
    }
}
