import Foundation
import TestPeers
import Testing

/// The dock with real processes (docs/dock.md): `packstation run` in load mode scans packages into
/// a carrier's trailer, each scan reaches `packstation-hub` once, and the hub's day lists what is
/// loaded, missing and extra.
@Suite(.serialized) struct DockCLITests {
    typealias Running = HubRunCLITests.Running

    /// UPS: 1001 (tracking 1Z1001) and 1002 (two packages, no tracking); DHL: 1003; UPS 1004 not packed.
    static func order(_ id: String, carrier: String, packages: Int = 1, tracking: String? = nil) -> String {
        let t = tracking.map { #","tracking":"\#($0)""# } ?? ""
        return #"{"id":"\#(id)","barcodes":["ORD-\#(id)"],"status":"ready","payment":"captured","lines":[{"sku":"S-\#(id)","quantity":1,"barcodes":["4006381333931"]}],"#
            + #""shipment":{"carrier":"\#(carrier)","service":"Ground","packages":\#(packages)\#(t),"package_weights":[\#(Array(repeating: "1500", count: packages).joined(separator: ","))],"#
            + #""from":{"name":"Warehouse","street":["S 1"],"city":"X","country":"US"},"to":{"name":"<b>Ana</b>","street":["A 2"],"city":"Y","country":"US"}}}"#
    }

    /// A pack result for `id` from station `dock`, as a batch for `POST /v1/results`.
    static func packed(_ id: String) -> String {
        #"{"items":[{"key":"pack-\#(id)","type":"pack_result","order_id":"\#(id)","body":{"order_id":"\#(id)","station":"dock","packer":null,"outcome":"packed","started_at":"2026-11-23T10:00:00.000Z","ended_at":"2026-11-23T10:01:00.000Z","lines":[{"sku":"S-\#(id)","expected":1,"packed":1,"short":0,"short_reason":null,"serials":[],"lots":[]}],"scans":[{"seq":1,"data":"4006381333931","verdict":"order_complete","at":"2026-11-23T10:01:00.000Z"}]}}]}"#
    }

    /// `curl` with the station's token; the answer's body.
    static func post(_ url: String, token: String, body: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-s", "--max-time", "10", "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json", "--data-binary", body, url]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The hub with station `dock`, the orders imported and 1001-1003 packed; the hub serving.
    static func dock() throws -> HubRunCLITests.Setup {
        let setup = try HubRunCLITests.Setup(stations: ["dock"])
        try setup.hub.importOrders([
            order("1001", carrier: "UPS", tracking: "1Z1001"), order("1002", carrier: "ups", packages: 2),
            order("1003", carrier: "DHL", tracking: "JD1003"), order("1004", carrier: "UPS", tracking: "1Z1004"),
        ])
        try setup.hub.start()
        for id in ["1001", "1002", "1003"] {
            let answer = try post(setup.hub.url + "/v1/results", token: setup.token, body: packed(id))
            try #require(answer.contains(#""stored":1"#), "\(answer)")
        }
        return setup
    }

    static func benchState(_ kiosk: Int) -> [String: Any]? {
        (HubRunCLITests.kioskState(kiosk)?["benches"] as? [[String: Any]])?.first
    }

    /// Scans fed to the agent one at a time, each answered on the kiosk before the next.
    static func scan(_ code: String, into pipe: Pipe, kiosk: Int, expect kind: String) throws -> [String: Any] {
        let before = ((benchState(kiosk)?["verdict"] as? [String: Any])?["seq"] as? Int) ?? 0
        pipe.fileHandleForWriting.write(Data((code + "\n").utf8))
        var verdict: [String: Any] = [:]
        try HubRunCLITests.until("the kiosk answers \(code)", seconds: 60) {
            verdict = (benchState(kiosk)?["verdict"] as? [String: Any]) ?? [:]
            return (verdict["seq"] as? Int ?? 0) > before
        }
        #expect(verdict["kind"] as? String == kind && verdict["scan"] as? String == code, "\(code): \(verdict)")
        return verdict
    }

    @Test(.timeLimit(.minutes(5)))
    func packagesScannedIntoATrailerReachTheHubOnceWithMissingAndExtraListed() throws {
        let setup = try Self.dock()
        let kiosk = LoopbackPort.unused()
        let scans = Pipe()
        let printer = try TestPrinterPeer()
        let agent = try setup.startAgent(printer: printer.uri, kiosk: kiosk, scans: scans, environment: ["PACKSTATION_STATION_NAME": "dock"])
        try HubRunCLITests.until("the kiosk answers", seconds: 60) { Self.benchState(kiosk) != nil }

        // An open order keeps the bench packing until it is finished or abandoned.
        _ = try Self.scan("ORD-1004", into: scans, kiosk: kiosk, expect: "order_opened")
        let refused = try Self.scan("CMD:LOAD:UPS", into: scans, kiosk: kiosk, expect: "command_rejected")
        #expect((refused["message"] as? String)?.contains("Order 1004 is open") == true, "\(refused)")
        _ = try Self.scan("CMD:ABANDON", into: scans, kiosk: kiosk, expect: "order_abandoned")
        // The answer does not wait for the hub: the list is fetched in the background.
        let started = try Self.scan("CMD:LOAD:ups", into: scans, kiosk: kiosk, expect: "load_started")
        #expect((started["message"] as? String)?.contains("Loading the UPS trailer: package list not fetched yet") == true, "\(started)")
        try HubRunCLITests.until("the package list is fetched", seconds: 60) { (Self.benchState(kiosk)?["load"] as? [String: Any])?["expected"] as? Int == 3 }
        _ = try Self.scan("1Z1001", into: scans, kiosk: kiosk, expect: "loaded")
        _ = try Self.scan("PKG:1002:1", into: scans, kiosk: kiosk, expect: "loaded")
        _ = try Self.scan("1Z1001", into: scans, kiosk: kiosk, expect: "already_loaded")
        let wrong = try Self.scan("JD1003", into: scans, kiosk: kiosk, expect: "wrong_carrier")
        #expect((wrong["message"] as? String)?.contains("goes with DHL, not UPS") == true, "\(wrong)")
        _ = try Self.scan("<img src=x>", into: scans, kiosk: kiosk, expect: "unknown_package")
        let load = try #require(Self.benchState(kiosk)?["load"] as? [String: Any])
        #expect(load["carrier"] as? String == "UPS" && load["loaded"] as? Int == 2 && load["expected"] as? Int == 3 && load["missing"] as? Int == 1, "\(load)")

        // Every scan reaches the hub once: its day lists the two loaded, the one missing, the extras.
        var report: [String: Any] = [:]
        try HubRunCLITests.until("the hub has the five scans", seconds: 60) {
            report = try JSONSerialization.jsonObject(with: Data(setup.hub.command(["loads", "UPS", "--json"]).utf8)) as? [String: Any] ?? [:]
            return (report["counts"] as? [String: Int])?["extra"] == 2
        }
        #expect(report["counts"] as? [String: Int] == ["expected": 3, "loaded": 2, "missing": 1, "extra": 2], "\(report)")
        #expect(((report["missing"] as? [[String: Any]])?.first)?["code"] as? String == "PKG:1002:2")
        let table = try setup.hub.command(["loads", "ups"])
        #expect(table.hasPrefix("UPS ") && table.contains("expected 3, loaded 2, missing 1, extra 2"), "\(table)")
        #expect(table.contains("extra\tJD1003\t1003\t-\t-\t") && table.contains("wrong_carrier (goes with DHL)"), "\(table)")

        _ = try Self.scan("CMD:LOAD:END", into: scans, kiosk: kiosk, expect: "load_ended")
        #expect(Self.benchState(kiosk)?["load"] is NSNull)

        // Close-out: refused while PKG:1002:2 is missing, then allowed; the manifest prints at the
        // dock's printer once, 1001 ships, 1002 (a package still at the dock) does not.
        let notClosed = try setup.refused(["closeout", "UPS", "--by", "Lou"])
        #expect(notClosed.status == 1 && notClosed.stderr.contains("PKG:1002:2 (order 1002)") && notClosed.stderr.contains("--allow-missing"), "\(notClosed.stderr)")
        #expect(try setup.hub.command(["closeout", "list"]).isEmpty)
        let files = setup.dir + "/manifest"
        let closed = try setup.hub.command(["closeout", "UPS", "--allow-missing", "--by", "Lou", "--print", "dock", "--pdf", files + ".pdf", "--csv", files + ".csv"])
        #expect(closed.contains("2 package(s) in 2 order(s), 3.000 kg") && closed.contains("not loaded (listed on the manifest): PKG:1002:2") && closed.contains("shipped: 1001")
                && closed.contains("not shipped, packages still at the dock: 1002") && closed.contains("printing at dock: label run"), "\(closed)")
        let csv = try String(contentsOfFile: files + ".csv", encoding: .utf8)
        #expect(csv.contains("\r\nloaded,1001,1,1Z1001,Ground,1.500\r\n") && csv.contains("\r\nmissing,1002,2,PKG:1002:2,Ground,1.500\r\n"), "\(csv)")
        try HubRunCLITests.until("the manifest is printed", seconds: 120) { !printer.printedRecords().isEmpty }
        try HubRunCLITests.until("the hub has the manifest's run done", seconds: 60) { try setup.runs().values.contains { $0["state"] as? String == "done" } }
        Thread.sleep(forTimeInterval: 2)   // a poll or two more: it must not print again
        #expect(printer.printedRecords().count == 1, "the one-page manifest printed once: \(printer.printedRecords().count)")
        let state = { (order: String) throws -> String? in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            p.arguments = ["-s", "--max-time", "10", setup.hub.url + "/v1/admin/orders/\(order)/history"]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["order"] as? [String: Any])?["state"] as? String
        }
        #expect(try state("1001") == "shipped" && state("1002") != "shipped")
        agent.signal(SIGTERM)
    }
}
