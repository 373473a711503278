import Foundation
import Hub
import LabelGraphics
import PackCore
import Testing

/// The end-of-day close-out on the hub: refused while packages are missing, then allowed; the
/// orders whose packages all left are shipped (history and order.shipped), the manifest filed
/// as PDF and CSV, printed through a label run; a reopen logged, nothing un-shipped.
@Suite struct HubCloseoutTests {
    typealias Dock = HubDockLoadTests
    static let render: HubStore.ManifestRenderer = { try ManifestPDF.render($0) }

    static func day() throws -> DockDay { DockDay(Date()) }

    /// The dock of HubDockLoadTests with 1001 and package 1 of 1002 loaded into UPS's trailer.
    static func loaded() async throws -> HubFixture {
        let hub = try await Dock.dock()
        let stored = await hub.call("POST", "/v1/results", body: Dock.batch([
            Dock.scan("l1", code: "1Z1001", order: "1001", package: 1), Dock.scan("l2", code: "PKG:1002:1", order: "1002", package: 1),
            Dock.scan("l3", code: "JD1003", order: "1003", package: 1, verdict: "wrong_carrier"),
        ]))
        #expect(stored.status == 200, "\(stored.text)")
        return hub
    }

    static func state(_ hub: HubFixture, _ order: String) async -> String? {
        let history = await hub.call("GET", "/v1/admin/orders/\(order)/history", token: .some(nil))
        if case .string(let s)? = history.json?["order"]?["state"] { return s }
        return nil
    }

    @Test func missingPackagesRefuseTheCloseUntilAllowedThenOrdersShip() async throws {
        let hub = try await Self.loaded()
        defer { hub.remove() }
        let before = try hub.store.lastEventID()
        await #expect(throws: HubError.self) {
            _ = try await hub.store.closeOut(carrier: "UPS", day: try Self.day(), allowMissing: false, by: "Lou", render: Self.render)
        }
        do {
            _ = try await hub.store.closeOut(carrier: "ups", day: try Self.day(), allowMissing: false, by: "Lou", render: Self.render)
        } catch let error as HubError {
            #expect(error.status == 409 && error.code == "missing_packages", "\(error)")
            #expect(error.message.contains("1 package(s) expected for UPS on \(try Self.day()) are not loaded: PKG:1002:2 (order 1002)") && error.message.contains("--allow-missing"), "\(error.message)")
        }
        #expect(try hub.store.lastEventID() == before, "a refused close changes nothing")
        #expect(try await hub.store.listCloseouts(carrier: nil, day: nil).isEmpty)

        let closed = try await hub.store.closeOut(carrier: "UPS", day: try Self.day(), allowMissing: true, by: "Lou", render: Self.render)
        #expect(closed.manifest.id.hasPrefix("UPS-" + (try Self.day()).text.replacingOccurrences(of: "-", with: "") + "-") && closed.manifest.loaded.map(\.tracking) == ["1Z1001", "PKG:1002:1"] && closed.manifest.missing.map(\.tracking) == ["PKG:1002:2"])
        #expect(closed.shipped == ["1001"] && closed.partial == ["1002"] && closed.extra == 1)
        let shipped1001 = await Self.state(hub, "1001"), state1002 = await Self.state(hub, "1002")
        #expect(shipped1001 == "shipped" && state1002 != "shipped" && state1002 != nil)
        let events = try hub.store.events(after: before, limit: 100)
        #expect(events.filter { $0.type == "order.shipped" }.map(\.orderID) == ["1001"])
        let close = try #require(events.first { $0.type == "closeout.closed" })
        #expect(close.data["manifest_id"] == .string(closed.manifest.id) && close.data["packages"] == .int(2) && close.data["missing"] == .int(1) && close.data["closed_by"] == "Lou")

        // Filed: the CSV and the PDF, through the admin API.
        let csv = await hub.call("GET", "/v1/admin/closeouts/\(closed.manifest.id)/csv", token: .some(nil))
        #expect(csv.status == 200 && csv.text.contains("\r\nloaded,1001,1,1Z1001,Ground,1.250\r\n") && csv.text.contains("\r\nmissing,1002,2,PKG:1002:2,Next Day Air,\r\n"), "\(csv.text)")
        let pdf = await hub.send("GET", "/v1/admin/closeouts/\(closed.manifest.id)/pdf", token: .some(nil))
        #expect(pdf.status == 200 && pdf.body.starts(with: Array("%PDF-".utf8)))
        #expect(await hub.call("GET", "/v1/admin/closeouts/NOPE-1/pdf", token: .some(nil)).status == 404)

