import Foundation
import PackCore
import Sync

/// Finds the order a scan opens: the local orders file first, then the server (or its cached
/// copy when the server does not answer). An order this station already packed (the journal
/// has its result) comes back marked packed, so a restart cannot pack it twice.
struct OrderFinder: Sendable {
    let local: OrderCatalog?
    let lookup: OrderLookup?
    let journal: Journal

    func order(barcode: String) async -> Order? {
        var found = local?.order(forBarcode: barcode)
        if found == nil, let lookup { found = await lookup.order(barcode: barcode)?.order }
        if found == nil { found = try? journal.cachedOrder(barcode: barcode) }
        guard var order = found else { return nil }
        if order.status == .ready, (try? journal.wasPacked(orderID: order.id)) == true {
            order.status = .packed
        }
        return order
    }
}
