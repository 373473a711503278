import Foundation
import Hub
import PackCore
import Testing

/// Label runs as a station fetches them: the run's labels served to its own station only, the
/// station's label count, a failure with its reason; bad runs refused before anything is stored.
@Suite struct HubLabelRunTests {
    static let zpl = Array("^XA^FO50,50^A0N,30,30^FDone^FS^XZ\n^XA^FO50,50^A0N,30,30^FDtwo^FS^PQ2^XZ\n".utf8)

    @Test func aLabelFileIsServedToTheStationItIsAssignedToAndNoOther() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let id = try hub.store.addLabelRun(name: "marketplace", station: "bench-1", fileName: "/srv/wave 7.zpl", bytes: Self.zpl, printer: "zebra-left")
        let runs = await hub.call("GET", "/v1/label-runs").json?["runs"]
        #expect(runs?[0]?["content"] == .object([("kind", "labels"), ("name", "wave 7.zpl"), ("bytes", .int(Self.zpl.count))]), "\(String(describing: runs))")
        #expect(runs?[0]?["printer"] == "zebra-left" && runs?[0]?["total"] == .int(0) && runs?[0]?["state"] == "queued")
        let labels = await hub.send("GET", "/v1/label-runs/\(id)/labels")
        #expect(labels.status == 200 && labels.body == Self.zpl, "\(labels.text)")

        // Another station neither sees it nor gets its labels, and learns nothing of it.
        let other = "Bearer " + (try hub.store.addStation(name: "bench-9"))
        #expect(await hub.call("GET", "/v1/label-runs", token: .some(other)).json?["runs"] == .array([]))
        let foreign = await hub.call("GET", "/v1/label-runs/\(id)/labels", token: .some(other))
        #expect(foreign.status == 404 && foreign.json?["error"]?["code"] == "unknown_run" && !foreign.text.contains("^XA"), "\(foreign.text)")
        #expect(await hub.call("GET", "/v1/label-runs/999/labels").status == 404)

        // The station counts 3 labels (a ^PQ2 is two), reports them, then a failure with its reason.
        let counted = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":0,"state":"running","total":3}"#)
        #expect(counted.status == 200 && counted.json?["total"] == .int(3), "\(counted.text)")
        let failed = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":2,"state":"failed","reason":"zebra-left: head open"}"#)
        #expect(failed.status == 200 && failed.json?["reason"] == "zebra-left: head open", "\(failed.text)")
        #expect(await hub.call("GET", "/v1/label-runs").json?["runs"] == .array([]), "a failed run leaves the station's list")
        let listed = try hub.store.listLabelRuns()
        #expect(listed.count == 1 && listed[0]["station"] == "bench-1" && listed[0]["state"] == "failed" && listed[0]["printed"] == .int(2))
        let admin = await hub.call("GET", "/v1/admin/label-runs", query: ["station": "bench-1"], token: .some(nil))
        #expect(admin.status == 200 && admin.json?["runs"]?[0]?["reason"] == "zebra-left: head open" && admin.json?["runs"]?[0]?["total"] == .int(3), "\(admin.text)")
        #expect(await hub.call("GET", "/v1/admin/label-runs", query: ["station": "bench-9"], token: .some(nil)).json?["runs"] == .array([]))
    }

    /// What the schema allows, the hub takes, and what it does not, the hub refuses with 422
    /// (found by schemathesis): null for total and reason, a reason of 2,000 characters however
    /// many bytes they take, none of 2,001; a queue limit beyond 5,000 with or without `since`.
    @Test func progressFieldsAndQueueLimitsAreCheckedAsTheSchemaSays() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let id = try hub.store.addLabelRun(name: "n", station: "bench-1", fileName: "n.zpl", bytes: Self.zpl, printer: nil)
        let nulls = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":0,"state":"running","total":null,"reason":null}"#)
        #expect(nulls.status == 200 && nulls.json?["reason"] == .null, "\(nulls.text)")
        let wide = String(repeating: "\u{1F4E6}", count: 2000)  // 4 bytes each, 12 escaped as JSON
        let escaped = String(repeating: #"\ud83d\udce6"#, count: 2000)
        let long = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":0,"state":"failed","reason":"\#(escaped)"}"#)
        #expect(long.status == 200 && long.json?["reason"] == .string(wide), "\(long.status) \(long.text.prefix(200))")
        let tooLong = await hub.call("POST", "/v1/label-runs/\(id)/progress", body: #"{"printed":0,"state":"failed","reason":"\#(escaped)x"}"#)
        #expect(tooLong.status == 422 && tooLong.text.contains("at most 2000 characters"), "\(tooLong.status) \(tooLong.text.prefix(200))")
        for query in [["limit": "5001"], ["since": "", "limit": "5001"], ["limit": "0"]] {
            let big = await hub.call("GET", "/v1/orders/queue", query: query)
            #expect(big.status == 400 && big.text.contains("limit must be a whole number from 1 to 5000"), "\(query): \(big.text)")
        }
    }

    @Test func anOrdersRunIsServedAsTheOrdersJSONLinesInRunOrder() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("7") + "\n" + HubFixture.order("3"))
        let id = try hub.store.addLabelRun(name: "wave", station: "bench-1", orders: ["3", "7"])
        let labels = await hub.send("GET", "/v1/label-runs/\(id)/labels")
        let lines = labels.text.split(separator: "\n").map { try? JSONParser.parse(Array($0.utf8)) }
        #expect(labels.status == 200 && lines.map { $0?["id"] } == ["3", "7"], "\(labels.text)")
        #expect(labels.header("Content-Type") == "application/x-ndjson")
    }

    @Test(arguments: [
        ("wave.txt", 10, "not_a_label_file"),
        ("wave.zpl", 0, "empty_run"),
        ("wave.zpl", 2_000, "run_too_large"),
    ])
    func aBadLabelFileIsRefusedAndNothingIsStored(name: String, size: Int, code: String) throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let bytes = Array(repeating: UInt8(ascii: "^"), count: size)
        #expect {
            try hub.store.addLabelRun(name: "bad", station: "bench-1", fileName: name, bytes: bytes, maximumBytes: 1_000)
        } throws: { error in
            guard let e = error as? HubError else { return false }
            return e.code == code && e.message.contains("No run was created")
        }
        #expect(try hub.store.listLabelRuns().isEmpty)
    }

    @Test func aRunNamingAnUnprintablePrinterNameIsRefused() throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        #expect(throws: HubError.self) { try hub.store.addLabelRun(name: "bad", station: "bench-1", fileName: "a.zpl", bytes: Self.zpl, printer: "zebra\u{1B}[2J") }
        #expect(try hub.store.listLabelRuns().isEmpty)
    }
}
