import Foundation
import PackCore
import Testing

/// The hub's body checks hold to the types docs/api/openapi.yaml states (schemathesis found the
/// gaps): a field of the wrong type is a 422 naming it, nothing is stored, and a whole number
/// written as `1.0` or `1e0` is still a whole number.
@Suite struct HubBodyTypeTests {
    @Test(arguments: [
        (#"{"agent_version": 7, "scanners": [{"name": "s", "state": "ready"}]}"#, "agent_version"),
        (#"{"oldest_pending_at": "yesterday", "scanners": [{"name": "s", "state": "ready"}]}"#, "oldest_pending_at"),
        (#"{"oldest_pending_at": "2026-13-01T00:00:00Z", "scanners": [{"name": "s", "state": "ready"}]}"#, "oldest_pending_at"),
        (#"{"oldest_pending_at": "2026-12-04 10:00:00", "scanners": [{"name": "s", "state": "ready"}]}"#, "oldest_pending_at"),
        (#"{"oldest_pending_at": 1764842400, "scanners": [{"name": "s", "state": "ready"}]}"#, "oldest_pending_at"),
        (#"{"scanners": [{"name": "s", "state": "ready", "detail": 5}]}"#, "scanners[0].detail"),
        (#"{"printers": [{"name": "p", "state": "ready", "detail": null}]}"#, "printers[0].detail"),
        (#"{"outbox_pending": 1.5, "scanners": [{"name": "s", "state": "ready"}]}"#, "outbox_pending"),
        (#"{"outbox_pending": -1, "scanners": [{"name": "s", "state": "ready"}]}"#, "outbox_pending"),
    ])
    func aHeartbeatFieldOfTheWrongTypeIsRefusedAndNothingIsStored(body: String, path: String) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let r = await hub.call("POST", "/v1/status", body: body)
        #expect(r.status == 422, "\(r.text)")
        #expect(r.json?["error"]?["problems"]?[0]?["path"] == .string(path), "\(r.text)")
        // The request counts as a sign of life; its devices are not stored.
        let station = await hub.call("GET", "/v1/admin/stations").json?["stations"]?[0]
        #expect(station?["scanners"] == .array([]) && station?["printers"] == .array([]), "the refused heartbeat was stored: \(String(describing: station))")
    }

    @Test(arguments: [
        #"{"oldest_pending_at": "2026-12-04T10:00:00Z", "outbox_pending": 3, "agent_version": "1.2.0"}"#,
        #"{"oldest_pending_at": "2026-12-04T10:00:00.250+01:00", "outbox_pending": 3.0}"#,
        #"{"oldest_pending_at": null, "outbox_pending": 3e0, "printers": [{"name": "p", "state": "ready", "detail": "paper low"}]}"#,
    ])
    func aHeartbeatAsTheDocumentAllowsIsStored(body: String) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let r = await hub.call("POST", "/v1/status", body: body)
        #expect(r.status == 200, "\(r.text)")
        #expect(await hub.call("GET", "/v1/admin/stations").json?["stations"]?[0]?["online"] == .bool(true))
    }

    @Test func progressCountsWrittenWithAFractionPartOfZeroAreWholeNumbers() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1") + "\n" + HubFixture.order("2"))
        let id = try hub.store.addLabelRun(name: "wave 1", station: "bench-1", orders: ["1", "2"])
        let half = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":1.5,"state":"running"}"#)
        #expect(half.status == 422, "\(half.text)")
        let one = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":1.0,"state":"running"}"#)
        #expect(one.status == 200 && one.json?["printed"] == .int(1), "\(one.text)")
        let two = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":2e0,"state":"done"}"#)
        #expect(two.status == 200 && two.json?["printed"] == .int(2), "\(two.text)")
    }

    @Test func aResultsLineCountOfOnePointZeroIsOneAndOnePointFiveIsRefused() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1") + "\n" + HubFixture.order("2"))
        let fraction = HubFixture.batch(["1"]).replacingOccurrences(of: #""packed":1,"#, with: #""packed":1.5,"#)
        let refused = await hub.call("POST", "/v1/results", body: fraction)
        #expect(refused.status == 422, "\(refused.text)")
        #expect(refused.json?["error"]?["problems"]?[0]?["path"] == "items[0].body.lines[0].packed", "\(refused.text)")
        let whole = HubFixture.batch(["2"]).replacingOccurrences(of: #""packed":1,"#, with: #""packed":1.0,"#)
        #expect(await hub.call("POST", "/v1/results", body: whole).json?["stored"] == .int(1))
        #expect(await hub.call("GET", "/v1/admin/summary").json?["results"] == .int(1))
    }

    @Test(arguments: ["order_id", "station"])
    func anEmptyOrderIDOrStationInAResultIsRefused(field: String) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1"))
        let body = HubFixture.batch(["1"]).replacingOccurrences(of: field == "station" ? #""station":"bench-1""# : #""body":{"order_id":"1""#,
                                                                 with: field == "station" ? #""station":"""# : #""body":{"order_id":"""#)
        let r = await hub.call("POST", "/v1/results", body: body)
        #expect(r.status == 422, "\(r.text)")
        #expect(r.json?["error"]?["problems"]?[0]?["path"] == .string("items[0].body.\(field)"), "\(r.text)")
        #expect(await hub.call("GET", "/v1/admin/summary").json?["results"] == .int(0))
    }

    /// The item says order 1, its result says order 2: a conflict the schema cannot state, so a
    /// 409 naming the item (the agent keeps such an entry aside), and neither order is packed.
    @Test func aResultForAnotherOrderThanItsItemIsAConflict() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1") + "\n" + HubFixture.order("2"))
        let body = HubFixture.batch(["1"]).replacingOccurrences(of: #""body":{"order_id":"1""#, with: #""body":{"order_id":"2""#)
        let r = await hub.call("POST", "/v1/results", body: body)
        #expect(r.status == 409, "\(r.text)")
        #expect(r.json?["error"]?["code"] == "order_mismatch" && r.json?["error"]?["item"] == .int(0), "\(r.text)")
        let summary = await hub.call("GET", "/v1/admin/summary").json
        #expect(summary?["results"] == .int(0) && summary?["orders_packed"] == .int(0))
    }

    /// One key twice in a batch is two sends of it: the same item is stored once and answered
    /// `duplicate`; a different item under it is 409 `key_reused` naming the second, and nothing
    /// of the batch is stored.
    @Test func aKeyTwiceInOneBatchIsADuplicateOrAReusedKey() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1") + "\n" + HubFixture.order("2"))
        let item = { (id: String) in String(HubFixture.batch([id], keyPrefix: "same").dropFirst(#"{"items":["#.count).dropLast(2)).replacingOccurrences(of: "same-\(id)", with: "same") }
        let same = await hub.call("POST", "/v1/results", body: #"{"items":["# + item("1") + "," + item("1") + "]}")
        #expect(same.status == 200, "\(same.text)")
        #expect(same.json?["stored"] == .int(1) && same.json?["duplicates"] == .int(1), "\(same.text)")
        let hub2 = try HubFixture()
        defer { hub2.remove() }
        try hub2.importOrders(HubFixture.order("1") + "\n" + HubFixture.order("2"))
        let different = await hub2.call("POST", "/v1/results", body: #"{"items":["# + item("1") + "," + item("2") + "]}")
        #expect(different.status == 409 && different.json?["error"]?["code"] == "key_reused" && different.json?["error"]?["item"] == .int(1), "\(different.text)")
        #expect(await hub2.call("GET", "/v1/admin/summary").json?["results"] == .int(0))
    }

    /// Beyond 2^53 a JSON number is no longer an exact integer: the schema's maximum, refused.
    @Test func aCountBeyondTwoToThe53IsRefused() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let r = await hub.call("POST", "/v1/status", body: #"{"outbox_pending": 51091705694439092518912}"#)
        #expect(r.status == 422 && r.json?["error"]?["problems"]?[0]?["path"] == "outbox_pending", "\(r.text)")
        let justOver = await hub.call("POST", "/v1/status", body: #"{"outbox_pending": 9007199254740992}"#)
        #expect(justOver.status == 422, "\(justOver.text)")
        #expect(await hub.call("POST", "/v1/status", body: #"{"outbox_pending": 9007199254740991}"#).status == 200)
    }

    @Test func progressWithAnUnknownFieldIsRefusedAndNothingMoves() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1"))
        let id = try hub.store.addLabelRun(name: "wave 1", station: "bench-1", orders: ["1"])
        let r = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":1,"state":"done","x":42}"#)
        #expect(r.status == 422 && r.json?["error"]?["problems"]?[0]?["path"] == "x", "\(r.text)")
        #expect(await hub.call("GET", "/v1/label-runs").json?["runs"]?[0]?["state"] == "queued")
    }

    /// 200,000 lines of `{}` in one result: 800,000 problems, 100 described, and the hub answers
    /// a few kilobytes (before, every problem's message and path was built and kept).
    @Test func aResultOfHundredsOfThousandsOfBadLinesGetsASmallAnswer() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1"))
        let lines = Array(repeating: "{}", count: 200_000).joined(separator: ",")
        let body = HubFixture.batch(["1"]).replacingOccurrences(of: #""lines":[{"sku":"S","expected":1,"packed":1,"short":0,"short_reason":null,"serials":[],"lots":[]}]"#,
                                                                 with: #""lines":[\#(lines)]"#)
        #expect(body.utf8.count < 1 << 20)
        let r = await hub.call("POST", "/v1/results", body: body)
        #expect(r.status == 422, "\(r.text.prefix(300))")
        guard case .array(let problems)? = r.json?["error"]?["problems"] else { Issue.record("no problems: \(r.text.prefix(300))"); return }
        #expect(problems.count == 100)
        #expect(r.json?["error"]?["problem_count"] == .int(800_000))
        #expect(r.text.utf8.count < 16_000, "\(r.text.utf8.count) bytes")
        #expect(await hub.call("GET", "/v1/admin/summary").json?["results"] == .int(0))
    }
}
