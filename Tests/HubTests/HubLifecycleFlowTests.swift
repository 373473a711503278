import Foundation
import GRDB
@testable import Hub
import PackCore
import Testing

/// What the hub's existing flows do to an order's lifecycle: an import starts it, re-imports
/// record holds, releases and cancellations, a pack result makes it packed with the bench's
/// station and packer, the label the station printed makes it labelled with its packages.
@Suite struct HubLifecycleFlowTests {
    static let shipment = #"{"carrier":"UPS","service":"Ground","tracking":"1Z999AA10123456784","packages":2,"package_weights":[1200,800],"from":{"name":"Shop","street":["1 Main St"],"city":"Madrid","country":"ES"},"to":{"name":"Ana <b>","street":["2 Calle"],"city":"Sevilla","country":"ES"}}"#

    static func packResult(_ id: String, key: String, packer: String? = "ana", boxes: String? = nil) -> String {
        let packerText = packer.map { "\"\($0)\"" } ?? "null"
        let boxesText = boxes.map { #","boxes":"# + $0 } ?? ""
        return #"{"key":"\#(key)","type":"pack_result","order_id":"\#(id)","body":{"order_id":"\#(id)","station":"bench-1","packer":\#(packerText),"outcome":"packed","started_at":"2026-11-23T10:00:00.000Z","ended_at":"2026-11-23T10:01:00.000Z"\#(boxesText),"lines":[{"sku":"S","expected":1,"packed":1,"short":0,"short_reason":null,"serials":[],"lots":[]}],"scans":[{"seq":1,"data":"4006381333931","verdict":"order_complete","at":"2026-11-23T10:01:00.000Z"}]}}"#
    }

    static func labelPrinted(_ id: String, key: String, at: String = "2026-11-23T10:01:05.000Z") -> String {
        #"{"key":"\#(key)","type":"event","order_id":"\#(id)","body":{"kind":"label_printed","order_id":"\#(id)","at":"\#(at)","data":{"printer":"cups://zebra1","bench":"bench-1","job_id":7}}}"#
    }

    static func send(_ hub: LifecycleHub, _ items: String...) async throws {
        let batch = try ResultBatch(bytes: Array((#"{"items":["# + items.joined(separator: ",") + "]}").utf8))
        let station = try await hub.store.authenticate(authorization: "Bearer " + hub.token)
        _ = try await hub.store.store(batch, from: station)
    }

    static func history(_ hub: LifecycleHub, _ id: String) throws -> [(state: String, source: String, station: String?, person: String?)] {
        try hub.query { db in
            try Row.fetchAll(db, sql: "SELECT state, source, station, person FROM order_history WHERE order_id = ? ORDER BY id", arguments: [id]).map { ($0["state"], $0["source"], $0["station"], $0["person"]) }
        }
    }

    @Test func anImportStartsTheOrderReadyWithItsEvent() throws {
        let hub = try LifecycleHub()
        defer { hub.remove() }
        try hub.importOrder("A")
        try hub.importOrder("C", status: "cancelled")
        #expect(try hub.store.orderState("A") == .ready)
        #expect(try hub.store.orderState("C") == .cancelled)
        #expect(try Self.history(hub, "A").map(\.state) == ["ready"])
        #expect(try Self.history(hub, "A").first?.source == "import")
        let events = try hub.store.events(ofOrder: "A")
        #expect(events.map(\.type) == ["order.imported"])
        #expect(events.first?.data["status"] == "ready" && events.first?.data["state"] == "ready")
    }

    @Test func reImportsRecordHoldsReleasesAndCancellations() throws {
        let hub = try LifecycleHub()
        defer { hub.remove() }
        try hub.importOrder("A")
        try hub.importOrder("A", status: "on_hold")
        try hub.importOrder("A", status: "ready")
        try hub.importOrder("A", status: "cancelled")
        try hub.importOrder("A", status: "ready")
        #expect(try hub.store.events(ofOrder: "A").map(\.type) == [
            "order.imported", "order.updated", "order.held", "order.updated", "order.released", "order.updated", "order.cancelled", "order.updated", "order.updated",
        ])
        #expect(try Self.history(hub, "A").map(\.state) == ["ready", "cancelled", "ready"])
        #expect(try hub.store.orderState("A") == .ready)
    }

    @Test func anImportCannotCancelAnOrderThatHasLeftAndImportsNothing() throws {
        let hub = try LifecycleHub()
        defer { hub.remove() }
        try hub.importOrder("A")
        try hub.importOrder("B")
        try hub.force("A", to: .shipped)
        let file = HubFixture.order("B", status: "on_hold") + "\n" + HubFixture.order("A", status: "cancelled")
        let error = #expect(throws: HubError.self) { _ = try hub.store.importOrders(OrderImport.parse(Array(file.utf8), name: "o.jsonl")) }
        #expect(error?.status == 409 && error?.code == "bad_transition")
        #expect(error?.message.hasPrefix("Order A is shipped: the import cannot cancel it") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("Nothing was imported") == true)
        // Nothing of the file was kept: B is not on hold, A not cancelled, no events.
        #expect(try hub.store.events(ofOrder: "B").map(\.type) == ["order.imported"])
        #expect(try hub.store.orderState("A") == .shipped)
        let status = try hub.query { db in try String.fetchOne(db, sql: "SELECT status FROM orders WHERE id = 'A'") }
        #expect(status == "ready")
    }

    @Test func aPackResultThenItsLabelMakeTheOrderPackedThenLabelledWithPackages() async throws {
        let hub = try LifecycleHub()
        defer { hub.remove() }
        try hub.importOrder("A", shipment: Self.shipment)
        try await Self.send(hub, Self.packResult("A", key: "k1"))
        #expect(try hub.store.orderState("A") == .packed)
        try await Self.send(hub, Self.labelPrinted("A", key: "k2"))
        #expect(try hub.store.orderState("A") == .labelled)
        let history = try Self.history(hub, "A")
        #expect(history.map(\.state) == ["ready", "packed", "labelled"])
        #expect(history[1].source == "pack_result" && history[1].station == "bench-1" && history[1].person == "ana")
        #expect(history[2].source == "label_printed" && history[2].station == "bench-1" && history[2].person == "ana")
        let packed = try hub.query { db in try Double.fetchOne(db, sql: "SELECT at FROM order_history WHERE order_id = 'A' AND state = 'packed'") }
        #expect(packed == 1_795_428_060, "the bench's ended_at, 2026-11-23T10:01:00Z")
        let packages = try hub.query { db in
            try Row.fetchAll(db, sql: "SELECT number, tracking, carrier, service, state, weight_g FROM packages WHERE order_id = 'A' ORDER BY number").map {
                "\($0["number"] as Int) \($0["tracking"] as String) \($0["carrier"] as String) \($0["service"] as String) \($0["state"] as String) \($0["weight_g"] as Int)"
            }
        }
        #expect(packages == ["1 1Z999AA10123456784 UPS Ground labelled 1200", "2 1Z999AA10123456784 UPS Ground labelled 800"])
        let events = try hub.store.events(ofOrder: "A")
        #expect(events.map(\.type) == ["order.imported", "order.packed", "order.labelled"])
        #expect(events.last?.data["packages"]?.arrayCount == 2)
        // The same result and label sent again (a retry) change nothing.
        try await Self.send(hub, Self.packResult("A", key: "k1"), Self.labelPrinted("A", key: "k2"))
        #expect(try Self.history(hub, "A").count == 3)
    }

    @Test func theBoxesThePackerClosedAreThePackages() async throws {
        let hub = try LifecycleHub()
        defer { hub.remove() }
        try hub.importOrder("A", shipment: Self.shipment)
        let boxes = #"[{"number":1,"lines":[{"sku":"S","quantity":1}],"weight_g":500},{"number":2,"lines":[{"sku":"S","quantity":1}]},{"number":3,"lines":[{"sku":"S","quantity":1}],"weight_g":700}]"#
        // A box closed mid-order prints its label before the result reaches the hub.
        try await Self.send(hub, Self.labelPrinted("A", key: "k0"))
        #expect(try hub.store.orderState("A") == .ready)
        try await Self.send(hub, Self.packResult("A", key: "k1", boxes: boxes))
        #expect(try hub.store.orderState("A") == .labelled)
        let weights = try hub.query { db in try Int?.fetchAll(db, sql: "SELECT weight_g FROM packages WHERE order_id = 'A' ORDER BY number") }
        #expect(weights == [500, 800, 700], "box weights, else the order's per-package weight")
    }

    @Test func aLabelForAnOrderFurtherAlongOrUnknownChangesNothingAndIsStored() async throws {
        let hub = try LifecycleHub()
        defer { hub.remove() }
        try hub.importOrder("A", shipment: Self.shipment)
        try hub.force("A", to: .delivered)
        try await Self.send(hub, Self.labelPrinted("A", key: "k1"), Self.labelPrinted("NOT-ON-HUB", key: "k2"), Self.packResult("A", key: "k3"))
        #expect(try hub.store.orderState("A") == .delivered)
        #expect(try await hub.store.listResults(orderID: nil, limit: 10).count == 3)
    }
}

extension JSONValue {
    var arrayCount: Int? { if case .array(let a) = self { a.count } else { nil } }
}

/// A hub database from before the lifecycle opens with every order in the state it was in.
@Suite struct HubLifecycleMigrationTests {
    @Test func ordersOnAnOlderHubStartPackedCancelledOrReady() async throws {
        let dir = NSTemporaryDirectory() + "packstation-hub-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/hub.sqlite"
        let body = try #require(try JSONParser.parse(HubAuthorizationTests.packResult("ANY", key: "k-1"))["body"])
        try HubMigrationTests.writeVersionOne(path: path, result: body.jsonText)
        let old = try DatabaseQueue(path: path)
        try await old.write { db in
            try db.execute(sql: "INSERT INTO orders (id, body, status, imported_at) VALUES ('CAN', ?, 'cancelled', 5), ('NEW', ?, 'ready', 6)",
                           arguments: [HubFixture.order("CAN", status: "cancelled"), HubFixture.order("NEW")])
        }
        try old.close()
        let store = try HubStore(path: path)
        #expect(try store.orderState("ANY") == .packed)
        #expect(try store.orderState("CAN") == .cancelled)
        #expect(try store.orderState("NEW") == .ready)
        let history = try await store.orderHistory("ANY")
        #expect(history["states"]?[0]?["source"] == "migration" && history["states"]?[0]?["at"] == "1970-01-01T00:00:01.000Z", "at its packed_at")
        // And it goes on from there.
        #expect(try store.moveOrder("NEW", to: .packed, source: "test"))
    }
}
