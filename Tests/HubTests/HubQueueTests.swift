import Foundation
import GRDB
@testable import Hub
import PackCore
import Testing

/// Urgent first: the queue a station is served (`GET /v1/orders/queue`), the page and
/// `packstation-hub queue` list same_day, then express, then standard; within each the oldest
/// promised ship date (`ship_by`, none last), then import time.
@Suite struct HubQueueTests {
    static func order(_ id: String, priority: String?, shipBy: String?) -> String {
        var members = #""id":"\#(id)","status":"ready","payment":"captured""#
        if let priority { members += #","priority":"\#(priority)""# }
        if let shipBy { members += #","ship_by":"\#(shipBy)""# }
        return "{\(members),\"lines\":[{\"sku\":\"S-\(id)\",\"quantity\":1}]}"
    }

    /// (order id, priority or nil for the default, ship_by or nil), in import order: one second apart.
    static let imported: [(String, String?, String?)] = [
        ("std-late", "standard", "2026-12-09"),
        ("std-none", nil, nil),
        ("exp-none", "express", nil),
        ("std-early", "standard", "2026-12-01"),
        ("same-late", "same_day", "2026-12-05"),
        ("exp-early", "express", "2026-11-30"),
        ("same-none", "same_day", nil),
        ("same-early", "same_day", "2026-12-04"),
        ("exp-early-later-import", "express", "2026-11-30"),
        ("std-late-later-import", nil, "2026-12-09"),
    ]

    /// The queue the table above is served in.
    static let expected = [
        "same-early", "same-late", "same-none",
        "exp-early", "exp-early-later-import", "exp-none",
        "std-early", "std-late", "std-late-later-import", "std-none",
    ]

    static func importTable(into store: HubStore) throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for (n, (id, priority, shipBy)) in imported.enumerated() {
            let parsed = try OrderImport.parse(Array(order(id, priority: priority, shipBy: shipBy).utf8), name: "\(id).jsonl")
            _ = try store.importOrders(parsed, now: start.addingTimeInterval(Double(n)))
        }
    }

    @Test func theQueueIsMostUrgentFirstOnTheAPIThePageAndTheCLIListing() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try Self.importTable(into: hub.store)
        guard case .array(let served)? = await hub.call("GET", "/v1/orders/queue").json?["orders"] else {
            Issue.record("no queue")
            return
        }
        #expect(served.compactMap { $0["id"] } == Self.expected.map { .string($0) })
        let listed = try hub.store.listQueue(limit: 100)
        #expect(listed.compactMap { $0["id"] } == Self.expected.map { .string($0) })
        #expect(listed.first?["priority"] == "same_day" && listed.first?["ship_by"] == "2026-12-04" && listed.first?["station"] == .null)
        // Re-importing an order with another priority moves it; its import time stays.
        let raised = try OrderImport.parse(Array(Self.order("std-none", priority: "same_day", shipBy: "2026-12-01").utf8), name: "raise.jsonl")
        _ = try hub.store.importOrders(raised)
        #expect(try hub.store.listQueue(limit: 1).first?["id"] == "std-none")
        let page = await hub.call("GET", "/", token: .some(nil))
        let rows = page.text.components(separatedBy: "Queue, most urgent first").last ?? ""
        let firstRow = rows.range(of: "<td>std-none</td><td>same_day</td><td>2026-12-01</td><td>any</td>")
        #expect(firstRow != nil, "the page's queue starts with the raised order")
    }

