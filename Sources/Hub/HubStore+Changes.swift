import Foundation
internal import GRDB
import PackCore

/// The queue as changes since a cursor (`GET /v1/orders/queue?since=CURSOR`), for the agent's
/// offline cache: after one full fetch it asks only for what changed.
///
/// Every write to an order (import, re-import with another status or station, packed) gives it
/// the next change number (`orders.change_seq`, kept by triggers so no write path can forget
/// it). A cursor is this hub database's identity and the last change number the station was
/// sent; a cursor of another database, of a future change, or unreadable gets a full answer.
extension HubStore {
    /// One page of the queue's changes.
    public struct QueueChanges: Sendable {
        /// Orders the station may pack (ready or on hold, not packed, its own or any station's),
        /// as their JSON text.
        public var orders: [String]
        /// Orders it may no longer pack, each with why (`cancelled`, `not_your_order`, `packed`)
        /// and its barcodes, so the cache refuses it offline as the hub would online.
        public var removed: [(id: String, reason: String, barcodes: [String])]
        /// What to send as `since` next time.
        public var cursor: String
        /// True: this answer starts from nothing (no cursor, or one the hub does not know), so
        /// orders cached earlier and not sent in this pass are no longer queued here.
        public var full: Bool
        /// True: more changes wait; ask again at once with `cursor`.
        public var more: Bool
    }

    /// The largest page `GET /v1/orders/queue?since=` serves.
    public static let maximumChangesPage = 5000

    /// The queue's changes for `station` after `cursor` (nil or unknown: a full answer), at
    /// most `limit` entries.
    public func queueChanges(since cursor: String?, for station: Station, limit: Int = 1000) async throws(HubError) -> QueueChanges {
        try await readAsync { db in
            let epoch = try String.fetchOne(db, sql: "SELECT epoch FROM hub_identity WHERE id = 1") ?? ""
            let latest = try Int64.fetchOne(db, sql: "SELECT MAX(change_seq) FROM orders") ?? 0
            let since = Self.parseCursor(cursor, epoch: epoch, latest: latest)
            let full = since == nil
            // A full answer skips what was packed or is another station's: the cache has never
            // seen those. Changes name them, so a cached copy is dropped or refused.
            let filter = full ? "AND packed_at IS NULL AND (station_id IS NULL OR station_id = ?)" : ""
            let arguments: StatementArguments = full ? [since ?? 0, station.id, limit + 1] : [since ?? 0, limit + 1]
            let rows = try Row.fetchAll(db, sql: """
                SELECT o.id, o.body, o.status, o.station_id, o.packed_at, o.change_seq,
                    (SELECT json_group_array(barcode) FROM order_barcodes WHERE order_id = o.id) AS barcodes
                FROM orders o WHERE change_seq > ? \(filter) ORDER BY change_seq LIMIT ?
                """, arguments: arguments)
            let more = rows.count > limit
            var page = QueueChanges(orders: [], removed: [], cursor: "", full: full, more: more)
            for row in rows.prefix(limit) {
                let owner: Int64? = row["station_id"]
                let status: String = row["status"]
                let reason: String? = if (row["packed_at"] as Double?) != nil || status == "packed" { "packed" }
                    else if let owner, owner != station.id { "not_your_order" }
                    else if status == "cancelled" { "cancelled" }
                    else { nil }
                if let reason {
                    let codes = (try? JSONParser.parse(row["barcodes"] as String? ?? "[]")).flatMap { v -> [String]? in
                        guard case .array(let items) = v else { return nil }
                        return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
                    } ?? []
                    page.removed.append((row["id"], reason, codes))
                } else {
                    page.orders.append(row["body"])
                }
            }
            let last: Int64 = more ? rows[limit - 1]["change_seq"] : latest
            page.cursor = "\(epoch)-\(max(last, since ?? 0))"
            return page
        }
    }

    /// The change number a cursor names, or nil when the hub does not know it (another
    /// database's, beyond the last change, unreadable): the caller then answers in full.
    static func parseCursor(_ cursor: String?, epoch: String, latest: Int64) -> Int64? {
        guard let cursor, let dash = cursor.lastIndex(of: "-"), cursor[..<dash] == epoch,
              let seq = Int64(cursor[cursor.index(after: dash)...]), seq >= 0, seq <= latest
        else { return nil }
        return seq
    }

    /// The change numbers (`orders.change_seq`), the triggers that keep them, and the hub's
    /// identity that cursors carry.
    static func migrateOrderChanges(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE orders ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
            UPDATE orders SET change_seq = rowid;
            CREATE INDEX orders_changes ON orders(change_seq);
            CREATE TABLE hub_identity (id INTEGER PRIMARY KEY CHECK (id = 1), epoch TEXT NOT NULL);
            INSERT INTO hub_identity (id, epoch) VALUES (1, lower(hex(randomblob(8))));
            CREATE TRIGGER orders_changed_on_insert AFTER INSERT ON orders BEGIN
                UPDATE orders SET change_seq = (SELECT MAX(change_seq) FROM orders) + 1 WHERE id = NEW.id;
            END;
            CREATE TRIGGER orders_changed_on_update AFTER UPDATE OF body, status, station_id, packed_at ON orders BEGIN
                UPDATE orders SET change_seq = (SELECT MAX(change_seq) FROM orders) + 1 WHERE id = NEW.id;
            END;
            """)
    }
}

extension HubStore.QueueChanges {
    /// The answer's JSON text (`orders` are the stored texts, not parsed again).
    public var jsonText: String {
        var text = "{\"orders\":[" + orders.joined(separator: ",") + "],\"removed\":["
        text += removed.map { r in
            JSONValue.object([("id", .string(r.id)), ("reason", .string(r.reason)), ("barcodes", .array(r.barcodes.map(JSONValue.string)))]).jsonText
        }.joined(separator: ",")
        text += "],\"cursor\":" + JSONValue.string(cursor).jsonText + ",\"full\":\(full),\"more\":\(more)}"
        return text
    }
}
