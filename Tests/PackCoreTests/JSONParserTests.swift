import Testing
@testable import PackCore

@Suite struct JSONParserTests {
    @Test func parsesEveryKindAndKeepsNumberText() throws {
        let value = try JSONParser.parse(#"{"a": [1, -2.50, 1e3, true, false, null], "b": "x\u00e9\n\ud83d\ude00", "c": {}}"#)
        #expect(value["a"] == .array([.number("1"), .number("-2.50"), .number("1e3"), .bool(true), .bool(false), .null]))
        #expect(value["b"] == .string("xé\n😀"))
        #expect(value["c"] == .object([]))
    }

    @Test(arguments: [
        ("", "line 1, column 1: the document is empty"),
        ("{", "line 1, column 2: expected a member name in quotes, found the end of the document"),
        ("{\"a\":1,}", "line 1, column 8: expected a member name in quotes, found '}'"),
        ("[1 2]", "line 1, column 4: expected ',' or ']' in an array, found '2'"),
        ("{\"a\":1}\n x", "line 2, column 2: unexpected data after the JSON value"),
        ("{\"a\":01}", "line 1, column 8: numbers may not have leading zeros"),
        ("\"tab\there\"", "line 1, column 5: control character 0x9 must be escaped in a string"),
        ("{\"a\":1,\"a\":2}", "line 1, column 13: member \"a\" appears twice"),
        ("nul", "line 1, column 1: expected a JSON value, found 'n'"),
        ("\"\\x\"", "line 1, column 3: unknown escape \\'x'"),
    ])
    func reportsWhereAndWhat(input: String, expected: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(input) }
        do { _ = try JSONParser.parse(input) } catch { #expect(error.description == expected) }
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }

    @Test func binaryGarbageIsAnErrorNotACrash() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0..<300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? JSONParser.parse(bytes)
        }
    }

    @Test func writesControlCharactersEscapedOnOneLine() throws {
        let text = JSONValue.object([("data", .string("01\u{1D}10\"A\\\n"))]).jsonText
        #expect(text == #"{"data":"01\u001D10\"A\\\n"}"#)
        #expect(try JSONParser.parse(text)["data"] == .string("01\u{1D}10\"A\\\n"))
    }

    /// JSON Schema's `integer`: a number whose value is whole, however it is written.
    @Test(arguments: [
        ("156", 156), ("156.0", 156), ("1.56e2", 156), ("1560E-1", 156), ("-0", 0), ("-7.000", -7), ("9007199254740991", 9_007_199_254_740_991), ("-9007199254740991", -9_007_199_254_740_991),
        ("9007199254740992", nil), ("9007199254740992.0", nil), ("-9223372036854775808", nil),
        ("156.5", nil), ("1e-1", nil), ("1e300", nil), ("1.0e16", nil),
    ] as [(String, Int?)])
    func aWholeNumberIsWholeHoweverItIsWritten(text: String, expected: Int?) throws {
        #expect(try JSONParser.parse(text).wholeNumber == expected)
    }

    @Test func stringsAndOtherKindsAreNotWholeNumbers() throws {
        #expect(JSONValue.string("156").wholeNumber == nil && JSONValue.bool(true).wholeNumber == nil && JSONValue.null.wholeNumber == nil)
        #expect(JSONValue.string("").isString && !JSONValue.number("1").isString && !JSONValue.null.isString)
    }

    /// Escapes land where they belong even inside a grapheme cluster (a prepended mark before a
    /// quote, CR LF, a combining mark after a backslash) and around U+2028/U+2029 and emoji.
    @Test(arguments: [
        ("\u{0600}\"<img>", #""\#u{0600}\"<img>""#),
        ("a\r\nb", #""a\r\nb""#),
        ("\\\u{301}x", #""\\\#u{301}x""#),
        ("line\u{2028}sep\u{2029}end", #""line\u2028sep\u2029end""#),
        ("\u{2027}\u{2030}", "\"\u{2027}\u{2030}\""),
        ("📦\u{7F}\u{1D}é", #""📦\u007F\u001Dé""#),
        ("plain", #""plain""#), ("", #""""#),
    ])
    func stringsAreEscapedByScalarWhateverTheirGraphemes(text: String, expected: String) throws {
        #expect(JSONValue.string(text).jsonText == expected)
        #expect(try JSONParser.parse(JSONValue.string(text).jsonText) == .string(text))
    }
}