    @Test func aStationIsServedItsOwnAndSharedOrdersInOneUrgentOrder() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        _ = try hub.store.addStation(name: "bench-2")
        _ = try hub.store.importOrders(OrderImport.parse(Array(Self.order("mine-std", priority: "standard", shipBy: "2026-11-01").utf8), name: "a.jsonl"), station: "bench-1")
        _ = try hub.store.importOrders(OrderImport.parse(Array(Self.order("other-same", priority: "same_day", shipBy: nil).utf8), name: "b.jsonl"), station: "bench-2")
        _ = try hub.store.importOrders(OrderImport.parse(Array(Self.order("any-exp", priority: "express", shipBy: nil).utf8), name: "c.jsonl"))
        #expect(try hub.store.listQueue(station: "bench-1", limit: 10).compactMap { $0["id"] } == ["any-exp", "mine-std"])
        #expect(try hub.store.listQueue(limit: 10).compactMap { $0["id"] } == ["other-same", "any-exp", "mine-std"])
        #expect(throws: HubError.self) { try hub.store.listQueue(station: "bench-9", limit: 10) }
    }

    /// At 100,000 queued orders (with statistics, as a long-running hub has them) SQLite still
    /// walks `orders_queue` in order and sorts nothing, so serving the head costs the rows returned.
    @Test func theQueueWalksItsIndexAtAHundredThousandOrders() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try await hub.store.pool.write { db in
            let insert = try db.makeStatement(sql: "INSERT INTO orders (id, body, status, imported_at, priority_rank, ship_by_key) VALUES (?, ?, 'ready', ?, ?, ?)")
            for n in 0..<100_000 {
                let rank = n % 3
                let day = String(format: "2026-12-%02d", 1 + n % 28)
                try insert.execute(arguments: ["O-\(n)", Self.order("O-\(n)", priority: ["same_day", "express", "standard"][rank], shipBy: day), Double(n), rank, day])
            }
            try db.execute(sql: "ANALYZE")
        }
        let plan = try hub.store.queuePlan(stationID: 1).joined(separator: "\n")
        #expect(plan.contains("USING INDEX orders_queue"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        let clock = ContinuousClock()
        let station = HubStore.Station(id: 1, name: "bench-1")
        var head: [String] = []
        let took = try await clock.measure { head = try await hub.store.queuedOrders(for: station, limit: 1000) }
        #expect(head.count == 1000)
        #expect(try JSONParser.parse(head[0])["priority"] == "same_day" && JSONParser.parse(head[0])["ship_by"] == "2026-12-01")
        print("queue head of 1000 from 100,000 queued orders: \(took)")
    }

    /// A database from before migration v3 gets each order's rank and ship-by date from its body.
    @Test func ordersImportedBeforeTheQueueHadItsColumnsAreRankedFromTheirBodies() throws {
        let dir = NSTemporaryDirectory() + "packstation-hub-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let store = try HubStore(path: dir + "/hub.sqlite")
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            for (n, (id, priority, shipBy)) in Self.imported.enumerated() {
                _ = try store.importOrders(OrderImport.parse(Array(Self.order(id, priority: priority, shipBy: shipBy).utf8), name: "o.jsonl"), now: start.addingTimeInterval(Double(n)))
            }
            try store.pool.write { db in
                try db.execute(sql: """
                    DROP INDEX orders_queue;
                    ALTER TABLE orders DROP COLUMN priority_rank;
                    ALTER TABLE orders DROP COLUMN ship_by_key;
                    DELETE FROM grdb_migrations WHERE identifier = 'v3';
                    """)
            }
        }
        let reopened = try HubStore(path: dir + "/hub.sqlite")
        #expect(try reopened.listQueue(limit: 100).compactMap { $0["id"] } == Self.expected.map { .string($0) })
    }

    /// ship_by in CSV: one more order column; a bad date names its line and column, nothing imported.
    @Test func shipByComesFromCSVAndABadDateIsNamed() throws {
        let header = "order_id,priority,ship_by,sku,quantity"
        let good = try OrderImport.parse(Array((header + "\n1,express,2026-12-04,MUG,1\n1,,,CARD,1\n2,,,PLATE,1\n").utf8), name: "w.csv").map(\.order)
        #expect(good.map(\.shipBy) == ["2026-12-04", nil])
        #expect(good.map(\.priority) == [.express, .standard])
        do {
            _ = try OrderImport.parse(Array((header + "\n1,express,04.12.2026,MUG,1\n2,,2026-12-05,PLATE,1\n2,,2026-12-06,CUP,1\n").utf8), name: "w.csv")
            Issue.record("a bad ship_by was imported")
        } catch {
            #expect(error.code == "bad_file")
            #expect(error.problems.map { "\($0.path): \($0.message)" } == [
                "line 4, column 3 (ship_by): is '2026-12-06' but line 3, the order's first row, says '2026-12-05'; an order's columns are the same on each of its rows (or empty after the first)",
                "line 2: ship_by: must be a calendar date written YYYY-MM-DD, such as \"2026-12-04\", found \"04.12.2026\"",
            ])
        }
    }
}
