import Foundation
internal import GRDB
import PackCore

extension HubStore {
    /// Moves an order the close-out handed to the carrier to shipped (the lifecycle's
    /// transition: history row and `order.shipped`, which webhooks and e-mails hang off).
    /// Returns false when it had shipped already (a day closed again after a reopen, or a
    /// carrier's scan that came first): nothing is recorded twice.
    static func shipByCloseout(_ db: Database, orderID: String, manifest: Manifest, at: Date) throws -> Bool {
        if let state = try currentState(db, orderID: orderID), [.shipped, .inTransit, .delivered].contains(state) { return false }
        return try transition(db, orderID: orderID, to: .shipped, at: at, station: nil, person: manifest.closedBy, source: "closeout",
                              detail: .object([("manifest_id", .string(manifest.id)), ("carrier", .string(manifest.carrier)), ("date", .string(manifest.date))]))
    }
}
