import Barcodes
import Testing

@Suite("GS1 dates")
struct GS1DateTests {
    // GS1 General Specifications 7.12: a year 51..99 ahead is last century, 50..99 behind is next century.
    @Test(
        "century rule",
        arguments: [
            (25, 2025, 2025), (75, 2025, 2075), (76, 2025, 1976), (99, 2025, 1999), (0, 2025, 2000),
            (74, 2024, 2074), (75, 2024, 1975), (76, 2024, 1976),
            (0, 2060, 2100), (10, 2060, 2110), (11, 2060, 2011), (49, 2099, 2149), (50, 2099, 2050),
            (99, 2000, 1999), (50, 2000, 2050), (51, 2000, 1951), (0, 2051, 2100), (2, 2051, 2002), (0, 2050, 2100),
        ]
    )
    func centuryRule(yy: Int, currentYear: Int, year: Int) {
        #expect(GS1Date.resolveYear(yy, currentYear: currentYear) == year)
    }

    @Test(
        "YYMMDD parsing, day 00 meaning end of month",
        arguments: [
            ("201225", 2025, 2020, 12, 25, 25),
            ("250200", 2025, 2025, 2, 0, 28),
            ("240200", 2025, 2024, 2, 0, 29),
            ("000200", 2050, 2100, 2, 0, 28),  // 2100 is not a leap year
            ("000229", 2025, 2000, 2, 29, 29),
            ("251100", 2025, 2025, 11, 0, 30),
            ("991231", 2025, 1999, 12, 31, 31),
        ]
    )
    func parse(text: String, currentYear: Int, year: Int, month: Int, day: Int, effectiveDay: Int) throws {
        let date = try #require(GS1Date(yymmdd: text, currentYear: currentYear))
        #expect(date.year == year)
        #expect(date.month == month)
        #expect(date.day == day)
        #expect(date.effectiveDay == effectiveDay)
    }

    @Test(
        "invalid YYMMDD is nil",
        arguments: ["251301", "250001", "250230", "250431", "250229", "25010", "2501011", "25O101", "", "-50101"]
    )
    func invalid(text: String) {
        #expect(GS1Date(yymmdd: text, currentYear: 2025) == nil)
    }

    @Test("description and ordering use the resolved day")
    func descriptionAndOrder() throws {
        let endOfFebruary = try #require(GS1Date(yymmdd: "240200", currentYear: 2025))
        #expect(endOfFebruary.description == "2024-02-29")
        #expect(GS1Date(year: 2024, month: 2, day: 28)! < endOfFebruary)
        #expect(endOfFebruary < GS1Date(year: 2024, month: 3, day: 1)!)
        #expect(GS1Date(year: 2025, month: 2, day: 29) == nil)
        #expect(GS1Date(year: 2025, month: 13, day: 1) == nil)
    }

    @Test("the default current year comes from the clock and is plausible")
    func currentYear() {
        #expect((2024...2200).contains(GS1Date.currentYear))
        #expect(GS1Date(yymmdd: "201225")?.month == 12)
    }

    @Test("product accessors read the expiry and best-before dates")
    func productDates() throws {
        let barcode = try Barcode.parse("(01)09506000134352(17)201225(15)210100", currentYear: 2025).get()
        guard case .product(let product) = barcode.content else {
            Issue.record("expected a product, got \(barcode.content)")
            return
        }
        #expect(product.expiry == GS1Date(year: 2020, month: 12, day: 25))
        #expect(product.bestBefore?.effectiveDay == 31)
    }
}
