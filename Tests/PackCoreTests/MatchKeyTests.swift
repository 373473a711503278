import Barcodes
import Testing
@testable import PackCore

/// The keys of a printed barcode, which decide which line a scan leads to and which order
/// barcodes collide: the shortcut for plain 12-14 digit codes must give what `Barcode.parse` gives.
@Suite struct MatchKeyTests {
    /// The keys as `Barcode.parse` alone makes them (how `keys(forPrinted:)` worked before the shortcut).
    static func keysFromParse(_ text: String) -> [MatchKey] {
        var keys: [MatchKey] = [.text(text)]
        guard case .success(let barcode) = Barcode.parse(text), case .product(let product) = barcode.content else { return keys }
        keys.append(.product(product.gtin))
        keys.append(contentsOf: product.alternates.map(MatchKey.product))
        return keys
    }

    @Test(arguments: [
        "4006381333931", "4006381333932", "04006381333931", "14006381333938", "14006381333931", "400638133393",
        "036000291452", "036000291453", "00036000291452", "0000000000000", "00000000000000", "000000000000",
        "12345670", "01234565", "40063813", "4006381333", "400638133393100", "400638133393 ", "4006381333９31",
        "(01)04006381333931", "]E04006381333931", "0104006381333931", "https://id.gs1.org/01/04006381333931", "ORD-1001", "",
    ])
    func keysAreThoseOfBarcodeParse(text: String) {
        #expect(MatchKey.keys(forPrinted: text) == Self.keysFromParse(text))
        #expect(MatchKey.keys(forPrinted: text, includeProductForms: false) == [.text(text)])
    }

    @Test func randomDigitStringsGetTheKeysOfBarcodeParse() {
        var random = JSONTapeTests.SplitMix64(state: 12)
        var products = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 7...15, using: &random)
            let text = String((0..<length).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
            let keys = MatchKey.keys(forPrinted: text)
            #expect(keys == Self.keysFromParse(text), "\(text)")
            if keys.count > 1 { products += 1 }
        }
        // Four lengths in nine can be GTINs and one in ten of those has the right check digit
        // (~900 of 20,000): both the shortcut and the parse must be reached.
        #expect(products > 500)
    }
}
