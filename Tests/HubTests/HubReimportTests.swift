import Foundation
import GRDB
@testable import Hub
import PackCore
import Testing

/// A re-import that changes nothing appends no `order.updated`: webhooks and the supervisor's
/// page see only real changes. The same document (also re-exported with other whitespace) for
/// the same station is no change; another document or another station is.
@Suite struct HubReimportTests {
    static func importText(_ hub: LifecycleHub, _ text: String, station: String? = nil) throws -> HubStore.ImportReport {
        try hub.store.importOrders(OrderImport.parse(Array(text.utf8), name: "orders.jsonl"), station: station)
    }

    @Test func theSameDocumentAgainAppendsNoEvent() throws {
        let hub = try LifecycleHub()
        defer { hub.remove() }
        let json = HubFixture.order("A", barcodes: ["A-1"])
        _ = try Self.importText(hub, json)
        let before = try hub.store.lastEventID()
        let report = try Self.importText(hub, json)
        #expect(report.replaced == 1, "the import still reports the order as replaced")
        // The same values with other whitespace and a trailing newline: still the same order.
        let spaced = json.replacingOccurrences(of: ",", with: ", ").replacingOccurrences(of: ":", with: ": ") + "\n"
        #expect(spaced != json)
        _ = try Self.importText(hub, spaced)
        let appended = try hub.store.events(after: before, limit: 10).map(\.type)
        #expect(appended == [], "an unchanged re-import appended events")
        #expect(try hub.store.events(ofOrder: "A").map(\.type) == ["order.imported"])
        #expect(try hub.store.orderState("A") == .ready)
        #expect(try hub.query { try String.fetchOne($0, sql: "SELECT order_id FROM order_barcodes WHERE barcode = 'A-1'") } == "A", "the order is still found by its barcode")
    }

    @Test func aChangedDocumentOrStationIsAnUpdate() throws {
        let hub = try LifecycleHub()
        defer { hub.remove() }
        _ = try Self.importText(hub, HubFixture.order("A"))
        _ = try Self.importText(hub, HubFixture.order("A", barcodes: ["A-2"]))
        _ = try Self.importText(hub, HubFixture.order("A", barcodes: ["A-2"]), station: "bench-1")
        _ = try Self.importText(hub, HubFixture.order("A", barcodes: ["A-2"]), station: "bench-1")
        _ = try Self.importText(hub, HubFixture.order("A", barcodes: ["A-2"], status: "on_hold"), station: "bench-1")
        let events = try hub.store.events(ofOrder: "A")
        #expect(events.map(\.type) == ["order.imported", "order.updated", "order.updated", "order.updated", "order.held"])
        #expect(events[2].data["station"] == "bench-1")
        #expect(events[3].data["previous_status"] == "ready" && events[3].data["status"] == "on_hold")
    }
}
