import Foundation
import Hub
import PackCore
import Testing

/// The authorization contract of docs/sync.md ("Authorization"), attack by attack: station A
/// (`bench-1`, the fixture's token) tries B's (`bench-2`) orders, cancelled, on-hold and unknown
/// orders, another station's name and a reused key. Each refusal says who and why, names no
/// other station, and leaves the hub as it was.
@Suite struct HubAuthorizationTests {
    /// A hub with A and B, and orders: `ANY` (any station), `A1` (A's), `B1` (B's, barcode
    /// TOTE-B), `CAN` (cancelled), `HOLD` (on hold).
    struct Hub {
        let hub: HubFixture
        let tokenB: String

        init() throws {
            hub = try HubFixture()
            tokenB = try hub.store.addStation(name: "bench-2")
            try hub.importOrders([
                HubFixture.order("ANY", barcodes: ["TOTE-ANY"]), HubFixture.order("CAN", barcodes: ["TOTE-CAN"], status: "cancelled"),
                HubFixture.order("HOLD", barcodes: ["TOTE-HOLD"], status: "on_hold"),
            ].joined(separator: "\n"))
            try hub.importOrders(HubFixture.order("A1", barcodes: ["TOTE-A"]), station: "bench-1")
            try hub.importOrders(HubFixture.order("B1", barcodes: ["TOTE-B"]), station: "bench-2")
        }

        func asB(_ method: String, _ path: String, query: [String: String] = [:], body: String? = nil) async -> (status: Int, json: JSONValue?, text: String) {
            await hub.call(method, path, query: query, body: body, token: .some("Bearer " + tokenB))
        }

        /// Results, events and packed orders on the hub.
        func counts() async -> [JSONValue?] {
            let s = await hub.call("GET", "/v1/admin/summary").json
            return [s?["results"], s?["events"], s?["orders_packed"]]
        }
    }

