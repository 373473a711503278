import Testing
@testable import PackCore

@Suite struct MoneyTests {
    /// The answers of the string-splitting parser this replaced (a sign is read as `Int` reads
    /// it, so `-0.01` is one hundredth), except that an amount just past `Int.max` hundredths is
    /// refused instead of trapping.
    @Test(arguments: [
        ("0", 0), ("5", 500), ("5.5", 550), ("5.05", 505), ("1249.90", 124_990), ("007.10", 710),
        ("+5", 500), ("-0", 0), ("-0.50", 50), ("-0.01", 1), ("92233720368547758.07", 9_223_372_036_854_775_807),
    ] as [(String, Int)])
    func accepts(text: String, hundredths: Int) {
        #expect(Money.hundredths(of: text) == hundredths)
    }

    @Test(arguments: [
        "", ".", "-", "+", "5.", ".5", "-.5", "5.123", "1e3", "-5", "+-5", "5.+1", "5..1", "1.2.3", " 5", "5 ",
        "٥", "5,00", "92233720368547758.08", "9223372036854775807", "-9223372036854775808",
    ])
    func refuses(text: String) {
        #expect(Money.hundredths(of: text) == nil)
    }
}
