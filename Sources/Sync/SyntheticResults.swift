import Foundation
import PackCore

/// Real pack results made by running the pack session over a one-line order: for the
/// end-to-end sync test, the sync benchmark and tests (no hand-built results).
public enum SyntheticResults {
    /// The item every synthetic order holds (a valid EAN-13).
    public static let itemBarcode = "4006381333931"

    /// The order `id`, opened by `ORD-id`, with one unit of one item.
    public static func order(id: String) -> Order {
        Order(id: id, barcodes: ["ORD-\(id)"], lines: [Order.Line(sku: "SKU-1", description: "Test item", quantity: 1, barcodes: [itemBarcode])])
    }

    /// The same order as one line of JSON (what `packstation-hub import` reads), ready and paid.
    public static func orderJSON(id: String) -> String {
        JSONValue.object([
            ("id", .string(id)), ("barcodes", .array([.string("ORD-\(id)")])), ("status", .string("ready")), ("payment", .string("captured")),
            ("lines", .array([.object([("sku", .string("SKU-1")), ("description", .string("Test item")), ("quantity", .int(1)), ("barcodes", .array([.string(itemBarcode)]))])])),
        ]).jsonText
    }

    /// Packs the order through a pack session and returns the result.
    public static func packed(orderID: String, station: String = "bench-1", at time: Date = Date()) -> PackResult {
        var session = PackSession(configuration: .init(station: station))
        let order = order(id: orderID)
        if case .lookUpOrder = session.handle(.scan("ORD-\(orderID)"), at: time) { _ = session.orderLookedUp(order, at: time) }
        guard case .verdict(let verdict) = session.handle(.scan(itemBarcode), at: time), let result = verdict.result else {
            preconditionFailure("the pack session did not complete a one-item order")
        }
        return result
    }
}
