import Foundation
internal import GRDB
import PackCore

extension HubStore {
    /// How each item of a batch was taken.
    public struct BatchOutcome: Sendable {
        /// Per item, in order: its key and `stored` or `duplicate`.
        public var items: [(key: String, status: String)]
    }

    /// Stores a batch in one transaction: each key at most once ever; a pack result that
    /// completes an order marks it packed.
    public func store(_ batch: ResultBatch, from station: Station, now: Date = Date()) async throws(HubError) -> BatchOutcome {
        let items = batch.items
        return try await writeAsync { db in
            var out: [(String, String)] = []
            out.reserveCapacity(items.count)
            let insert = try db.cachedStatement(sql: "INSERT INTO results (key, station_id, type, order_id, body, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING")
            let pack = try db.cachedStatement(sql: "UPDATE orders SET packed_at = ?, packed_outcome = ? WHERE id = ? AND packed_at IS NULL")
            for item in items {
                try insert.execute(arguments: [item.key, station.id, item.type, item.orderID, item.body, now.timeIntervalSince1970])
                let stored = db.changesCount > 0
                out.append((item.key, stored ? "stored" : "duplicate"))
                if stored, let outcome = item.outcome, outcome == "packed" || outcome == "short_shipped", let id = item.orderID {
                    try pack.execute(arguments: [now.timeIntervalSince1970, outcome, id])
                }
            }
            try db.execute(sql: "UPDATE stations SET last_seen = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, station.id])
            return BatchOutcome(items: out)
        }
    }
}
