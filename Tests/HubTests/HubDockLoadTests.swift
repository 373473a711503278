import Foundation
import Hub
import PackCore
import Testing

/// Load scans at the dock as the hub stores and reports them: per carrier and day, the packages
/// loaded, missing and extra; a bad or foreign scan refused with nothing stored.
@Suite struct HubDockLoadTests {
    /// An order shipping with `carrier`, `packages` boxes and the tracking of package 1, if any.
    static func order(_ id: String, carrier: String, service: String = "Ground", packages: Int = 1, tracking: String? = nil, weights: [Int]? = nil) -> String {
        let t = tracking.map { #","tracking":"\#($0)""# } ?? ""
        let w = weights.map { #","package_weights":[\#($0.map(String.init).joined(separator: ","))]"# } ?? ""
        return #"{"id":"\#(id)","barcodes":["ORD-\#(id)"],"status":"ready","payment":"captured","lines":[{"sku":"S-\#(id)","quantity":1,"barcodes":["4006381333931"]}],"#
            + #""shipment":{"carrier":"\#(carrier)","service":"\#(service)","packages":\#(packages)\#(t)\#(w),"#
            + #""from":{"name":"W","street":["S 1"],"city":"X","country":"US"},"to":{"name":"P","street":["A 2"],"city":"Y","country":"US"}}}"#
    }

    /// A load scan item as the agent sends it.
    static func scan(_ key: String, code: String, carrier: String = "UPS", order: String? = nil, package: Int? = nil, verdict: String = "loaded",
                     station: String = "bench-1", at: String = now) -> String {
        let o = order.map { "\"\($0)\"" } ?? "null"
        let p = package.map(String.init) ?? "null"
        return #"{"key":"\#(key)","type":"load_scan","order_id":\#(o),"body":{"code":"\#(code)","carrier":"\#(carrier)","trailer":null,"station":"\#(station)","person":"Lou","at":"\#(at)","verdict":"\#(verdict)","package":\#(p)}}"#
    }

    /// Now, as the agent writes it: the tests run on any day, and a package is expected on the
    /// days from the one it was packed.
    static var now: String { Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
    static var today: String { DockDay(Date()).text }
    static var tomorrow: String { DockDay(Date().addingTimeInterval(86_400)).text }

    static func batch(_ items: [String]) -> String { #"{"items":["# + items.joined(separator: ",") + "]}" }

    /// UPS: 1001 (tracked), 1002 (two packages, none tracked), 1004 (not packed); DHL: 1003.
    static func dock() async throws -> HubFixture {
        let hub = try HubFixture()
        try hub.importOrders([
            order("1001", carrier: "UPS", tracking: "1Z1001", weights: [1250]),
            order("1002", carrier: "ups", service: "Next Day Air", packages: 2),
            order("1003", carrier: "DHL", tracking: "JD1003"),
            order("1004", carrier: "UPS", tracking: "1Z1004"),
        ].joined(separator: "\n"))
        let packed = await hub.call("POST", "/v1/results", body: HubFixture.batch(["1001", "1002", "1003"]))
        #expect(packed.status == 200, "\(packed.text)")
        return hub
    }

    @Test func aCarriersDayListsLoadedMissingAndExtra() async throws {
        let hub = try await Self.dock()
        defer { hub.remove() }
        // The station's cache: every open package, with the code the loader scans.
        let packages = await hub.call("GET", "/v1/loads/packages")
        let codes = packages.json?["packages"].flatMap { if case .array(let a) = $0 { a.compactMap { $0["code"] } } else { nil } }
        #expect(codes == ["1Z1001", "PKG:1002:1", "PKG:1002:2", "JD1003"], "\(packages.text)")

        let first = Self.scan("l1", code: "1Z1001", order: "1001", package: 1)
        let stored = await hub.call("POST", "/v1/results", body: Self.batch([
            first,
            Self.scan("l2", code: "PKG:1002:1", order: "1002", package: 1),
            Self.scan("l3", code: "1Z1001", order: "1001", package: 1, verdict: "already_loaded"),
            Self.scan("l4", code: "JD1003", order: "1003", package: 1, verdict: "wrong_carrier"),
            Self.scan("l5", code: "1Z1004", verdict: "not_packed"),
            Self.scan("l6", code: "<script>alert(1)</script>", verdict: "unknown_package"),
        ]))
        #expect(stored.status == 200 && stored.json?["stored"] == .int(6), "\(stored.text)")

        let day = await hub.call("GET", "/v1/admin/loads", query: ["carrier": "ups", "date": Self.today], token: .some(nil))
        #expect(day.status == 200, "\(day.text)")
        #expect(day.json?["counts"] == .object([("expected", .int(3)), ("loaded", .int(2)), ("missing", .int(1)), ("extra", .int(3))]), "\(day.text)")
        #expect(day.json?["loaded"]?[0]?["code"] == "1Z1001" && day.json?["loaded"]?[0]?["weight_g"] == .int(1250) && day.json?["loaded"]?[0]?["person"] == "Lou")
        #expect(day.json?["missing"]?[0]?["code"] == "PKG:1002:2" && day.json?["missing"]?[0]?["service"] == "Next Day Air")
        let extra = day.json?["extra"]
        #expect(extra?[0]?["code"] == "JD1003" && extra?[0]?["reason"] == "wrong_carrier" && extra?[0]?["carrier"] == "DHL")
        #expect(extra?[1]?["code"] == "1Z1004" && extra?[1]?["reason"] == "not_packed" && extra?[1]?["order_id"] == "1004")
        #expect(extra?[2]?["code"] == "<script>alert(1)</script>" && extra?[2]?["reason"] == "unknown_package")

        // Another day has nothing loaded; DHL's day has its package missing (it went on UPS's trailer).
        let other = await hub.call("GET", "/v1/admin/loads", query: ["carrier": "UPS", "date": Self.tomorrow], token: .some(nil))
        #expect(other.json?["counts"]?["loaded"] == .int(0) && other.json?["counts"]?["missing"] == .int(3), "\(other.text)")
        let dhl = try await hub.store.loadReport(carrier: "DHL", day: DockDay(Date()))
        #expect(dhl.missing.map(\.code) == ["JD1003"] && dhl.loaded.isEmpty)

        // Each scan is an event for the page and the webhooks.
        let events = try hub.store.events(after: 0, limit: 100, types: ["load.scanned"])
        #expect(events.count == 6 && events[0].orderID == "1001" && events[0].data["verdict"] == "loaded" && events[0].data["date"] == .string(Self.today))

        // A retry of the same scans is a duplicate, not a second load.
        let again = await hub.call("POST", "/v1/results", body: Self.batch([first]))
        #expect(again.json?["duplicates"] == .int(1))
        #expect(try hub.store.events(after: 0, limit: 100, types: ["load.scanned"]).count == 6)
    }

    /// Each package's own tracking number (`shipment.package_tracking`) is what its label reads.
    @Test func packagesWithTheirOwnTrackingAreListedByIt() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(Self.order("2001", carrier: "DHL", packages: 2).replacingOccurrences(of: #""packages":2"#, with: #""packages":2,"package_tracking":["JD-A","JD-B"]"#))
        _ = await hub.call("POST", "/v1/results", body: HubFixture.batch(["2001"]))
        let packages = await hub.call("GET", "/v1/loads/packages")
        #expect(packages.json?["packages"]?[0]?["code"] == "JD-A" && packages.json?["packages"]?[1]?["code"] == "JD-B", "\(packages.text)")
    }

    /// A shipment with one tracking number for two boxes: once labelled (the hub stores the
    /// number on both packages), package 1 is still listed by it and package 2 by `PKG:2001:2`,
    /// the code its label prints (DockPackage.code), never two packages under one code.
    @Test func aTrackingNumberTheBoxesShareIsPackageOnesOnly() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(Self.order("2001", carrier: "UPS", packages: 2, tracking: "1Z2001"))
        _ = await hub.call("POST", "/v1/results", body: HubFixture.batch(["2001"]))
        let printed = #"{"key":"lp-2001","type":"event","order_id":"2001","body":{"kind":"label_printed","order_id":"2001","at":"\#(Self.now)","data":{"printer":"zebra1"}}}"#
        let labelled = await hub.call("POST", "/v1/results", body: Self.batch([printed]))
        #expect(labelled.status == 200, "\(labelled.text)")
        let packages = await hub.call("GET", "/v1/loads/packages")
        #expect(packages.json?["packages"]?[0]?["code"] == "1Z2001" && packages.json?["packages"]?[1]?["code"] == "PKG:2001:2", "\(packages.text)")
        #expect(packages.json?["packages"]?.arrayCount == 2)
    }

    /// Three boxes closed at the bench for an order with two per-box numbers and a shipment
    /// number: the third box is `PKG:2002:3`, as its label prints it, not the shipment's number.
    @Test func aBoxBeyondThePerBoxNumbersIsListedByItsPackageCode() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(Self.order("2002", carrier: "DHL", packages: 2, tracking: "JD-SHIP").replacingOccurrences(of: #""packages":2"#, with: #""packages":2,"package_tracking":["JD-A","JD-B"]"#))
        let boxes = #"[{"number":1,"lines":[{"sku":"S","quantity":1}]},{"number":2,"lines":[{"sku":"S","quantity":1}]},{"number":3,"lines":[{"sku":"S","quantity":1}]}]"#
        let result = HubLifecycleFlowTests.packResult("2002", key: "p-2002", boxes: boxes)
        let printed = #"{"key":"lp-2002","type":"event","order_id":"2002","body":{"kind":"label_printed","order_id":"2002","at":"\#(Self.now)","data":{"printer":"zebra1"}}}"#
        let stored = await hub.call("POST", "/v1/results", body: Self.batch([result, printed]))
        #expect(stored.status == 200, "\(stored.text)")
        let packages = await hub.call("GET", "/v1/loads/packages")
        let codes = (0..<3).map { packages.json?["packages"]?[$0]?["code"] }
        #expect(codes == ["JD-A", "JD-B", "PKG:2002:3"], "\(packages.text)")
    }

    /// A scan's time in any RFC 3339 form files it under the hub's day of that instant.
    @Test func aScanIsFiledUnderTheHubsDayOfItsInstant() async throws {
        let hub = try await Self.dock()
        defer { hub.remove() }
        // An hour from now, written in UTC-5 with microseconds: "…T18:30:00.123456-05:00".
        let instant = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 3600).rounded(.down) + 0.123456)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant.addingTimeInterval(-5 * 3600))
        let at = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.123456-05:00", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        let stored = await hub.call("POST", "/v1/results", body: Self.batch([Self.scan("t1", code: "1Z1001", order: "1001", package: 1, at: at)]))
        #expect(stored.status == 200, "\(stored.text)")
        let day = try await hub.store.loadReport(carrier: "UPS", day: DockDay(instant))
        #expect(day.loaded.map(\.package.code) == ["1Z1001"] && abs(day.loaded[0].loadedAt.timeIntervalSince(instant)) < 0.001, "\(day.loaded.map(\.loadedAt))")
    }

    @Test func badAndForeignScansAreRefusedAndNothingIsStored() async throws {
        let hub = try await Self.dock()
        defer { hub.remove() }
        let cases: [(String, Int, String, String)] = [
            (Self.scan("b1", code: "1Z1001", station: "bench-7"), 403, "station_mismatch", "not 'bench-1'"),
            (Self.scan("b2", code: "1Z1001", verdict: "maybe"), 422, "invalid_item", "must be one of loaded, already_loaded"),
            (Self.scan("b3", code: "1Z\\u00071001"), 422, "invalid_item", "control characters"),
            (Self.scan("b4", code: "1Z1001", at: "yesterday"), 422, "invalid_item", "RFC 3339"),
            (Self.scan("b6", code: "", order: "1001"), 422, "invalid_item", "code"),
        ]
        for (item, status, code, says) in cases {
            let answer = await hub.call("POST", "/v1/results", body: Self.batch([Self.scan("ok", code: "1Z1001", order: "1001", package: 1), item]))
            #expect(answer.status == status && answer.json?["error"]?["code"] == .string(code) && answer.json?["error"]?["item"] == .int(1), "\(answer.text)")
            #expect(answer.text.contains(says), "\(answer.text)")
        }
        #expect(try hub.store.events(after: 0, limit: 100, types: ["load.scanned"]).isEmpty)
        let day = try await hub.store.loadReport(carrier: "UPS", day: DockDay(Date()))
        #expect(day.loaded.isEmpty && day.extra.isEmpty)

        for (query, says) in [(["carrier": "UPS", "date": "04/12/2026"], "YYYY-MM-DD"), (["date": Self.today], "Name the carrier"), (["carrier": "UPS", "date": "2026-02-30"], "YYYY-MM-DD")] {
            let bad = await hub.call("GET", "/v1/admin/loads", query: query, token: .some(nil))
            #expect(bad.status == 400 && bad.text.contains(says), "\(query): \(bad.text)")
        }
        // Packages are for stations: no token, no list.
        #expect(await hub.call("GET", "/v1/loads/packages", token: .some(nil)).status == 401)
    }
}
