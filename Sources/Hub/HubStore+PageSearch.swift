import Foundation
internal import GRDB
import PackCore

extension HubStore {
    /// One order a search found.
    public struct OrderHit: Sendable, Hashable {
        public var id: String
        public var status: String
        public var packedAt: Date?
        public var station: String?
        public var customerName: String?
        public var customerEmail: String?
        public var tracking: [String]
        /// Why it matched: `id`, `barcode`, `tracking` or `customer`.
        public var matched: String
        /// The lifecycle state (docs/lifecycle.md).
        public var state: String = "ready"
    }

    /// The order system's tracking number in an order's document, as the expression index
    /// `orders_shipment_tracking` holds it: a query names it in these words to use the index.
    static let shipmentTracking = "json_extract(body, '$.shipment.tracking')"

    /// Migration "v5-hubperf-search-index": a search by tracking number is an index lookup, and a
    /// search by customer reads a narrow index of the names and e-mails lower-cased (SQLite's
    /// `lower`, ASCII letters, as the search always compared), kept by triggers on every write of
    /// an order's document, instead of parsing every order's JSON (100,000 orders: ~15 ms against
    /// ~250 ms of CPU, docs/benchmarks.md). Orders already stored are filled in here.
    static let searchIndexMigration = """
        CREATE INDEX orders_shipment_tracking ON orders(\(shipmentTracking));
        ALTER TABLE orders ADD COLUMN customer_name TEXT;
        ALTER TABLE orders ADD COLUMN customer_email TEXT;
        UPDATE orders SET \(customerColumns("body"));
        CREATE INDEX orders_customer_search ON orders(customer_name, customer_email, imported_at, id);
        CREATE TRIGGER orders_customer_on_insert AFTER INSERT ON orders BEGIN
            UPDATE orders SET \(customerColumns("NEW.body")) WHERE id = NEW.id;
        END;
        CREATE TRIGGER orders_customer_on_update AFTER UPDATE OF body ON orders BEGIN
            UPDATE orders SET \(customerColumns("NEW.body")) WHERE id = NEW.id;
        END;
        """

    private static func customerColumns(_ body: String) -> String {
        "customer_name = lower(json_extract(\(body), '$.customer.name')), customer_email = lower(json_extract(\(body), '$.customer.email'))"
    }

    /// The longest search accepted, in characters.
    public static let maximumSearchLength = 200

    /// Orders whose id is the text or starts with it, which a barcode opens, whose shipment has
    /// the tracking number, or whose customer's name or e-mail contains the text (any case of
    /// ASCII letters; from 2 characters): at most `limit`, exact matches first. Every value is
    /// a bound parameter; nothing of the text becomes SQL. Returns the hits and whether there
    /// were more.
    public func searchOrders(_ text: String, limit: Int = 50) async throws(HubError) -> (hits: [OrderHit], more: Bool) {
        let q = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !q.isEmpty else { return ([], false) }
        guard q.count <= Self.maximumSearchLength else {
            throw HubError(400, "search_too_long", "A search is at most \(Self.maximumSearchLength) characters; this one has \(q.count).")
        }
        return try await readAsync { db in
            var found: [(String, String)] = []
            var seen = Set<String>()
            func add(_ ids: [String], _ why: String) {
                for id in ids where found.count <= limit && seen.insert(id).inserted { found.append((id, why)) }
            }
            add(try String.fetchAll(db, sql: "SELECT id FROM orders WHERE id = ?", arguments: [q]), "id")
            add(try String.fetchAll(db, sql: "SELECT order_id FROM order_barcodes WHERE barcode = ? LIMIT ?", arguments: [q, limit + 1]), "barcode")
            // The order system's tracking number (the expression index orders_shipment_tracking),
            // then the packages' own numbers, given when their labels printed (packages_tracking).
            add(try String.fetchAll(db, sql: "SELECT id FROM orders WHERE \(Self.shipmentTracking) = ? ORDER BY id LIMIT ?", arguments: [q, limit + 1]), "tracking")
            add(try String.fetchAll(db, sql: "SELECT DISTINCT order_id FROM packages WHERE tracking = ? ORDER BY order_id LIMIT ?", arguments: [q, limit + 1]), "tracking")
            // A prefix of the id, walking the primary key (no LIKE: '%' and '_' are text here).
            add(try String.fetchAll(db, sql: "SELECT id FROM orders WHERE id > ? AND id < ? ORDER BY id LIMIT ?", arguments: [q, q + "\u{10FFFF}", limit + 1]), "id")
            if q.count >= 2, found.count <= limit {
                let lower = q.lowercased()
                add(try String.fetchAll(db, sql: """
                    SELECT id FROM orders INDEXED BY orders_customer_search
                    WHERE instr(customer_name, ?) > 0 OR instr(customer_email, ?) > 0
                    ORDER BY imported_at DESC, id LIMIT ?
                    """, arguments: [lower, lower, limit + 1]), "customer")
            }
            let more = found.count > limit
            let hits = try found.prefix(limit).compactMap { id, why -> OrderHit? in
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT o.id, o.status, o.state, o.packed_at, s.name AS station,
                           CAST(json_extract(o.body, '$.customer.name') AS TEXT) AS name, CAST(json_extract(o.body, '$.customer.email') AS TEXT) AS email,
                           CAST(json_extract(o.body, '$.shipment.tracking') AS TEXT) AS tracking
                    FROM orders o LEFT JOIN stations s ON s.id = o.station_id WHERE o.id = ?
                    """, arguments: [id]) else { return nil }
                let packed: Double? = row["packed_at"]
                let tracking: String? = row["tracking"]
                return OrderHit(id: row["id"], status: row["status"], packedAt: packed.map(Date.init(timeIntervalSince1970:)), station: row["station"],
                                customerName: row["name"], customerEmail: row["email"], tracking: tracking.map { [$0] } ?? [], matched: why, state: row["state"])
            }
            return (hits, more)
        }
    }
}
