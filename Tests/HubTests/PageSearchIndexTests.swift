import Foundation
import GRDB
@testable import Hub
import PackCore
import Testing

/// The search's indexes (migration "v5-hubperf-search-index"): a tracking number is looked up in
/// an index, the customer's name and e-mail are kept lower-cased beside each order on every write
/// of its document, and a hub migrated with orders already stored finds them as before.
@Suite struct PageSearchIndexTests {
    @Test func aSearchByTrackingNumberIsAnIndexLookup() throws {
        let hub = try PageSearchTests.hub()
        defer { hub.remove() }
        let queue = try DatabaseQueue(path: hub.store.path)
        defer { try? queue.close() }
        let plans = try queue.read { db in
            [try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id FROM orders WHERE \(HubStore.shipmentTracking) = ? ORDER BY id LIMIT 51", arguments: ["x"]),
             // The dock's question about an extra scan (HubStore+Loads.swift).
             try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id FROM orders WHERE packed_at IS NULL AND \(HubStore.shipmentTracking) = ? LIMIT 1", arguments: ["x"])]
                .map { rows in rows.map { $0["detail"] as String }.joined(separator: " | ") }
        }
        for plan in plans { #expect(plan.contains("USING INDEX orders_shipment_tracking"), "\(plan)") }
    }

    @Test func aPackagesOwnTrackingNumberFindsItsOrderOnceItsLabelPrinted() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubDockLoadTests.order("3001", carrier: "DHL", packages: 2)
            .replacingOccurrences(of: #""packages":2"#, with: #""packages":2,"package_tracking":["JD-A","JD-B"]"#))
        let at = HubStore.timestamp(Date().timeIntervalSince1970 + 1)
        let label = #"{"items":[{"key":"e-3001","type":"event","order_id":"3001","body":{"kind":"label_printed","order_id":"3001","at":"\#(at)","data":{"printer":"zebra-1"}}}]}"#
        #expect(await hub.call("POST", "/v1/results", body: HubFixture.batch(["3001"])).status == 200)
        #expect(await hub.call("POST", "/v1/results", body: label).status == 200)
        for tracking in ["JD-A", "JD-B"] {
            let found = try await hub.store.searchOrders(tracking)
            #expect(found.hits.map(\.id) == ["3001"] && found.hits.first?.matched == "tracking", "\(tracking): \(found.hits)")
        }
        let page = await hub.call("GET", "/", query: ["q": "JD-B"])
        #expect(page.text.contains(#"data-matched="tracking""#) && page.text.contains("3001"))
    }

    @Test func theCustomerFollowsEveryWriteOfTheOrdersDocument() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(PageSearchTests.order("4001", name: "Ana Ruiz", email: "ana@example.es"))
        #expect(try await hub.store.searchOrders("ana ruiz").hits.map(\.id) == ["4001"])
        // The order system sends the order again with another customer: the old one no longer finds it.
        try hub.importOrders(PageSearchTests.order("4001", name: "Berta Gil", email: "BERTA@Example.ES"))
        #expect(try await hub.store.searchOrders("ana ruiz").hits.isEmpty)
        #expect(try await hub.store.searchOrders("ana@example").hits.isEmpty)
        #expect(try await hub.store.searchOrders("berta@example.es").hits.map(\.id) == ["4001"])
        #expect(try await hub.store.searchOrders("GIL").hits.map(\.matched) == ["customer"])
        // No customer at all: nothing to find, nothing found by the text of another field.
        try hub.importOrders(PageSearchTests.order("4001"))
        #expect(try await hub.store.searchOrders("berta").hits.isEmpty)
        #expect(try await hub.store.searchOrders("captured").hits.isEmpty, "the document's other text is not the customer")
    }

    @Test func ordersStoredBeforeTheMigrationAreFoundAfterIt() async throws {
        let hub = try PageSearchTests.hub()
        defer { hub.remove() }
        // The database as it was before "v5-hubperf-search-index": no columns, no index, no triggers.
        let queue = try DatabaseQueue(path: hub.store.path)
        try await queue.write { db in
            try db.execute(sql: """
                DROP TRIGGER orders_customer_on_insert;
                DROP TRIGGER orders_customer_on_update;
                DROP INDEX orders_customer_search;
                DROP INDEX orders_shipment_tracking;
                ALTER TABLE orders DROP COLUMN customer_name;
                ALTER TABLE orders DROP COLUMN customer_email;
                DELETE FROM grdb_migrations WHERE identifier = 'v5-hubperf-search-index';
                """)
        }
        try queue.close()
        let store = try HubStore(path: hub.store.path)
        #expect(try await store.searchOrders("pérez").hits.map(\.id) == ["1001"])
        #expect(try await store.searchOrders("JOHN@EXAMPLE").hits.map(\.id) == ["1002"])
        #expect(try await store.searchOrders("1Z999AA10123456784").hits.map(\.matched) == ["tracking"])
        #expect(try await store.searchOrders("alert(1)").hits.map(\.id) == ["2001"])
    }
}
