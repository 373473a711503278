import Foundation
internal import GRDB
import PackCore

/// Tracking updates from carriers and order systems (`POST /v1/tracking`): each update is applied
/// to every package with its tracking number, and the package's order follows its packages —
/// delivered when all are, an exception while any is, in transit when any is on its way.
extension HubStore {
    /// What became of one update.
    public struct TrackingOutcome: Sendable {
        /// What the answer says of it.
        public enum Status: String, Sendable {
            /// The package's state changed (and its order's, when that follows).
            case applied
            /// Already known: the package was in that state (a new scan is kept in its history),
            /// or the same update came before.
            case unchanged
            /// Older than what the hub has for the package: kept in its history, no state changed.
            case stale
            /// No package on the hub has this tracking number.
            case unknownTracking = "unknown_tracking"
            /// The order cannot move there (a cancelled order, a delivered one going back):
            /// nothing of this update was stored.
            case refused
        }

        /// The update's index in the batch.
        public var index: Int
        /// Its tracking number.
        public var tracking: String
        /// What became of it.
        public var status: Status
        /// The orders its packages belong to, with their state afterwards.
        public var orders: [(id: String, state: String)] = []
        /// Why, for `unknown_tracking` and `refused`.
        public var message: String?

        /// The answer's item.
        public var json: JSONValue {
            var members: [(String, JSONValue)] = [("index", .int(index)), ("tracking", .string(tracking)), ("status", .string(status.rawValue))]
            members.append(("orders", .array(orders.map { .object([("id", .string($0.id)), ("state", .string($0.state))]) })))
            if let message { members.append(("message", .string(message))) }
            return .object(members)
        }
    }

    /// Applies a batch in one transaction, update by update in the order sent (`integration` names
    /// the caller in the packages' and orders' history). Unknown tracking numbers and refused moves are reported per update
    /// and do not stop the others; the same update sent again changes nothing.
    public func applyTracking(_ batch: TrackingBatch, integration: String, now: Date = Date()) async throws(HubError) -> [TrackingOutcome] {
        let updates = batch.updates
        return try await writeAsync { db in
            var out: [TrackingOutcome] = []
            out.reserveCapacity(updates.count)
            let find = try db.cachedStatement(sql: "SELECT id, order_id, state, last_event_at FROM packages WHERE tracking = ? ORDER BY order_id, number")
            for (i, update) in updates.enumerated() {
                let packages = try Row.fetchAll(find, arguments: [update.tracking])
                guard !packages.isEmpty else {
                    out.append(TrackingOutcome(index: i, tracking: update.tracking, status: .unknownTracking,
                                               message: "No package on this hub has tracking number '\(update.tracking)'; a package gets its number when its order's label is printed. Check the number, or send the update again after that."))
                    continue
                }
                var outcome = TrackingOutcome(index: i, tracking: update.tracking, status: .unchanged)
                try db.inSavepoint {
                    do {
                        outcome.status = try Self.apply(update, to: packages, integration: integration, now: now, db)
                    } catch let error as HubError where error.code == "bad_transition" {
                        outcome.status = .refused
                        outcome.message = "\(error.message) The update was not stored; if the carrier is right, correct the order first."
                        return .rollback
                    }
                    return .commit
                }
                let orderIDs = Array(Set(packages.map { $0["order_id"] as String })).sorted()
                let state = try db.cachedStatement(sql: "SELECT state FROM orders WHERE id = ?")
                outcome.orders = try orderIDs.map { ($0, try String.fetchOne(state, arguments: [$0]) ?? "") }
                out.append(outcome)
            }
            return out
        }
    }

    /// One update to its packages, then each of their orders follows. Throws `bad_transition`
    /// when an order cannot move to what its packages now say.
    private static func apply(_ update: TrackingBatch.Update, to packages: [Row], integration: String, now: Date, _ db: Database) throws -> TrackingOutcome.Status {
        let at = update.at.timeIntervalSince1970
        var status = TrackingOutcome.Status.unchanged
        var touched: [String] = []
        for package in packages {
            let id: Int64 = package["id"]
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO tracking_updates (package_id, status, at, location, detail, source, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [id, update.status.rawValue, at, update.location, update.detail, integration, now.timeIntervalSince1970])
            guard db.changesCount > 0 else { continue }  // the same update again
            if let last = package["last_event_at"] as Double?, at < last {
                if status == .unchanged { status = .stale }
                continue
            }
            try db.cachedStatement(sql: "UPDATE packages SET state = ?, last_event_at = ?, location = ?, detail = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [update.status.rawValue, at, update.location, update.detail, now.timeIntervalSince1970, id])
            if (package["state"] as String) != update.status.rawValue {
                status = .applied
                touched.append(package["order_id"])
            }
        }
        for orderID in Array(Set(touched)).sorted() {
            let states = try String.fetchAll(db, sql: "SELECT state FROM packages WHERE order_id = ?", arguments: [orderID])
            guard let target = orderState(packages: states) else { continue }
            var detail: [(String, JSONValue)] = [("tracking", .string(update.tracking)), ("status", .string(update.status.rawValue))]
            if let location = update.location { detail.append(("location", .string(location))) }
            if let text = update.detail { detail.append(("detail", .string(text))) }
            detail.append(("integration", .string(integration)))
            try transition(db, orderID: orderID, to: target, at: update.at, station: nil, person: nil, source: "tracking", detail: .object(detail))
        }
        return status
    }

    /// What an order's packages say of it: delivered when all are, an exception while any is,
    /// in transit when any has left with the carrier; nil while none has.
    static func orderState(packages states: [String]) -> OrderState? {
        if !states.isEmpty, states.allSatisfy({ $0 == "delivered" }) { return .delivered }
        if states.contains("exception") { return .exception }
        if states.contains("in_transit") || states.contains("delivered") { return .inTransit }
        return nil
    }
}