        // The day is closed: the report says so, a second close is refused.
        let report = try await hub.store.loadReport(carrier: "UPS", day: try Self.day())
        #expect(report.closedManifest == closed.manifest.id)
        do {
            _ = try await hub.store.closeOut(carrier: "UPS", day: try Self.day(), allowMissing: true, by: "Lou", render: Self.render)
            Issue.record("a closed day was closed again")
        } catch let error as HubError { #expect(error.code == "already_closed" && error.message.contains("reopen"), "\(error.message)") }

        // Reopened with a reason: logged, nothing un-shipped; the next close lists 1001 again.
        do {
            _ = try await hub.store.reopenCloseout(carrier: "UPS", day: try Self.day(), reason: "  ", by: "Ana")
            Issue.record("a reopen without a reason was taken")
        } catch let error as HubError { #expect(error.code == "missing_reason") }
        let reopened = try await hub.store.reopenCloseout(carrier: "UPS", day: try Self.day(), reason: "late pallet", by: "Ana")
        #expect(reopened["reason"] == "late pallet" && reopened["reopened_by"] == "Ana")
        let stillShipped = await Self.state(hub, "1001")
        #expect(stillShipped == "shipped", "a reopen un-ships nothing")
        let reopenEvent = try #require(try hub.store.events(after: 0, limit: 200, types: ["closeout.reopened"]).first)
        #expect(reopenEvent.data["reason"] == "late pallet" && reopenEvent.data["reopened_by"] == "Ana")
        let listed = try await hub.store.listCloseouts(carrier: "UPS", day: nil)
        #expect(listed.first?["state"] == "reopened" && listed.first?["reopen_reason"] == "late pallet")
        let stored = await hub.call("POST", "/v1/results", body: Dock.batch([Dock.scan("l9", code: "PKG:1002:2", order: "1002", package: 2)]))
        #expect(stored.status == 200)
        let again = try await hub.store.closeOut(carrier: "UPS", day: try Self.day(), allowMissing: false, by: "Lou", render: Self.render)
        #expect(again.manifest.id != closed.manifest.id && Set(again.manifest.loaded.map(\.tracking)) == ["1Z1001", "PKG:1002:1", "PKG:1002:2"] && again.manifest.missing.isEmpty)
        let shipped1002 = await Self.state(hub, "1002")
        #expect(again.shipped == ["1002"] && shipped1002 == "shipped", "1001 had shipped already: \(again.shipped)")
        #expect(try hub.store.events(after: 0, limit: 500, types: ["order.shipped"]).map(\.orderID) == ["1001", "1002"], "1001 shipped once")
    }

    @Test func theAdminAPIClosesPrintsAndRefusesBadBodies() async throws {
        let hub = try HubFixture(configureAPI: { $0.manifestRenderer = Self.render })
        defer { hub.remove() }
        try hub.importOrders(Dock.order("1001", carrier: "UPS", tracking: "1Z1001"))
        _ = await hub.call("POST", "/v1/results", body: HubFixture.batch(["1001"]))
        _ = await hub.call("POST", "/v1/results", body: Dock.batch([Dock.scan("l1", code: "1Z1001", order: "1001", package: 1)]))
        let bad: [(String, Int, String)] = [
            (#"{"carrier":"UPS","date":"\#(Dock.today)"}"#, 422, "by"),
            (#"{"carrier":"UPS","date":"\#(Dock.today)","by":"Lou","paper":"a3"}"#, 422, "must be a4 or letter"),
            (#"{"carrier":"UPS","date":"\#(Dock.today)","by":"Lou","colour":"red"}"#, 422, "unknown member 'colour'"),
            (#"{"carrier":"UPS","date":"4.12.2026","by":"Lou"}"#, 400, "YYYY-MM-DD"),
            (#"{"carrier":"UPS","date":"\#(Dock.today)","by":"Lou","print":{"station":"nope"}}"#, 404, "No station named 'nope'"),
            (#"{"carrier":"DHL","date":"\#(Dock.today)","by":"Lou"}"#, 409, "No package was loaded for DHL"),
        ]
        for (body, status, says) in bad {
            let answer = await hub.call("POST", "/v1/admin/closeouts", body: body, token: .some(nil))
            #expect(answer.status == status && answer.text.contains(says), "\(body): \(answer.status) \(answer.text)")
        }
        #expect(try await hub.store.listCloseouts(carrier: nil, day: nil).isEmpty)
        let closed = await hub.call("POST", "/v1/admin/closeouts", body: #"{"carrier":"UPS","date":"\#(Dock.today)","by":"Lou","paper":"letter","print":{"station":"bench-1","printer":"laser"}}"#, token: .some(nil))
        #expect(closed.status == 201 && closed.json?["shipped_orders"] == .array(["1001"]), "\(closed.text)")
        var manifestID = ""
        if case .string(let s)? = closed.json?["manifest_id"] { manifestID = s }
        // The station prints it as a label run of one PDF file, on the printer named.
        let runs = await hub.call("GET", "/v1/label-runs")
        let run = runs.json?["runs"]?[0]
        #expect(run?["printer"] == "laser" && run?["content"]?["kind"] == "labels" && run?["name"] == .string("manifest \(manifestID)"), "\(runs.text)")
        #expect(closed.json?["label_run"] == run?["id"])
        let list = await hub.call("GET", "/v1/admin/closeouts", query: ["carrier": "ups"], token: .some(nil))
        #expect(list.json?["closeouts"]?[0]?["paper"] == "letter" && list.json?["closeouts"]?[0]?["label_run"] == run?["id"], "\(list.text)")
        let reopened = await hub.call("POST", "/v1/admin/closeouts/reopen", body: #"{"carrier":"UPS","date":"\#(Dock.today)","reason":"driver came back","by":"Ana"}"#, token: .some(nil))
        #expect(reopened.status == 200 && reopened.json?["state"] == "reopened", "\(reopened.text)")
        let twice = await hub.call("POST", "/v1/admin/closeouts/reopen", body: #"{"carrier":"UPS","date":"\#(Dock.today)","reason":"again","by":"Ana"}"#, token: .some(nil))
        #expect(twice.status == 409 && twice.json?["error"]?["code"] == "not_closed")
    }
}