    static func packResult(_ id: String, key: String, station: String = "bench-1", outcome: String = "packed", override: String? = nil) -> String {
        let extra = override.map { #","override":{"badge":"SUP-1","reasons":[\#($0)],"at":"2026-11-23T10:00:30.000Z"}"# } ?? ""
        return #"{"key":"\#(key)","type":"pack_result","order_id":"\#(id)","body":{"order_id":"\#(id)","station":"\#(station)","packer":null,"outcome":"\#(outcome)","started_at":"2026-11-23T10:00:00.000Z","ended_at":"2026-11-23T10:01:00.000Z"\#(extra),"lines":[{"sku":"S","expected":1,"packed":1,"short":0,"short_reason":null,"serials":[],"lots":[]}],"scans":[{"seq":1,"data":"4006381333931","verdict":"order_complete","at":"2026-11-23T10:01:00.000Z"}]}}"#
    }

    static func event(_ id: String, key: String) -> String {
        #"{"key":"\#(key)","type":"event","order_id":"\#(id)","body":{"kind":"label_printed","at":"2026-11-23T10:01:01.000Z","data":{"printer":"zebra1"}}}"#
    }

    static func batch(_ items: String...) -> String { #"{"items":["# + items.joined(separator: ",") + "]}" }

    @Test(arguments: [
        // What A sends, and what it must get back: status, code, the item at fault.
        (batch(packResult("B1", key: "a-1")), 403, "not_your_order", 0),
        (batch(packResult("CAN", key: "a-1")), 409, "order_cancelled", 0),
        (batch(packResult("HOLD", key: "a-1")), 409, "order_on_hold", 0),
        (batch(packResult("HOLD", key: "a-1", override: #""already_packed""#)), 409, "order_on_hold", 0),
        (batch(packResult("NOPE", key: "a-1")), 409, "unknown_order", 0),
        (batch(packResult("ANY", key: "a-1", station: "bench-2")), 403, "station_mismatch", 0),
        (batch(packResult("A1", key: "a-1", station: "bench-2")), 403, "station_mismatch", 0),
        (batch(event("B1", key: "a-1")), 403, "not_your_order", 0),
        // A good item first does not get through either: the batch is refused whole.
        (batch(packResult("ANY", key: "a-0"), event("ANY", key: "a-e"), packResult("B1", key: "a-1")), 403, "not_your_order", 2),
        (batch(packResult("A1", key: "a-0"), packResult("CAN", key: "a-1")), 409, "order_cancelled", 1),
    ])
    func aResultStationAMayNotReportIsRefusedAndNothingChanges(body: String, status: Int, code: String, item: Int) async throws {
        let h = try Hub()
        defer { h.hub.remove() }
        let r = await h.hub.call("POST", "/v1/results", body: body)
        #expect(r.status == status)
        #expect(r.json?["error"]?["code"] == .string(code))
        #expect(r.json?["error"]?["item"] == .int(item))
        let message = r.json?["error"]?["message"].flatMap { if case .string(let m) = $0 { m } else { nil } } ?? ""
        #expect(message.hasPrefix("Item \(item)") && message.contains("nothing in the batch was stored"), "\(message)")
        #expect(!r.text.contains("bench-2"), "an error never names another station: \(r.text)")
        #expect(await h.counts() == [.int(0), .int(0), .int(0)], "nothing stored, no order marked packed")
        guard case .array(let orders)? = await h.hub.call("GET", "/v1/admin/orders").json?["orders"] else { Issue.record("no orders"); return }
        #expect(orders.allSatisfy { $0["packed_at"] == .null })
    }

    @Test func aWrongSecretDoesNotNameTheTokensStation() async throws {
        let h = try Hub()
        defer { h.hub.remove() }
        let id = h.tokenB.prefix { $0 != "." }
        let r = await h.hub.call("GET", "/v1/orders/queue", token: .some("Bearer \(id).guessed"))
        #expect(r.status == 401 && r.json?["error"]?["code"] == "bad_token")
        #expect(!r.text.contains("bench-2"), "\(r.text)")
    }

    @Test func anOnHoldOrderTakesAResultThatRecordsTheSupervisorOverride() async throws {
        let h = try Hub()
        defer { h.hub.remove() }
        let r = await h.hub.call("POST", "/v1/results", body: Self.batch(Self.packResult("HOLD", key: "a-1", override: #""on_hold""#)))
        #expect(r.status == 200 && r.json?["stored"] == .int(1), "\(r.text)")
        #expect(await h.counts() == [.int(1), .int(0), .int(1)])
    }

    @Test func whatAStationMayReportIsStored() async throws {
        let h = try Hub()
        defer { h.hub.remove() }
        // Its own order, an any-station order, and events for unknown or cancelled orders
        // (events record what happened).
        let a = await h.hub.call("POST", "/v1/results", body: Self.batch(
            Self.packResult("A1", key: "a-1"), Self.packResult("ANY", key: "a-2"), Self.event("NOPE", key: "a-3"), Self.event("CAN", key: "a-4")))
        #expect(a.status == 200 && a.json?["stored"] == .int(4), "\(a.text)")
        // B reports its own order under its own name.
        let b = await h.asB("POST", "/v1/results", body: Self.batch(Self.packResult("B1", key: "b-1", station: "bench-2")))
        #expect(b.status == 200 && b.json?["stored"] == .int(1), "\(b.text)")
        #expect(await h.counts() == [.int(3), .int(2), .int(3)])
    }

    @Test(arguments: [
        ("TOTE-B", 403, "not_your_order"), ("B1", 403, "not_your_order"), ("TOTE-CAN", 409, "order_cancelled"),
        ("CAN", 409, "order_cancelled"), ("TOTE-NOPE", 404, "unknown_order"),
    ])
    func aLookupOfAnOrderStationAMayNotPackIsRefused(barcode: String, status: Int, code: String) async throws {
        let h = try Hub()
        defer { h.hub.remove() }
        let r = await h.hub.call("GET", "/v1/orders/lookup", query: ["barcode": barcode])
        #expect(r.status == status)
        #expect(r.json?["error"]?["code"] == .string(code))
        #expect(r.json?["id"] == nil, "no order in the answer")
        #expect(!r.text.contains("bench-2") && !r.text.contains("4006381333931"), "neither the station nor the order's contents: \(r.text)")
        if code == "not_your_order" { #expect(r.text.contains("another station")) }
    }

    @Test(arguments: [("TOTE-A", "A1"), ("TOTE-ANY", "ANY"), ("TOTE-HOLD", "HOLD")])
    func aLookupOfAnOrderStationAMayPackAnswersTheOrder(barcode: String, id: String) async throws {
        let h = try Hub()
        defer { h.hub.remove() }
        let r = await h.hub.call("GET", "/v1/orders/lookup", query: ["barcode": barcode])
        #expect(r.status == 200 && r.json?["id"] == .string(id))
        // B may not have A's order, but may have its own.
        #expect(await h.asB("GET", "/v1/orders/lookup", query: ["barcode": "TOTE-A"]).status == 403)
        #expect(await h.asB("GET", "/v1/orders/lookup", query: ["barcode": "TOTE-B"]).json?["id"] == "B1")
    }

    @Test func eachStationsQueueHoldsItsOwnAndAnyStationOrdersOnly() async throws {
        let h = try Hub()
        defer { h.hub.remove() }
        func ids(_ r: (status: Int, json: JSONValue?, text: String)) -> Set<String> {
            guard case .array(let orders)? = r.json?["orders"] else { return [] }
            return Set(orders.compactMap { if case .string(let s)? = $0["id"] { s } else { nil } })
        }
        #expect(ids(await h.hub.call("GET", "/v1/orders/queue")) == ["ANY", "A1"])
        #expect(ids(await h.asB("GET", "/v1/orders/queue")) == ["ANY", "B1"])
    }

    @Test func theSameKeyFromTwoStationsIsTwoResults() async throws {
        let h = try Hub()
        defer { h.hub.remove() }
        let a = await h.hub.call("POST", "/v1/results", body: Self.batch(Self.packResult("ANY", key: "k-1")))
        let b = await h.asB("POST", "/v1/results", body: Self.batch(Self.packResult("ANY", key: "k-1", station: "bench-2")))
        #expect(a.json?["items"]?[0]?["status"] == "stored")
        #expect(b.json?["items"]?[0]?["status"] == "stored", "B's result is not A's duplicate: \(b.text)")
        guard case .array(let stored)? = await h.hub.call("GET", "/v1/admin/results", query: ["order_id": "ANY"]).json?["results"] else { Issue.record("no results"); return }
        #expect(Set(stored.compactMap { $0["station"] }) == ["bench-1", "bench-2"])
    }

    @Test func aKeyReusedWithAnotherBodyIsRefusedAndTheFirstResultStands() async throws {
        let h = try Hub()
        defer { h.hub.remove() }
        let first = await h.hub.call("POST", "/v1/results", body: Self.batch(Self.packResult("A1", key: "k-1")))
        #expect(first.status == 200)
        let reused = await h.hub.call("POST", "/v1/results", body: Self.batch(
            Self.packResult("ANY", key: "k-2"), Self.packResult("A1", key: "k-1", outcome: "short_shipped")))
        #expect(reused.status == 409)
        #expect(reused.json?["error"]?["code"] == "key_reused")
        #expect(reused.json?["error"]?["item"] == .int(1))
        #expect(await h.counts() == [.int(1), .int(0), .int(1)], "k-2 was not stored with it")
        guard case .array(let stored)? = await h.hub.call("GET", "/v1/admin/results", query: ["order_id": "A1"]).json?["results"] else { Issue.record("no results"); return }
        #expect(stored.count == 1 && stored[0]["body"]?["outcome"] == "packed", "the first result stands")
        guard case .array(let orders)? = await h.hub.call("GET", "/v1/admin/orders").json?["orders"] else { return }
        #expect(orders.first { $0["id"] == "A1" }?["outcome"] == "packed")
    }

    @Test func theSameResultSentAgainIsADuplicateWhateverItsMemberOrderOrSpacing() async throws {
        let h = try Hub()
        defer { h.hub.remove() }
        let item = Self.packResult("A1", key: "k-1")
        #expect(await h.hub.call("POST", "/v1/results", body: Self.batch(item)).json?["stored"] == .int(1))
        // The same result re-encoded: members in another order, with spaces.
        let reordered = try #require(try JSONParser.parse(item).reordered)
        let again = await h.hub.call("POST", "/v1/results", body: #"{ "items" : [ "# + reordered + " ] }")
        #expect(again.status == 200 && again.json?["duplicates"] == .int(1), "\(again.text)")
        // A cancelled order since: the retry is still a duplicate, not a refusal.
        try h.hub.importOrders(HubFixture.order("A1", barcodes: ["TOTE-A"], status: "cancelled"), station: "bench-1")
        #expect(await h.hub.call("POST", "/v1/results", body: Self.batch(item)).json?["duplicates"] == .int(1))
    }

    @Test(arguments: [
        ("\"expected\":1", "\"expected\":0", "lines[0].expected", "must be 1 or more, not 0"),
        ("\"packed\":1", "\"packed\":-1", "lines[0].packed", "must be 0 or more, not -1"),
        ("\"short\":0", "\"short\":-3", "lines[0].short", "must be 0 or more, not -3"),
        ("\"seq\":1", "\"seq\":-1", "scans[0].seq", "must be 1 or more, not -1"),
    ])
    func negativeCountsAreRefused(field: String, bad: String, path: String, message: String) async throws {
        let h = try Hub()
        defer { h.hub.remove() }
        let body = Self.batch(Self.packResult("A1", key: "k-1").replacingOccurrences(of: field, with: bad))
        let r = await h.hub.call("POST", "/v1/results", body: body)
        #expect(r.status == 422 && r.json?["error"]?["code"] == "invalid_item")
        #expect(r.json?["error"]?["problems"]?[0]?["path"] == .string("items[0].body.\(path)"))
        #expect(r.json?["error"]?["problems"]?[0]?["message"] == .string(message))
        #expect(await h.counts() == [.int(0), .int(0), .int(0)])
    }
}

extension JSONValue {
    /// The value as JSON text with every object's members in reverse order and spaces between.
    var reordered: String? {
        switch self {
        case .object(let members): "{ " + members.reversed().map { JSONValue.string($0.0).jsonText + " : " + ($0.1.reordered ?? "") }.joined(separator: " , ") + " }"
        case .array(let elements): "[ " + elements.map { $0.reordered ?? "" }.joined(separator: " , ") + " ]"
        default: jsonText
        }
    }
}

extension JSONValue {
    /// The element at `index`, if this is an array that long.
    subscript(_ index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}
