import Foundation
@testable import Hub
import PackCore
import Testing

/// Shipments of several boxes on the hub: orders with one carrier label per package and package
/// weights are stored and served as imported; a result's boxes are checked and stored once.
@Suite struct HubBoxesTests {
    static let label = Data("^XA^FDpackage^FS^XZ".utf8).base64EncodedString()
    static let order = #"{"id":"M1","barcodes":["ORD-M1"],"status":"ready","payment":"captured","lines":[{"sku":"S","quantity":3}],"#
        + #""shipment":{"carrier":"DHL","service":"Paket","from":{"name":"W","street":["S 1"],"city":"X","country":"DE"},"to":{"name":"P","street":["A 2"],"city":"Y","country":"DE"},"#
        + #""packages":2,"package_weights":[1500,700],"labels":[{"format":"zpl","data":"\#(label)","package":1},{"format":"zpl","data":"\#(label)","package":2}]}}"#

    static func result(boxes: String) -> String {
        #"{"items":[{"key":"k-M1","type":"pack_result","order_id":"M1","body":{"order_id":"M1","station":"bench-1","packer":null,"outcome":"packed","started_at":"2026-11-23T10:00:00.000Z","ended_at":"2026-11-23T10:01:00.000Z","lines":[{"sku":"S","expected":3,"packed":3,"short":0,"short_reason":null,"serials":[],"lots":[]}],"scans":[{"seq":1,"data":"ORD-M1","verdict":"order_opened","at":"2026-11-23T10:00:00.000Z"}],"boxes":\#(boxes)}}]}"#
    }

    @Test func anOrderWithLabelsPerPackageRoundTrips() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(Self.order)
        let served = await hub.call("GET", "/v1/orders/lookup", query: ["barcode": "ORD-M1"])
        #expect(served.status == 200)
        let order = try Order.decode(from: Array(served.text.utf8))
        let expected = try Order.decode(from: Array(Self.order.utf8))
        #expect(order == expected)
        #expect(order.shipment?.packageWeights == [1500, 700])
        #expect(order.shipment?.carrierLabel(package: 2)?.data == Array("^XA^FDpackage^FS^XZ".utf8))
    }

    @Test func aBadLabelListIsRefusedAtImportAndNothingIsImported() throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let twice = Self.order.replacingOccurrences(of: #""package":2"#, with: #""package":1"#)
        let error = #expect(throws: HubError.self) { try hub.importOrders(HubFixture.order("1") + "\n" + twice) }
        #expect(error?.problems.map(\.description).contains { $0.contains("shipment.labels[1].package: package 1 already has a label (shipment.labels[0])") } == true, "\(error?.problems.map(\.description) ?? [])")
        #expect(try hub.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders") } == 0)
    }

    @Test func aResultWithBoxesIsStoredOnceAsSent() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(Self.order)
        let boxes = #"[{"number":1,"lines":[{"sku":"S","quantity":2}],"weight_g":1500},{"number":2,"lines":[{"sku":"S","quantity":1}],"weight_g":700}]"#
        let first = await hub.call("POST", "/v1/results", body: Self.result(boxes: boxes))
        #expect(first.status == 200 && first.json?["stored"] == .int(1))
        let again = await hub.call("POST", "/v1/results", body: Self.result(boxes: boxes))
        #expect(again.json?["stored"] == .int(0) && again.json?["duplicates"] == .int(1))
        let bodies = try hub.store.read { db in try String.fetchAll(db, sql: "SELECT body FROM results WHERE order_id = 'M1'") }
        #expect(bodies.count == 1)
        #expect(try JSONParser.parse(Array(bodies[0].utf8))["boxes"]?.jsonText == boxes)
    }

    @Test(arguments: [
        (#"{"number":1}"#, "items[0].body.boxes: expected a non-empty array of boxes {number, lines, weight_g}, found an object"),
        ("[]", "items[0].body.boxes: expected a non-empty array of boxes {number, lines, weight_g}, found an array"),
        (#"[{"number":0,"lines":[{"sku":"S","quantity":1}]}]"#, "items[0].body.boxes[0].number: expected a whole number, at least 1, found 0"),
        (#"[{"number":1,"lines":[]}]"#, "items[0].body.boxes[0].lines: expected a non-empty array of {sku, quantity}, found an array"),
        (#"[{"number":1,"lines":[{"sku":"S","quantity":0}]}]"#, "items[0].body.boxes[0].lines[0].quantity: expected a whole number, at least 1, found 0"),
        (#"[{"number":1,"lines":[{"sku":"S","quantity":1}],"weight_g":"2 kg"}]"#, "items[0].body.boxes[0].weight_g: expected a whole number of grams, at least 1"),
        (#"[{"number":1,"lines":[{"sku":"S","quantity":1}],"size":"M"}]"#, "items[0].body.boxes[0].size: is not a member of a box; a box has number, lines and weight_g"),
        (#"["box"]"#, "items[0].body.boxes[0]: expected an object {number, lines, weight_g}, found a string"),
        (#"[{"number":1,"lines":[{"sku":"S","quantity":1,"lot":"L1"}]}]"#, "items[0].body.boxes[0].lines[0].lot: is not a member of a box line; a box line has sku and quantity"),
        (#"[{"number":1,"lines":[{"quantity":1}]}]"#, "items[0].body.boxes[0].lines[0].sku: expected a string, found nothing"),
    ])
    func badBoxesAreRefusedWithWhereAndWhy(boxes: String, problem: String) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(Self.order)
        let r = await hub.call("POST", "/v1/results", body: Self.result(boxes: boxes))
        #expect(r.status == 422)
        guard case .array(let problems)? = r.json?["error"]?["problems"] else { Issue.record("no problems: \(r.text)"); return }
        func text(_ v: JSONValue?) -> String { if case .string(let s)? = v { s } else { "" } }
        #expect(problems.map { "\(text($0["path"])): \(text($0["message"]))" } == [problem])
        #expect(await hub.call("GET", "/v1/admin/summary").json?["results"] == .int(0))
    }
}
