/// Orders known to a bench, found by any barcode that opens them (or their id).
public struct OrderCatalog: Sendable {
    private var byBarcode: [String: Order] = [:]

    /// Why a set of orders cannot be one catalog.
    public struct Conflict: Error, Hashable, Sendable, CustomStringConvertible {
        /// The barcode two orders claim.
        public let barcode: String
        /// The two order ids.
        public let orders: [String]
        public var description: String { "barcode \"\(barcode)\" opens both order \(orders[0]) and order \(orders[1])" }
    }

    /// Builds a catalog; a barcode that would open two different orders is refused.
    public init(_ orders: [Order]) throws(Conflict) {
        for order in orders {
            for code in Set([order.id] + order.barcodes) {
                if let other = byBarcode[code], other.id != order.id {
                    throw Conflict(barcode: code, orders: [other.id, order.id])
                }
                byBarcode[code] = order
            }
        }
    }

    /// The order this barcode opens.
    public func order(forBarcode code: String) -> Order? { byBarcode[code] }
}
