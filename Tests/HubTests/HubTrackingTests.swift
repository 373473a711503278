import Foundation
import GRDB
@testable import Hub
import PackCore
import Testing

/// `POST /v1/tracking` and `GET /v1/admin/orders/{id}/history` over HTTP: who may call them,
/// what each update does to its packages and orders, what a bad batch gets back, and that markup
/// in every string comes back as the same text.
@Suite struct HubTrackingTests {
    static let admin = "admin-token-0123456789abcdef"

    /// A hub with an admin token, an integration `ups`, and labelled orders: `TWO` (packages
    /// TRK-2A and TRK-2B) and `ONE` (TRK-1).
    struct Hub {
        let hub: HubFixture
        let integration: String

        init() async throws {
            hub = try HubFixture(adminToken: HubTrackingTests.admin)
            integration = try hub.store.addIntegration(name: "ups")
            let shipment = HubLifecycleFlowTests.shipment.replacingOccurrences(of: #""tracking":"1Z999AA10123456784","#, with: "")
            // Per-package numbers (shipment.package_tracking), as a carrier gives each parcel of a shipment its own.
            for (id, numbers) in [("TWO", #"["TRK-2A","TRK-2B"]"#), ("ONE", #"["TRK-1"]"#)] {
                let packages = id == "TWO" ? 2 : 1
                let order = String(HubFixture.order(id).dropLast()) + #","shipment":"# + shipment.replacingOccurrences(of: #""packages":2,"package_weights":[1200,800]"#, with: #""packages":\#(packages),"package_tracking":\#(numbers)"#) + "}"
                try hub.importOrders(order)
                let r = await hub.call("POST", "/v1/results", body: #"{"items":["# + HubLifecycleFlowTests.packResult(id, key: "p-\(id)") + "," + HubLifecycleFlowTests.labelPrinted(id, key: "l-\(id)") + "]}")
                try #require(r.status == 200, "\(r.text)")
            }
        }

        func track(_ updates: [String], token: String? = nil) async -> (status: Int, json: JSONValue?, text: String) {
            await hub.call("POST", "/v1/tracking", body: #"{"updates":["# + updates.joined(separator: ",") + "]}", token: .some("Bearer " + (token ?? integration)))
        }

        func state(_ id: String) throws -> String? { try hub.store.orderState(id)?.rawValue }

        func history(_ id: String) async -> JSONValue? {
            await hub.call("GET", "/v1/admin/orders/\(id)/history", token: .some("Bearer " + HubTrackingTests.admin)).json
        }
    }

    static func stamp(_ t: Double) -> String {
        Date(timeIntervalSince1970: t).formatted(Date.ISO8601FormatStyle())
    }

    static func update(_ tracking: String, _ status: String, at: String = "2026-11-24T08:00:00Z", location: String? = nil, detail: String? = nil) -> String {
        var members: [(String, JSONValue)] = [("tracking", .string(tracking)), ("status", .string(status)), ("at", .string(at))]
        if let location { members.append(("location", .string(location))) }
        if let detail { members.append(("detail", .string(detail))) }
        return JSONValue.object(members).jsonText
    }

    @Test(arguments: [
        ("2026-11-24T08:00:00Z", 1_795_507_200.0), ("2026-11-24t08:00:00z", 1_795_507_200.0), ("2026-11-24T09:00:00+01:00", 1_795_507_200.0),
        ("2026-11-24T07:30:00.250-00:30", 1_795_507_200.25), ("1970-01-01T00:00:00Z", 0), ("2000-02-29T23:59:60Z", 951_868_799),
        ("1969-12-31T23:59:59Z", -1),
    ])
    func carrierTimesAreReadAsRFC3339Says(text: String, seconds: Double) throws {
        let date = try #require(TrackingBatch.date(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.0001)
    }

    @Test(arguments: ["2026-11-24", "2026-11-24T08:00:00", "2026-13-01T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T08:00:00.Z", "2026-11-24T08:00:00+1:00", "2026-11-24T08:00:00Zx", "２026-11-24T08:00:00Z", "2026-11-24 08:00:00Z"])
    func otherTimesAreNot(text: String) {
        #expect(TrackingBatch.date(text) == nil)
    }

    @Test func whoMayReportTrackingAndWhoMayNot() async throws {
        let h = try await Hub()
        defer { h.hub.remove() }
        let one = [Self.update("TRK-1", "in_transit")]
        let station = await h.track(one, token: h.hub.token)
        #expect(station.status == 403 && station.json?["error"]?["code"] == "station_token")
        #expect(station.json?["error"]?["message"] == "A station's token cannot report tracking; use an integration token (`packstation-hub integration add NAME`) or the hub's admin token.")
        let none = await h.hub.call("POST", "/v1/tracking", body: #"{"updates":[]}"#, token: .some(nil))
        #expect(none.status == 401 && none.json?["error"]?["code"] == "missing_token")
        let forged = await h.track(one, token: "int-1.0000")
        #expect(forged.status == 401 && forged.json?["error"]?["code"] == "bad_token")
        #expect(try h.state("ONE") == "labelled", "nothing applied by refused callers")
        // An integration token opens neither the stations' API nor the admins'.
        let asStation = await h.hub.call("GET", "/v1/orders/queue", token: .some("Bearer " + h.integration))
        #expect(asStation.status == 401)
        let asAdmin = await h.hub.call("GET", "/v1/admin/summary", token: .some("Bearer " + h.integration))
        #expect(asAdmin.status == 401 && asAdmin.json?["error"]?["code"] == "bad_admin_token")
        let historyAsIntegration = await h.hub.call("GET", "/v1/admin/orders/ONE/history", token: .some("Bearer " + h.integration))
        #expect(historyAsIntegration.status == 401)
        // The admin token is accepted where an integration token is.
        let admin = await h.track(one, token: Self.admin)
        #expect(admin.status == 200 && admin.json?["applied"] == .int(1), "\(admin.text)")
        #expect(try h.state("ONE") == "in_transit")
        // A removed integration's token stops working at once.
        try h.hub.store.removeIntegration(name: "ups")
        let removed = await h.track([Self.update("TRK-1", "delivered")])
        #expect(removed.status == 401 && removed.json?["error"]?["code"] == "bad_token")
        #expect(try h.state("ONE") == "in_transit")
    }

    @Test func anOrderIsDeliveredWhenAllItsPackagesAreAndUnknownNumbersDoNotFailTheBatch() async throws {
        let h = try await Hub()
        defer { h.hub.remove() }
        let first = await h.track([
            Self.update("TRK-2A", "in_transit", at: "2026-11-24T08:00:00Z", location: "Madrid"),
            Self.update("NOPE-1", "delivered"),
            Self.update("TRK-2A", "delivered", at: "2026-11-24T15:00:00+01:00", location: "Sevilla"),
        ])
        #expect(first.status == 200, "\(first.text)")
        #expect(first.json?["applied"] == .int(2) && first.json?["unknown_tracking"] == .int(1) && first.json?["refused"] == .int(0))
        let items = try #require(first.json?["items"])
        #expect(items[1]?["status"] == "unknown_tracking" && items[1]?["index"] == .int(1))
        #expect(items[1]?["message"] == "No package on this hub has tracking number 'NOPE-1'; a package gets its number when its order's label is printed. Check the number, or send the update again after that.")
        #expect(items[2]?["orders"] == .array([.object([("id", "TWO"), ("state", "in_transit")])]), "one of two packages delivered: still in transit")
        let second = await h.track([Self.update("TRK-2B", "delivered", at: "2026-11-24T16:00:00Z")])
        #expect(second.json?["items"]?[0]?["orders"]?[0]?["state"] == "delivered")
        #expect(try h.state("TWO") == "delivered")
        let history = try #require(await h.history("TWO"))
        #expect(history["states"]?.arrayCount == 5)
        let states = (0..<5).map { history["states"]?[$0]?["state"] }
        #expect(states == ["ready", "packed", "labelled", "in_transit", "delivered"])
        #expect(history["states"]?[4]?["source"] == "tracking" && history["states"]?[4]?["detail"]?["integration"] == "ups")
        #expect(history["states"]?[3]?["at"] == "2026-11-24T08:00:00.000Z", "the carrier's time")
        #expect(history["packages"]?[0]?["updates"]?.arrayCount == 2 && history["packages"]?[0]?["location"] == "Sevilla")
        #expect(history["events"]?.arrayCount == 5)
        // The whole batch again: nothing changes, nothing is recorded twice.
        let again = await h.track([Self.update("TRK-2A", "in_transit", at: "2026-11-24T08:00:00Z", location: "Madrid"), Self.update("TRK-2B", "delivered", at: "2026-11-24T16:00:00Z")])
        #expect(again.json?["unchanged"] == .int(2) && again.json?["applied"] == .int(0))
        #expect(await h.history("TWO")?["states"]?.arrayCount == 5)
        #expect(await h.history("TWO")?["packages"]?[0]?["updates"]?.arrayCount == 2)
    }

    @Test func lateScansAreKeptButDoNotMoveBackAndADeliveredOrderRefusesToTravelAgain() async throws {
        let h = try await Hub()
        defer { h.hub.remove() }
        _ = await h.track([Self.update("TRK-1", "delivered", at: "2026-11-24T12:00:00Z")])
        let late = await h.track([Self.update("TRK-1", "in_transit", at: "2026-11-24T09:00:00Z", location: "Hub")])
        #expect(late.json?["stale"] == .int(1))
        #expect(try h.state("ONE") == "delivered")
        #expect(await h.history("ONE")?["packages"]?[0]?["updates"]?.arrayCount == 2, "the late scan is in the package's history")
        let back = await h.track([Self.update("TRK-1", "in_transit", at: "2026-11-25T09:00:00Z")])
        #expect(back.status == 200 && back.json?["refused"] == .int(1))
        #expect(back.json?["items"]?[0]?["message"] == "Order ONE is delivered and cannot become in_transit; delivered is final: nothing follows it. Nothing was changed. The update was not stored; if the carrier is right, correct the order first.")
        #expect(await h.history("ONE")?["packages"]?[0]?["updates"]?.arrayCount == 2, "a refused update stores nothing")
        #expect(await h.history("ONE")?["packages"]?[0]?["state"] == "delivered")
    }

    @Test func anExceptionAndBack() async throws {
        let h = try await Hub()
        defer { h.hub.remove() }
        _ = await h.track([Self.update("TRK-2A", "in_transit", at: "2026-11-24T08:00:00Z"), Self.update("TRK-2B", "exception", at: "2026-11-24T09:00:00Z", detail: "Address not found")])
        #expect(try h.state("TWO") == "exception")
        let events = try h.hub.store.events(ofOrder: "TWO").map(\.type)
        #expect(events.suffix(2) == ["order.in_transit", "order.exception"])
        _ = await h.track([Self.update("TRK-2B", "in_transit", at: "2026-11-24T11:00:00Z")])
        #expect(try h.state("TWO") == "in_transit")
    }

    @Test func markupInEveryStringComesBackAsTheSameText() async throws {
        let h = try await Hub()
        defer { h.hub.remove() }
        let markup = #"<script>alert("x")</script><img src=x onerror=alert(1)>&amp;"#
        try await h.hub.store.pool.write { db in try db.execute(sql: "UPDATE packages SET tracking = ? WHERE order_id = 'ONE'", arguments: [markup]) }
        let r = await h.track([Self.update(markup, "exception", location: markup, detail: markup)])
        #expect(r.status == 200 && r.json?["items"]?[0]?["tracking"] == .string(markup), "\(r.text)")
        let answer = await h.hub.send("GET", "/v1/admin/orders/ONE/history", token: .some("Bearer " + Self.admin))
        #expect(answer.header("Content-Type") == "application/json")
        let history = try #require(try? JSONParser.parse(answer.body))
        let package = try #require(history["packages"]?[0])
        #expect(package["tracking"] == .string(markup) && package["location"] == .string(markup) && package["detail"] == .string(markup))
        #expect(package["updates"]?[0]?["location"] == .string(markup) && package["updates"]?[0]?["detail"] == .string(markup))
        #expect(history["states"]?[3]?["detail"]?["detail"] == .string(markup))
    }

    @Test func badBatchesAreRefusedWholeAndSaySo() async throws {
        let h = try await Hub()
        defer { h.hub.remove() }
        let bad = await h.track([Self.update("TRK-1", "delivered"), #"{"tracking":"","status":"lost","at":"yesterday","extra":1}"#, #"{"tracking":"TRK-2A","status":"delivered","at":"2026-11-24T08:00:00Z","location":"a\u0007b"}"#])
        #expect(bad.status == 422 && bad.json?["error"]?["code"] == "invalid_update")
        let paths = (0..<5).compactMap { bad.json?["error"]?["problems"]?[$0]?["path"] }
        #expect(paths == ["updates[1].extra", "updates[1].tracking", "updates[1].status", "updates[1].at", "updates[2].location"])
        #expect(bad.json?["error"]?["problems"]?[2]?["message"] == "must be in_transit, delivered or exception, not 'lost'")
        #expect(try h.state("ONE") == "labelled", "nothing of a refused batch is applied")
        let empty = await h.track([])
        #expect(empty.status == 422 && empty.json?["error"]?["code"] == "batch_size")
        let notJSON = await h.hub.call("POST", "/v1/tracking", body: "{", token: .some("Bearer " + h.integration))
        #expect(notJSON.status == 400 && notJSON.json?["error"]?["code"] == "malformed_json")
        let text = await h.hub.call("POST", "/v1/tracking", body: "x", token: .some("Bearer " + h.integration), contentType: "text/plain")
        #expect(text.status == 415)
        let get = await h.hub.call("GET", "/v1/tracking", token: .some("Bearer " + h.integration))
        #expect(get.status == 405)
    }

    @Test func tenThousandUpdatesGoInOneBatchAndOneMoreIsRefused() async throws {
        let h = try await Hub()
        defer { h.hub.remove() }
        // 10,000 scans of TRK-2A, one a minute, then the last: delivered.
        var updates = (0..<9_999).map { i in Self.update("TRK-2A", "in_transit", at: Self.stamp(1_795_500_000 + Double(i) * 60), location: "Depot \(i)") }
        updates.append(Self.update("TRK-2A", "delivered", at: "2027-12-31T00:00:00Z"))
        let start = Date()
        let r = await h.track(updates)
        let seconds = Date().timeIntervalSince(start)
        #expect(r.status == 200, "\(r.text.prefix(300))")
        #expect(r.json?["items"]?.arrayCount == 10_000 && r.json?["applied"] == .int(2) && r.json?["unchanged"] == .int(9_998))
        #expect(await h.history("TWO")?["packages"]?[0]?["updates"]?.arrayCount == 1000, "the history lists the first 1,000 by default")
        #expect(seconds < 60, "10,000 updates took \(seconds) s")
        let over = await h.track(updates + [Self.update("TRK-1", "delivered")])
        #expect(over.status == 422 && over.json?["error"]?["code"] == "batch_size")
        #expect(over.json?["error"]?["message"] == "A tracking batch holds 1 to 10000 updates, not 10001; send the rest in another request.")
        // A body over 4 MiB is refused from its declared length, before it is read.
        let port = await h.hub.port()
        let head = "POST /v1/tracking HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(h.integration)\r\nContent-Type: application/json\r\nContent-Length: \(TrackingBatch.maximumBytes + 1)\r\nConnection: close\r\n\r\n"
        let huge = HTTPTestClient.parse(await HTTPTestClient.exchange(port: port, Array(head.utf8), closeAfter: 60).bytes)
        #expect(huge.status == 413 && (try? JSONParser.parse(huge.body))?["error"]?["limit"] == .int(TrackingBatch.maximumBytes))
        #expect(try h.state("ONE") == "labelled")
    }

    @Test func theHistoryOfAnUnknownOrderIsNotFoundAndNeedsTheAdminToken() async throws {
        let h = try await Hub()
        defer { h.hub.remove() }
        let unknown = await h.hub.call("GET", "/v1/admin/orders/NOPE/history", token: .some("Bearer " + Self.admin))
        #expect(unknown.status == 404 && unknown.json?["error"]?["code"] == "unknown_order")
        let anonymous = await h.hub.call("GET", "/v1/admin/orders/ONE/history", token: .some(nil))
        #expect(anonymous.status == 401)
        let history = try #require(await h.history("ONE"))
        #expect(history["order"]?["state"] == "labelled" && history["order"]?["carrier"] == "UPS")
        #expect(history["results"]?.arrayCount == 2 && history["results"]?[1]?["kind"] == "label_printed")
        #expect(history["results"]?[0]?["body"]?["packer"] == "ana")
        #expect(history["counts"]?["results"] == .int(2))
        let badLimit = await h.hub.call("GET", "/v1/admin/orders/ONE/history", query: ["limit": "0"], token: .some("Bearer " + Self.admin))
        #expect(badLimit.status == 400)
    }
}
