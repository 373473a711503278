import Foundation
internal import GRDB
import PackCore

/// The prefetch's side of the order cache: applying the server's queue changes, the cursor,
/// and the bound on the cache's size.
extension Journal {
    /// What applying one page did.
    public struct CacheUpdate: Hashable, Sendable {
        /// Orders stored or refreshed.
        public var cached = 0
        /// Orders turned into refusals or marked packed.
        public var removed = 0
        /// Orders dropped because a full pass no longer lists them.
        public var dropped = 0
        /// Orders evicted to keep the cache within its bound.
        public var evicted = 0
        /// Documents that are not orders (skipped, with why).
        public var bad: [String] = []
    }

    /// The cursor to send as `since` (nil: never fetched, or the last pass is unfinished) and
    /// when the last fetch finished.
    public func prefetchState() throws(SyncError) -> (cursor: String?, lastSuccessAt: Date?) {
        try read { db in
            let row = try Row.fetchOne(db, sql: "SELECT cursor, last_success_at FROM order_prefetch WHERE id = 1")
            return (row?["cursor"], (row?["last_success_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
    }

    /// The cache as the kiosk shows it: orders that can be packed from it, and when it was
    /// last brought up to date (nil: never).
    public func cacheSummary() throws(SyncError) -> (orders: Int, updatedAt: Date?) {
        let open = try cachedOrderCounts().open
        return (open, try prefetchState().lastSuccessAt)
    }

    /// Applies one page of the server's queue changes in one transaction: orders stored,
    /// removals kept as refusals (or marked packed), the cursor advanced; at the end of a full
    /// pass, orders the pass did not list are dropped; then the cache is cut to `maximum`
    /// entries, packed and refused ones first, then the oldest fetched.
    @discardableResult
    public func applyQueueChanges(_ page: QueueChangesPage, maximum: Int, at now: Date = Date()) throws(SyncError) -> CacheUpdate {
        let (good, bad) = Self.decode(page.orders)
        var update = CacheUpdate()
        update.bad = bad.map(\.description)
        try write { db in
            var pass = try Int.fetchOne(db, sql: "SELECT pass FROM order_prefetch WHERE id = 1") ?? 0
            if page.full {
                pass += 1
                try db.execute(sql: "UPDATE order_prefetch SET pass = ?, full_pass_open = 1", arguments: [pass])
            }
            for (order, text) in good { try Self.store(order, text: text, pass: pass, at: now, db) }
            update.cached = good.count
            for removal in page.removed {
                update.removed += try Self.remove(removal, pass: pass, at: now, db)
            }
            // A pass is only trusted whole: its cursor is kept for the next page, and marked
            // finished (with the time the kiosk shows) on its last page.
            try db.execute(sql: "UPDATE order_prefetch SET cursor = ?", arguments: [page.cursor])
            if !page.more {
                if try Bool.fetchOne(db, sql: "SELECT full_pass_open FROM order_prefetch WHERE id = 1") == true {
                    let stale = try String.fetchAll(db, sql: "SELECT id FROM order_cache WHERE pass < ? AND packed = 0", arguments: [pass])
                    try Self.delete(stale, db)
                    update.dropped = stale.count
                }
                try db.execute(sql: "UPDATE order_prefetch SET full_pass_open = 0, last_success_at = ?", arguments: [now.timeIntervalSince1970])
            }
            update.evicted = try Self.evict(maximum: maximum, db)
        }
        return update
    }

    private static func remove(_ removal: QueueChangesPage.Removal, pass: Int, at now: Date, _ db: Database) throws -> Int {
        let cached = try Int.fetchOne(db, sql: "SELECT 1 FROM order_cache WHERE id = ?", arguments: [removal.id]) != nil
        switch removal.reason {
        case "packed":
            // Packed elsewhere: it opens as already packed (a supervisor may override), as here.
            try db.execute(sql: "UPDATE order_cache SET packed = 1, pass = ? WHERE id = ?", arguments: [pass, removal.id])
            return db.changesCount
        default:
            let code = removal.reason == "cancelled" ? "order_cancelled" : "not_your_order"
            // An order of another station this one never had is not worth a row.
            guard cached || code == "order_cancelled" else { return 0 }
            // The body's status says it too, so nothing that lists ready cached orders (the
            // kiosk's "what comes next") shows it.
            let status = refusalStatus(code)
            try db.execute(
                sql: """
                    INSERT INTO order_cache (id, body, fetched_at, pass, refusal_code, refusal_message) VALUES (?, json_object('id', ?, 'status', ?), ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET refusal_code = excluded.refusal_code, refusal_message = excluded.refusal_message,
                        body = json_set(order_cache.body, '$.status', ?), fetched_at = excluded.fetched_at, pass = excluded.pass
                    """,
                arguments: [removal.id, removal.id, status, now.timeIntervalSince1970, pass, code, refusalMessage(code: code, orderID: removal.id), status])
            try link(orderID: removal.id, barcodes: removal.barcodes, db)
            return 1
        }
    }

    private static func delete(_ ids: [String], _ db: Database) throws {
        for id in ids {
            try db.execute(sql: "DELETE FROM order_cache_barcodes WHERE order_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM order_cache WHERE id = ?", arguments: [id])
        }
    }

    /// Cuts the cache to `maximum` orders: packed ones first, then refusals, then the oldest fetched.
    private static func evict(maximum: Int, _ db: Database) throws -> Int {
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM order_cache") ?? 0
        guard count > maximum else { return 0 }
        let victims = try String.fetchAll(db, sql: """
            SELECT id FROM order_cache ORDER BY packed DESC, (refusal_code IS NOT NULL) DESC, fetched_at, id LIMIT ?
            """, arguments: [count - maximum])
        try delete(victims, db)
        return victims.count
    }
}
