import Barcodes

/// What a barcode is matched by: the product (a GTIN in 14-digit form, so every printed form
/// of one product is one key) or, for everything else, its exact text.
public enum MatchKey: Hashable, Sendable {
    /// A trade item.
    case product(GTIN)
    /// Exact text: order numbers, totes, SKUs, custom labels.
    case text(String)

    /// The keys a barcode printed in order data stands for: its exact text, and its product
    /// forms when it is a valid GTIN (an 8-digit code may be EAN-8 or UPC-E, so both).
    public static func keys(forPrinted text: String, includeProductForms: Bool = true) -> [MatchKey] {
        var keys: [MatchKey] = []
        forEachKey(forPrinted: text, includeProductForms: includeProductForms) { keys.append($0); return true }
        return keys
    }

    /// Calls `body` with each of `keys(forPrinted:includeProductForms:)` in order, without
    /// building the array (order validation claims them one by one); stops when `body`
    /// returns false.
    static func forEachKey(forPrinted text: String, includeProductForms: Bool, _ body: (MatchKey) -> Bool) {
        guard body(.text(text)), includeProductForms else { return }
        // Plain 12 to 14 digits (most line barcodes) are what `Barcode.parse` makes of them
        // without building a `Barcode`: a GTIN when the check digit is right (no alternates;
        // only 8 digits have a UPC-E reading), else text alone. `MatchKeyTests` holds the two equal.
        var contiguous = text
        if contiguous.withUTF8({ (12...14).contains($0.count) && $0.allSatisfy { $0 &- UInt8(ascii: "0") < 10 } }) {
            if let gtin = GTIN(text) { _ = body(.product(gtin)) }
            return
        }
        guard
            case .success(let barcode) = Barcode.parse(text), case .product(let product) = barcode.content,
            body(.product(product.gtin))
        else { return }
        for alternate in product.alternates where !body(.product(alternate)) { return }
    }
}
