import Foundation
import PackCore
import Sync

/// Finds the order a scan opens: the local orders file first, then the server (or its cached
/// copy when the server does not answer). An order this station already packed (the journal
/// has its result) comes back marked packed, so a restart cannot pack it twice. An order the
/// server refuses to this station stays refused: no cached copy stands in for it.
struct OrderFinder: Sendable {
    let local: OrderCatalog?
    let lookup: OrderLookup?
    let journal: Journal

    /// What a scan found.
    enum Answer: Sendable {
        case order(Order)
        case none
        /// The server refused it (another station's, cancelled), with why and a sentence for the packer.
        case refused(Verdict.BlockReason, message: String)
        /// The server cannot be reached and the order is not cached.
        case unavailable
    }

    func find(barcode: String) async -> Answer {
        var found = local?.order(forBarcode: barcode)
        if found == nil, let lookup {
            switch await lookup.order(barcode: barcode) {
            case .found(let order, _): found = order
            case .unknown: return .none
            case .refused(let code, let message): return .refused(code == "order_cancelled" ? .cancelled : .otherStation, message: message)
            case .unavailable: return .unavailable
            }
        }
        // Without a server, orders cached by `packstation sync prefetch` still open.
        if found == nil, lookup == nil { found = try? journal.cachedOrder(barcode: barcode) }
        guard var order = found else { return .none }
        if order.status == .ready, (try? journal.wasPacked(orderID: order.id)) == true {
            order.status = .packed
        }
        return .order(order)
    }
}
