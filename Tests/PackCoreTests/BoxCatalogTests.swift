import Testing
@testable import PackCore

@Suite struct BoxCatalogTests {
    static func line(_ q: Int, _ l: Int, _ w: Int, _ h: Int, grams: Int? = nil) -> Order.Line {
        Order.Line(sku: "S\(l)x\(w)x\(h)", quantity: q, dimensions: Dimensions(length: l, width: w, height: h), weightGrams: grams)
    }

    @Test(arguments: [
        ([line(1, 100, 100, 50)], "XS"),
        ([line(1, 60, 190, 140)], "XS"),  // turned on its side it fits
        ([line(1, 250, 50, 50)], "S"),  // too long for XS
        ([line(3, 150, 150, 100)], "S"),  // 6.75 l of goods: over XS's usable 2.4 l
        ([line(1, 100, 100, 100, grams: 6_000)], "S"),  // too heavy for XS
        ([line(1, 550, 450, 300)], "XL"),
    ])
    func smallestBoxThatFits(lines: [Order.Line], expected: String) {
        #expect(Box.suggest(for: lines, from: Box.standard)?.name == expected)
    }

    @Test func noSuggestionWithoutDimensionsOrWhenNothingFits() {
        #expect(Box.suggest(for: [Order.Line(sku: "A", quantity: 1)], from: Box.standard) == nil)
        #expect(Box.suggest(for: [Self.line(1, 900, 10, 10)], from: Box.standard) == nil)
        #expect(Box.suggest(for: [Self.line(1, 10, 10, 10)], from: []) == nil)
    }
}
