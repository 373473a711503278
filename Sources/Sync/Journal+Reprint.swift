import Foundation
internal import GRDB
import PackCore

/// What `CMD:REPRINT` and `CMD:VOID` print, kept per bench so they still work after a restart:
/// the last finished order (its document, copied from the order cache when it came from the
/// server), its package labels, and the last label printed.
public struct ReprintRecord: Hashable, Sendable {
    /// The order's id.
    public var orderID: String
    /// The order's JSON document, when the cache had it (else the orders file has the order).
    public var orderBody: String?
    /// Every package label of the order, as `CMD:REPRINT` prints them.
    public var labels: [PackageLabel]
    /// The last label printed, as `CMD:VOID` replaces it.
    public var lastLabel: PackageLabel?

    /// Creates a record.
    public init(orderID: String, orderBody: String? = nil, labels: [PackageLabel], lastLabel: PackageLabel?) {
        self.orderID = orderID
        self.orderBody = orderBody
        self.labels = labels
        self.lastLabel = lastLabel
    }
}

extension Journal {
    /// Stores a bench's reprint memory inside a result's transaction; the order's document is
    /// copied from the order cache (the cache may drop it later, the memory keeps it).
    static func rememberReprint(_ record: ReprintRecord, bench: String, at now: Date, _ db: Database) throws {
        let body = try record.orderBody ?? String.fetchOne(db, sql: "SELECT body FROM order_cache WHERE id = ?", arguments: [record.orderID])
        try db.execute(
            sql: "INSERT OR REPLACE INTO bench_reprint (bench, order_id, order_body, labels, last_label, at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [bench, record.orderID, body, JSONValue.array(record.labels.map(\.json)).jsonText, record.lastLabel.map(\.json.jsonText), now.timeIntervalSince1970])
    }

    /// The bench's reprint memory, if it finished an order with labels since its journal began.
    /// A row that no longer reads (hand-edited) is nil: nothing to reprint beats a wrong label.
    public func reprintRecord(bench: String) throws(SyncError) -> ReprintRecord? {
        let row = try read { db in try Row.fetchOne(db, sql: "SELECT * FROM bench_reprint WHERE bench = ?", arguments: [bench]) }
        guard let row, let labels = Self.labels(row["labels"] as String), !labels.isEmpty else { return nil }
        let last = (row["last_label"] as String?).flatMap { Self.labels("[" + $0 + "]")?.first }
        return ReprintRecord(orderID: row["order_id"], orderBody: row["order_body"], labels: labels, lastLabel: last)
    }

    private static func labels(_ text: String) -> [PackageLabel]? {
        guard case .array(let items)? = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        var labels: [PackageLabel] = []
        for item in items {
            guard let package = item["package"]?.wholeNumber, let packages = item["packages"]?.wholeNumber else { return nil }
            labels.append(PackageLabel(package: package, packages: packages, weightGrams: item["weight_g"]?.wholeNumber, reprint: item["reprint"] == .bool(true)))
        }
        return labels
    }
}
