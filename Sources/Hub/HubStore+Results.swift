import Foundation
internal import GRDB
import PackCore

extension HubStore {
    /// How each item of a batch was taken.
    public struct BatchOutcome: Sendable {
        /// Per item, in order: its key and `stored` or `duplicate`.
        public var items: [(key: String, status: String)]
    }

    /// Stores a batch in one transaction, all or nothing. Item by item, in order: a key this
    /// station already used is a `duplicate` when the item is the same (same digest) and refused
    /// with 409 `key_reused` when it is not; then the item must be the station's to report
    /// (`authorize`). The first refused item refuses the whole batch, naming its index. A pack
    /// result that completes an order marks it packed.
    public func store(_ batch: ResultBatch, from station: Station, now: Date = Date()) async throws(HubError) -> BatchOutcome {
        let items = batch.items
        return try await writeAsync { db in
            var out: [(String, String)] = []
            out.reserveCapacity(items.count)
            let existing = try db.cachedStatement(sql: "SELECT body_sha256 FROM results WHERE station_id = ? AND key = ?")
            let insert = try db.cachedStatement(sql: "INSERT INTO results (key, station_id, type, order_id, body, body_sha256, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
            let pack = try db.cachedStatement(sql: "UPDATE orders SET packed_at = ?, packed_outcome = ? WHERE id = ? AND packed_at IS NULL")
            for (i, item) in items.enumerated() {
                if let digest = try String.fetchOne(existing, arguments: [station.id, item.key]) {
                    guard digest == item.digest else {
                        throw HubError(409, "key_reused", "Item \(i): this station already sent a different result under key '\(item.key)' (before, or earlier in this batch); nothing in the batch was stored. Each result needs a key of its own: the agent keeps this entry aside for the admin to look at (`packstation sync status`).", item: i)
                    }
                    out.append((item.key, "duplicate"))
                    continue
                }
                try Self.authorize(item, index: i, station: station, db: db)
                try insert.execute(arguments: [item.key, station.id, item.type, item.orderID, item.body, item.digest, now.timeIntervalSince1970])
                out.append((item.key, "stored"))
                if item.type == "load_scan" { try Self.recordLoadScan(item, resultID: db.lastInsertedRowID, station: station, db: db) }
                if let outcome = item.outcome, outcome == "packed" || outcome == "short_shipped", let id = item.orderID {
                    try pack.execute(arguments: [now.timeIntervalSince1970, outcome, id])
                }
                try Self.resultStored(db, item, station: station, now: now)
            }
            try db.execute(sql: "UPDATE stations SET last_seen = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, station.id])
            return BatchOutcome(items: out)
        }
    }

    /// The contract of docs/sync.md ("Authorization") for one item not seen before: a pack result
    /// names the token's station and an order of this station (or of none) that is neither
    /// cancelled nor on hold without a supervisor override, and that closes an order a rule
    /// requires a supervisor for only with the supervisor's approval; an event may name any order
    /// but another station's. Messages never name another station.
    static func authorize(_ item: ResultBatch.Item, index i: Int, station: Station, db: Database) throws {
        let order = try item.orderID.flatMap { id in
            // `rules.supervisor` of the effective order (docs/rules.md), read out of the body by
            // SQLite in the same statement: no order document is decoded in Swift per result.
            try Row.fetchOne(db, sql: "SELECT status, station_id, json_extract(body, '$.rules.supervisor') AS supervisor FROM orders WHERE id = ?", arguments: [id]).map {
                (id: id, status: $0["status"] as String, station: $0["station_id"] as Int64?, supervisor: $0["supervisor"] as String?)
            }
        }
        let nothing = "nothing in the batch was stored"
        if item.type == "load_scan" {
            // The dock loads every station's packages: only the scanning station is checked.
            guard item.loadScan?.station == station.name else {
                throw HubError(403, "station_mismatch", "Item \(i): the load scan's station is not '\(station.name)', the station this token belongs to; \(nothing). Set the agent's station.name to '\(station.name)', or give it that station's own token.", item: i)
            }
            return
        }
        if item.type == "pack_result" {
            guard item.station == station.name else {
                throw HubError(403, "station_mismatch", "Item \(i): the result's station is not '\(station.name)', the station this token belongs to; \(nothing). Set the agent's station.name to '\(station.name)', or give it that station's own token.", item: i)
            }
            guard let order else {
                throw HubError(409, "unknown_order", "Item \(i) is a pack result for order \(item.orderID ?? "null"), which is not on this hub; \(nothing). Import the order first (`packstation-hub import`), or check the order id.", item: i)
            }
            if let owner = order.station, owner != station.id {
                throw notYours(order.id, index: i)
            }
            if order.status == "cancelled" {
                throw HubError(409, "order_cancelled", "Item \(i) is a pack result for order \(order.id), which is cancelled; \(nothing). Do not ship it: put the parcel aside and tell a supervisor.", item: i)
            }
            if order.status == "on_hold", !item.overrides.contains("on_hold") {
                throw HubError(409, "order_on_hold", "Item \(i) is a pack result for order \(order.id), which is on hold, and records no supervisor override; \(nothing). Release the hold first, or have a supervisor override it at the bench (badge scan).", item: i)
            }
            // A result that closes the order (not a snapshot, not an abandon) must carry the
            // approval the bench records when a rule requires a supervisor: a station that skips
            // it (an old agent, or one that lies) does not get the order marked packed.
            if let reason = order.supervisor, item.outcome == "packed" || item.outcome == "short_shipped", !item.overrides.contains("supervisor_approval") {
                throw HubError(409, "supervisor_approval_missing", "Item \(i) is a pack result that closes order \(order.id), which a hub rule requires a supervisor for (\(reason)), and records no supervisor approval (`override.reasons` without `supervisor_approval`); \(nothing). A supervisor must scan their badge at the bench before the box closes; an agent that does not know rules' supervisor requirement must be updated.", item: i)
            }
        } else if let order, let owner = order.station, owner != station.id {
            throw notYours(order.id, index: i)
        }
    }

    static func notYours(_ id: String, index i: Int) -> HubError {
        HubError(403, "not_your_order", "Item \(i) is for order \(id), which is queued for another station; nothing in the batch was stored. Only the station an order is queued for may report it; check which station packed it.", item: i)
    }
}
