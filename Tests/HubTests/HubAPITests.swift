import Foundation
import Hub
import PackCore
import Testing

@Suite struct HubAPITests {
    @Test(arguments: [
        (String?.none, "missing_token"), ("Basic abc", "bad_token"), ("Bearer nodot", "bad_token"),
        ("Bearer 999.abc", "unknown_station"), ("Bearer 1.wrongsecret", "bad_token"),
    ])
    func aStationMustShowItsToken(header: String?, code: String) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let r = await hub.call("POST", "/v1/results", body: HubFixture.batch(["1"]), token: .some(header))
        #expect(r.status == 401)
        #expect(r.json?["error"]?["code"] == .string(code))
        #expect(await hub.call("GET", "/v1/admin/summary").json?["results"] == .int(0))
    }

    @Test func resultsAreStoredOncePerKey() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1") + "\n" + HubFixture.order("2"))
        let first = await hub.call("POST", "/v1/results", body: HubFixture.batch(["1", "2"]))
        #expect(first.status == 200)
        #expect(first.json?["stored"] == .int(2) && first.json?["duplicates"] == .int(0))
        let again = await hub.call("POST", "/v1/results", body: HubFixture.batch(["1", "2"]))
        #expect(again.json?["stored"] == .int(0) && again.json?["duplicates"] == .int(2))
        guard case .array(let items)? = again.json?["items"] else { Issue.record("no items"); return }
        #expect(items.map { $0["status"] } == [.string("duplicate"), .string("duplicate")])
        let summary = await hub.call("GET", "/v1/admin/summary").json
        #expect(summary?["results"] == .int(2) && summary?["orders_packed"] == .int(2))
    }

    @Test(arguments: [
        ("{\"items\": [", 400, "malformed_json"),
        ("[1,2]", 422, "wrong_type"),
        ("{\"items\": {}}", 422, "wrong_type"),
        ("{\"items\": []}", 422, "batch_size"),
        ("{\"items\": [{\"key\": 5, \"type\": \"pack_result\", \"order_id\": \"1\", \"body\": {}}]}", 422, "invalid_item"),
        ("{\"items\": [{\"key\": \"a\", \"type\": \"parcel\", \"order_id\": \"1\", \"body\": {}}]}", 422, "invalid_item"),
    ])
    func aBadBatchGetsAClearErrorAndNothingIsStored(body: String, status: Int, code: String) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let r = await hub.call("POST", "/v1/results", body: body)
        #expect(r.status == status)
        #expect(r.json?["error"]?["code"] == .string(code))
        if case .string(let m)? = r.json?["error"]?["message"] { #expect(!m.isEmpty) } else { Issue.record("no message") }
        #expect(await hub.call("GET", "/v1/admin/summary").json?["results"] == .int(0))
    }

    @Test func oneBadItemRefusesTheWholeBatchAndSaysWhichAndWhere() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        var batch = HubFixture.batch(["1", "2", "3"])
        // Item 2's line says "packed": "one".
        let third = batch.range(of: "\"order_id\":\"3\",\"body\"")!
        let packed = batch.range(of: "\"packed\":1", range: third.upperBound..<batch.endIndex)!
        batch.replaceSubrange(packed, with: "\"packed\":\"one\"")
        let r = await hub.call("POST", "/v1/results", body: batch)
        #expect(r.status == 422)
        #expect(r.json?["error"]?["item"] == .int(2))
        guard case .array(let problems)? = r.json?["error"]?["problems"] else { Issue.record("no problems"); return }
        #expect(problems.first?["path"] == .string("items[2].body.lines[0].packed"))
        #expect(await hub.call("GET", "/v1/admin/summary").json?["results"] == .int(0), "items 0 and 1 were not half-written")
    }

    @Test func oversizeAndNonJSONBodiesAreRefused() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let big = await hub.call("POST", "/v1/results", body: String(repeating: " ", count: (1 << 20) + 1))
        #expect(big.status == 413)
        #expect(big.json?["error"]?["code"] == "body_too_large")
        let xml = await hub.call("POST", "/v1/results", body: "<items/>", contentType: "application/xml")
        #expect(xml.status == 415)
    }

    @Test func anOrderIsFoundByAnyOfItsBarcodes() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1001", barcodes: ["TOTE-5", "ORD-1001"]))
        for code in ["1001", "TOTE-5", "ORD-1001"] {
            let r = await hub.call("GET", "/v1/orders/lookup", query: ["barcode": code])
            #expect(r.status == 200 && r.json?["id"] == "1001")
        }
        let missing = await hub.call("GET", "/v1/orders/lookup", query: ["barcode": "TOTE-6"])
        #expect(missing.status == 404 && missing.json?["error"]?["code"] == "unknown_order")
        #expect(await hub.call("GET", "/v1/orders/lookup").status == 400)
    }

    @Test func theQueueHoldsReadyUnpackedOrdersForThisStation() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        _ = try hub.store.addStation(name: "bench-2")
        try hub.importOrders(HubFixture.order("1") + "\n" + HubFixture.order("2", status: "on_hold"))
        try hub.importOrders(HubFixture.order("3"), station: "bench-2")
        try hub.importOrders(HubFixture.order("4"), station: "bench-1")
        func ids() async -> [JSONValue] {
            guard case .array(let orders)? = await hub.call("GET", "/v1/orders/queue").json?["orders"] else { return [] }
            return orders.compactMap { $0["id"] }
        }
        #expect(await ids() == ["1", "4"])
        _ = await hub.call("POST", "/v1/results", body: HubFixture.batch(["1"]))
        #expect(await ids() == ["4"])
    }

    @Test func labelRunProgressOnlyMovesForward() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1") + "\n" + HubFixture.order("2"))
        let id = try hub.store.addLabelRun(name: "wave 1", station: "bench-1", orders: ["1", "2"])
        guard case .array(let runs)? = await hub.call("GET", "/v1/label-runs").json?["runs"] else { Issue.record("no runs"); return }
        #expect(runs.count == 1 && runs[0]["total"] == .int(2) && runs[0]["state"] == "queued")
        let p1 = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":1,"state":"running"}"#)
        #expect(p1.status == 200 && p1.json?["printed"] == .int(1))
        let back = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":0,"state":"running"}"#)
        #expect(back.status == 409 && back.json?["error"]?["code"] == "bad_progress")
        let over = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":3,"state":"running"}"#)
        #expect(over.status == 409)
        let wrongType = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":"2","state":"done"}"#)
        #expect(wrongType.status == 422)
        let done = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":2,"state":"done"}"#)
        #expect(done.json?["state"] == "done")
        guard case .array(let after)? = await hub.call("GET", "/v1/label-runs").json?["runs"] else { return }
        #expect(after.isEmpty, "a finished run leaves the station's list")
        let other = try hub.store.addStation(name: "bench-9")
        let foreign = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":2,"state":"done"}"#, token: .some("Bearer " + other))
        #expect(foreign.status == 404)
    }

    @Test func aHeartbeatPutsTheStationOnlineWithItsDevices() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        _ = try hub.store.addStation(name: "bench-0")
        let r = await hub.call("POST", "/v1/status", body: #"{"scanners":[{"name":"Zebra DS2208","state":"ready"}],"printers":[{"name":"zebra1","state":"paper_out"}],"outbox_pending":3}"#)
        #expect(r.status == 200 && r.json?["station"] == "bench-1")
        guard case .array(let stations)? = await hub.call("GET", "/v1/admin/stations").json?["stations"] else { Issue.record("no stations"); return }
        let byName = Dictionary(uniqueKeysWithValues: stations.map { ($0["name"]!, $0) })
        #expect(byName["bench-1"]?["online"] == true)
        #expect(byName["bench-0"]?["online"] == false)
        #expect(byName["bench-1"]?["printers"] == [["name": "zebra1", "state": "paper_out"]])
        let bad = await hub.call("POST", "/v1/status", body: #"{"printers":[{"name":7}],"colour":"red"}"#)
        #expect(bad.status == 422)
        guard case .array(let problems)? = bad.json?["error"]?["problems"] else { return }
        #expect(Set(problems.compactMap { $0["path"] }) == ["printers[0].name", "printers[0].state", "colour"])
    }

    @Test func unknownPathsAndMethodsAreNamed() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        #expect(await hub.call("GET", "/v2/nothing").status == 404)
        #expect(await hub.call("DELETE", "/v1/results").status == 405)
    }

    @Test func thePageListsEverythingAndEscapesWhatItShows() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("<script>alert(1)</script>"))
        let page = await hub.call("GET", "/")
        #expect(page.status == 200)
        #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.text.contains("<script>"))
        #expect(page.text.contains("bench-1") && page.text.contains("offline"))
    }
}
