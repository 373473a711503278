import Foundation
@testable import Hub
import PackCore
import Testing

@Suite struct OrderImportTests {
    @Test func jsonLinesWithABadLineImportNothingAndNameEveryProblem() throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let file = HubFixture.order("1") + "\n{not json}\n" + #"{"id":"3","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":"two"}]}"#
        let error = #expect(throws: HubError.self) { try hub.importOrders(file) }
        #expect(error?.message.contains("nothing was imported") == true)
        let paths = error?.problems.map(\.path) ?? []
        #expect(paths.contains("line 2"))
        #expect(paths.contains { $0.hasPrefix("line 3: lines[0].quantity") }, "\(paths)")
        #expect(try hub.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders") } == 0)
    }

    @Test func aPrettyPrintedOrderFileImports() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
        let bytes = try #require(FileManager.default.contents(atPath: root + "/examples/orders/1001.json"))
        let orders = try OrderImport.parse(Array(bytes), name: "1001.json")
        #expect(orders.map(\.order.id) == ["1001"])
    }

    @Test func aJSONArrayAndCSVImport() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders("[" + HubFixture.order("1") + "," + HubFixture.order("2") + "]")
        let csv = #"""
            order_id,order_barcodes,status,payment,priority,sku,description,quantity,item_barcodes,serialized
            3,TOTE-3;ORD-3,ready,captured,express,SKU-A,"Mug, blue",2,4006381333931,no
            3,TOTE-3;ORD-3,ready,captured,express,SKU-B,"Say ""hi""",1,,yes
            4,,ready,captured,,SKU-C,Plate,1,,
            """#
        let orders = try OrderImport.parse(Array(csv.utf8), name: "wave.csv")
        #expect(orders.map(\.order.id) == ["3", "4"])
        #expect(orders[0].order.lines.map(\.sku) == ["SKU-A", "SKU-B"])
        #expect(orders[0].order.lines[0].description == "Mug, blue")
        #expect(orders[0].order.lines[1].description == "Say \"hi\"")
        #expect(orders[0].order.lines[1].serialized)
        #expect(orders[0].order.priority == .express)
        _ = try hub.store.importOrders(orders)
        let r = await hub.call("GET", "/v1/orders/lookup", query: ["barcode": "TOTE-3"])
        #expect(r.json?["id"] == "3")
        #expect(await hub.call("GET", "/v1/admin/summary").json?["orders"] == .int(4))
    }

    @Test func aCSVWithBadRowsSaysWhichLines() throws {
        let csv = "order_id,sku,quantity\n5,SKU,1\n6,SKU\n7,SKU,-1\n"
        let error = #expect(throws: HubError.self) { try OrderImport.parse(Array(csv.utf8), name: "bad.csv") }
        let paths = error?.problems.map(\.path) ?? []
        #expect(paths.contains("line 3"))
        #expect(paths.contains { $0.hasPrefix("line 4: lines[0].quantity") }, "\(paths)")
        let noHeader = #expect(throws: HubError.self) { try OrderImport.parse(Array("id,thing\n1,2\n".utf8), name: "x.csv") }
        #expect(noHeader?.message.contains("order_id") == true)
    }

    @Test func aBarcodeThatWouldOpenTwoOrdersIsRefused() throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1", barcodes: ["TOTE-1"]))
        let error = #expect(throws: HubError.self) { try hub.importOrders(HubFixture.order("2", barcodes: ["TOTE-1"])) }
        #expect(error?.code == "barcode_conflict")
    }

    @Test func importingForAnUnknownStationIsRefused() throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let error = #expect(throws: HubError.self) { try hub.importOrders(HubFixture.order("1"), station: "bench-77") }
        #expect(error?.message.contains("station add bench-77") == true)
    }

    @Test func stationNamesAreCheckedAndTokensShownOnce() throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        #expect(throws: HubError.self) { try hub.store.addStation(name: "bench 1") }
        #expect(throws: HubError.self) { try hub.store.addStation(name: "bench-1") }
        let token = try hub.store.addStation(name: "bench-2")
        #expect(token.hasPrefix("2."))
        let stored = try hub.store.read { db in try String.fetchAll(db, sql: "SELECT token_sha256 FROM stations") }
        #expect(!stored.contains(token), "only digests are stored")
        #expect(stored.contains(SHA256.hex(token)))
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256MatchesTheStandardVectors(input: String, digest: String) {
        #expect(SHA256.hex(input) == digest)
    }
}
