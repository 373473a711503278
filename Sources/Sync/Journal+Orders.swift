import Foundation
internal import GRDB
import PackCore

extension Journal {
    /// Stores orders fetched from the server (the prefetch for offline packing), replacing
    /// earlier copies. Each document must decode as an order; the ones that do not are returned.
    @discardableResult
    public func cacheOrders(_ documents: [JSONValue], at now: Date = Date()) throws(SyncError) -> [OrderError] {
        var good: [(Order, String)] = []
        var bad: [OrderError] = []
        for document in documents {
            do { good.append((try Order.decode(from: document), document.jsonText)) } catch { bad.append(error) }
        }
        try write { db in
            for (order, text) in good {
                try db.execute(sql: "DELETE FROM order_cache_barcodes WHERE order_id = ?", arguments: [order.id])
                try db.execute(
                    sql: "INSERT INTO order_cache (id, body, fetched_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at",
                    arguments: [order.id, text, now.timeIntervalSince1970])
                for code in Set([order.id] + order.barcodes) {
                    try db.execute(sql: "INSERT OR REPLACE INTO order_cache_barcodes (barcode, order_id) VALUES (?, ?)", arguments: [code, order.id])
                }
            }
        }
        return bad
    }

    /// The cached order opened by this barcode (its id or any of its barcodes), for offline packing.
    public func cachedOrder(barcode: String) throws(SyncError) -> Order? {
        let text: String? = try read { db in
            try String.fetchOne(db, sql: "SELECT o.body FROM order_cache_barcodes b JOIN order_cache o ON o.id = b.order_id WHERE b.barcode = ?", arguments: [barcode])
        }
        guard let text else { return nil }
        return try? Order.decode(from: Array(text.utf8))
    }

    /// Drops the cached order this barcode opens (the server refused it to this station), so an
    /// outage later cannot open it from the cache.
    public func forgetCachedOrder(barcode: String) throws(SyncError) {
        try write { db in
            guard let id = try String.fetchOne(db, sql: "SELECT order_id FROM order_cache_barcodes WHERE barcode = ?", arguments: [barcode]) else { return }
            try db.execute(sql: "DELETE FROM order_cache_barcodes WHERE order_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM order_cache WHERE id = ?", arguments: [id])
        }
    }

    /// How many orders are cached, and how many of them are not packed yet.
    public func cachedOrderCounts() throws(SyncError) -> (total: Int, open: Int) {
        try read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM order_cache") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM order_cache WHERE packed = 0") ?? 0)
        }
    }
}
