import Foundation
internal import GRDB
import PackCore

/// The order cache: the orders this station may pack, fetched ahead from the server so packing
/// goes on when it cannot be reached. Orders the server no longer lets this station pack
/// (cancelled, moved to another station) stay as refusals, so an outage cannot open them.
extension Journal {
    /// What the cache says about a barcode.
    public enum CachedAnswer: Sendable {
        /// The order (status `packed` when it was packed here or elsewhere).
        case order(Order)
        /// The server refused it to this station: its code (`order_cancelled`, `not_your_order`)
        /// and the sentence for the packer.
        case refused(code: String, message: String)
    }

    /// The server's sentence for an order it refuses, by code, as the hub says it online.
    static func refusalMessage(code: String, orderID: String) -> String {
        code == "order_cancelled"
            ? "Order \(orderID) is cancelled; do not pack it. Put it aside for a supervisor."
            : "Order \(orderID) is queued for another station; do not pack it. Put it aside for a supervisor."
    }

    /// The status a refused order's cached body carries (it is never decoded as an order).
    static func refusalStatus(_ code: String) -> String { code == "order_cancelled" ? "cancelled" : "other_station" }

    /// Stores orders fetched from the server (a lookup, or `packstation sync prefetch`),
    /// replacing earlier copies and any refusal. Each document must decode as an order; the
    /// ones that do not are returned.
    @discardableResult
    public func cacheOrders(_ documents: [JSONValue], at now: Date = Date()) throws(SyncError) -> [OrderError] {
        let (good, bad) = Self.decode(documents)
        try write { db in
            let pass = try Int.fetchOne(db, sql: "SELECT pass FROM order_prefetch WHERE id = 1") ?? 0
            for (order, text) in good { try Self.store(order, text: text, pass: pass, at: now, db) }
        }
        return bad
    }

    static func decode(_ documents: [JSONValue]) -> (good: [(Order, String)], bad: [OrderError]) {
        var good: [(Order, String)] = []
        var bad: [OrderError] = []
        for document in documents {
            do { good.append((try Order.decode(from: document), document.jsonText)) } catch { bad.append(error) }
        }
        return (good, bad)
    }

    static func store(_ order: Order, text: String, pass: Int, at now: Date, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM order_cache_barcodes WHERE order_id = ?", arguments: [order.id])
        try db.execute(
            sql: """
                INSERT INTO order_cache (id, body, fetched_at, pass) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET
                    body = excluded.body, fetched_at = excluded.fetched_at, pass = excluded.pass, refusal_code = NULL, refusal_message = NULL
                """,
            arguments: [order.id, text, now.timeIntervalSince1970, pass])
        try link(orderID: order.id, barcodes: order.barcodes, db)
    }

    static func link(orderID: String, barcodes: [String], _ db: Database) throws {
        for code in Set([orderID] + barcodes) {
            try db.execute(sql: "INSERT OR REPLACE INTO order_cache_barcodes (barcode, order_id) VALUES (?, ?)", arguments: [code, orderID])
        }
    }

    /// What the cache holds for this barcode (an order's id or any of its barcodes), for
    /// offline packing: the order, its refusal, or nil when it is not on this box.
    public func cachedAnswer(barcode: String) throws(SyncError) -> CachedAnswer? {
        let row: (id: String, body: String, packed: Bool, code: String?, message: String?)? = try read { db in
            try Row.fetchOne(db, sql: """
                SELECT o.id, o.body, o.packed, o.refusal_code, o.refusal_message FROM order_cache_barcodes b
                JOIN order_cache o ON o.id = b.order_id WHERE b.barcode = ?
                """, arguments: [barcode]).map { ($0["id"], $0["body"], $0["packed"], $0["refusal_code"], $0["refusal_message"]) }
        }
        guard let row else { return nil }
        if let code = row.code { return .refused(code: code, message: row.message ?? Self.refusalMessage(code: code, orderID: row.id)) }
        guard var order = try? Order.decode(from: Array(row.body.utf8)) else { return nil }
        if row.packed, order.status == .ready { order.status = .packed }
        return .order(order)
    }

    /// The cached order opened by this barcode, when it is cached and not refused.
    public func cachedOrder(barcode: String) throws(SyncError) -> Order? {
        if case .order(let order)? = try cachedAnswer(barcode: barcode) { return order }
        return nil
    }

    /// Keeps the server's refusal of the order this barcode opens (another station's,
    /// cancelled), so an outage later cannot open it from the cache.
    public func rememberRefusal(barcode: String, code: String, message: String) throws(SyncError) {
        try write { db in
            guard let id = try String.fetchOne(db, sql: "SELECT order_id FROM order_cache_barcodes WHERE barcode = ?", arguments: [barcode]) else { return }
            try db.execute(
                sql: "UPDATE order_cache SET refusal_code = ?, refusal_message = ?, body = json_set(body, '$.status', ?) WHERE id = ?",
                arguments: [code, message, Self.refusalStatus(code), id])
        }
    }

    /// How many orders are cached, and how many of them are not packed yet.
    public func cachedOrderCounts() throws(SyncError) -> (total: Int, open: Int) {
        try read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM order_cache WHERE refusal_code IS NULL") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM order_cache WHERE packed = 0 AND refusal_code IS NULL") ?? 0)
        }
    }

    /// The cache's columns for refusals and full-fetch passes, and the prefetch's cursor.
    static func migrateOrderCache(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE order_cache ADD COLUMN refusal_code TEXT;
            ALTER TABLE order_cache ADD COLUMN refusal_message TEXT;
            ALTER TABLE order_cache ADD COLUMN pass INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE order_prefetch (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                cursor TEXT,
                pass INTEGER NOT NULL DEFAULT 0,
                full_pass_open INTEGER NOT NULL DEFAULT 0,
                last_success_at REAL);
            INSERT INTO order_prefetch (id) VALUES (1);
            """)
    }
}
