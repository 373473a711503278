import Foundation
internal import GRDB
import PackCore

extension HubStore {
    /// What an import did.
    public struct ImportReport: Hashable, Sendable {
        /// Orders added.
        public var added = 0
        /// Orders replaced (same id, imported again).
        public var replaced = 0
    }

    /// Imports orders (already decoded and checked) with their JSON text, all or none; a barcode
    /// that would open two orders is refused. `station` queues them for one station only.
    public func importOrders(_ orders: [(order: Order, json: String)], station: String? = nil, now: Date = Date()) throws(HubError) -> ImportReport {
        try write { db in
            var stationID: Int64?
            if let station {
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM stations WHERE name = ?", arguments: [station]) else {
                    throw HubError(404, "unknown_station", "No station named '\(station)'; add it first with `packstation-hub station add \(station)`.")
                }
                stationID = id
            }
            var report = ImportReport()
            let rules = try Self.rulesInForce(db)   // HubStore+Rules.swift: the effective order is written below
            for (order, json) in orders {
                let previous = try Self.rulesState(db, order.id)   // HubStore+Rules.swift
                let existed = previous != nil
                try db.cachedStatement(sql: "DELETE FROM order_barcodes WHERE order_id = ?").execute(arguments: [order.id])
                try db.cachedStatement(
                    sql: """
                        INSERT INTO orders (id, body, status, station_id, imported_at, priority_rank, ship_by_key) VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET body = excluded.body, status = excluded.status, station_id = excluded.station_id,
                            priority_rank = excluded.priority_rank, ship_by_key = excluded.ship_by_key
                        """)
                    .execute(arguments: [order.id, json, order.status.rawValue, stationID, now.timeIntervalSince1970, order.priority.urgencyRank, order.shipBy ?? Self.noShipBy])
                for code in Set([order.id] + order.barcodes) {
                    if let other = try String.fetchOne(db.cachedStatement(sql: "SELECT order_id FROM order_barcodes WHERE barcode = ?"), arguments: [code]), other != order.id {
                        throw HubError(409, "barcode_conflict", "Barcode '\(code)' would open both order \(other) and order \(order.id); nothing was imported.")
                    }
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO order_barcodes (barcode, order_id) VALUES (?, ?)").execute(arguments: [code, order.id])
                }
                // A re-import of the same document for the same station changes nothing: no order.updated.
                let unchanged = previous.map { $0.importStation == stationID && Self.sameDocument($0.imported, json) } ?? false
                try Self.imported(db, order: order, previousStatus: previous?.importedStatus, unchanged: unchanged, station: station, at: now)
                try Self.evaluateRules(db, rules, orderID: order.id, imported: (json, order, stationID), previous: .some(previous), trigger: "import", now: now)
                if existed { report.replaced += 1 } else { report.added += 1 }
            }
            return report
        }
    }

    /// The order's JSON text for any of its barcodes (or its id), when the station may pack it:
    /// an order queued for another station is refused (403 `not_your_order`, without naming
    /// it), a cancelled one too (409 `order_cancelled`); an order on hold is returned (the
    /// pack session shows it on hold and a supervisor may override).
    public func lookupOrder(barcode: String, for station: Station) async throws(HubError) -> String {
        let found: (id: String, body: String, status: String, station: Int64?)? = try await readAsync { db in
            let row = try Row.fetchOne(db, sql: "SELECT o.id, o.body, o.status, o.station_id FROM order_barcodes b JOIN orders o ON o.id = b.order_id WHERE b.barcode = ?", arguments: [barcode])
                ?? Row.fetchOne(db, sql: "SELECT id, body, status, station_id FROM orders WHERE id = ?", arguments: [barcode])
            return row.map { ($0["id"], $0["body"], $0["status"], $0["station_id"]) }
        }
        guard let found else {
            throw HubError(404, "unknown_order", "No order is opened by barcode '\(barcode)'; check the pick list, or import the order on the hub.")
        }
        if let owner = found.station, owner != station.id {
            throw HubError(403, "not_your_order", "Order \(found.id) is queued for another station; do not pack it here. Put it aside for a supervisor.")
        }
        if found.status == "cancelled" {
            throw HubError(409, "order_cancelled", "Order \(found.id) is cancelled; do not pack it. Put it aside for a supervisor.")
        }
        return found.body
    }

    /// The queue's order: same day, then express, then standard; within each the oldest
    /// promised ship date first (orders without one last), then import time. `orders_queue`
    /// (migration v3) is this order, so SQLite walks the index and sorts nothing.
    static let queueOrder = "ORDER BY priority_rank, ship_by_key, imported_at, id"

    /// The queue's query for one station (argument: the station's id, then the limit).
    static let queueSQL = "SELECT body FROM orders WHERE status = 'ready' AND packed_at IS NULL AND (station_id IS NULL OR station_id = ?) \(queueOrder) LIMIT ?"

    /// Orders ready to pack and not packed yet, queued for this station or for any station,
    /// most urgent first (`queueOrder`).
    public func queuedOrders(for station: Station, limit: Int = 1000) async throws(HubError) -> [String] {
        try await readAsync { db in
            try String.fetchAll(db, sql: Self.queueSQL, arguments: [station.id, limit])
        }
    }
}

/// Reads order files for `packstation-hub import`: JSON lines (one order per line), one JSON
/// array, one JSON object, or CSV (one row per order line).
public enum OrderImport {
    /// The orders in a file, each validated; any bad one fails the whole file with every problem listed.
    public static func parse(_ bytes: [UInt8], name: String) throws(HubError) -> [(order: Order, json: String)] {
        let text = String(decoding: bytes, as: UTF8.self)
        if name.lowercased().hasSuffix(".csv") { return try parseCSV(text, name: name) }
        var documents: [(line: Int, JSONValue)] = []
        var problems: [OrderError.Problem] = []
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.first == "[" {
            let parsed: JSONValue
            do { parsed = try JSONParser.parse(String(trimmed)) } catch {
                throw HubError(400, "bad_file", "\(name): not valid JSON (\(error)); nothing was imported.")
            }
            guard case .array(let all) = parsed else { throw HubError(400, "bad_file", "\(name): expected an array of orders.") }
            documents = all.enumerated().map { ($0.offset + 1, $0.element) }
        } else if trimmed.first == "{", let whole = try? JSONParser.parse(String(trimmed)) {
            // One order written as a (pretty-printed) JSON object, as the agent's order files are.
            documents = [(1, whole)]
        } else {
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.allSatisfy(\.isWhitespace) {
                do { documents.append((i + 1, try JSONParser.parse(String(line)))) } catch {
                    problems.append(.init(path: "line \(i + 1)", message: "not valid JSON: \(error)"))
                }
            }
        }
        var orders: [(Order, String)] = []
        var seen: Set<String> = []
        for (line, document) in documents {
            do {
                let order = try Order.decode(from: document)
                if !seen.insert(order.id).inserted { problems.append(.init(path: "line \(line)", message: "order \(order.id) appears twice")) }
                orders.append((order, document.jsonText))
            } catch {
                problems += error.problems.map { .init(path: "line \(line): \($0.path)", message: $0.message) }
            }
        }
        guard problems.isEmpty else {
            throw HubError(400, "bad_file", "\(name): \(problems.count) problem(s); nothing was imported.", problems: problems)
        }
        return orders
    }
}
