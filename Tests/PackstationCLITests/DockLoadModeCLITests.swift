import Foundation
import TestPeers
import Testing

/// A dock scanner as station.toml configures it (`bench.mode = "load"`, docs/dock.md), with real
/// processes: `packstation run` with a packing bench and a loading bench, `packstation-hub`, the
/// test printer. The loading bench checks each scan against the station's copy of the hub's
/// packages, which it keeps fresh without making a scan wait for the hub; each load scan reaches
/// the hub once, through a restart too.
@Suite(.serialized) struct DockLoadModeCLITests {
    typealias Running = HubRunCLITests.Running

    /// Two benches: `pack` packs, `dock` loads (fed by `@pack …` and `@dock …` lines).
    static let config = """
        [[bench]]
        name = "pack"
        scanners = ["pack-scanner"]

        [[bench]]
        name = "dock"
        scanners = ["dock-scanner"]
        mode = "load"
        """

    /// The hub of DockCLITests (UPS: 1001 tracked, 1002 two boxes; DHL 1003; UPS 1004 not packed)
    /// and UPS 1005 without a tracking number, not packed yet.
    static func hub() throws -> HubRunCLITests.Setup {
        let setup = try HubRunCLITests.Setup(stations: ["dock"])
        try setup.hub.importOrders([
            DockCLITests.order("1001", carrier: "UPS", tracking: "1Z1001"), DockCLITests.order("1002", carrier: "ups", packages: 2),
            DockCLITests.order("1003", carrier: "DHL", tracking: "JD1003"), DockCLITests.order("1004", carrier: "UPS", tracking: "1Z1004"),
            DockCLITests.order("1005", carrier: "UPS").replacingOccurrences(of: "4006381333931", with: "036000291452"),
        ])
        try setup.hub.start()
        for id in ["1001", "1002", "1003"] {
            let answer = try DockCLITests.post(setup.hub.url + "/v1/results", token: setup.token, body: DockCLITests.packed(id))
            try #require(answer.contains(#""stored":1"#), "\(answer)")
        }
        try config.write(toFile: setup.dir + "/station.toml", atomically: true, encoding: .utf8)
        return setup
    }

    static func start(_ setup: HubRunCLITests.Setup, printer: TestPrinterPeer, kiosk: Int, scans: Pipe, refreshSeconds: Int) throws -> Running {
        try setup.startAgent(printer: printer.uri, kiosk: kiosk, scans: scans, environment: [
            "PACKSTATION_STATION_NAME": "dock", "PACKSTATION_CONFIG": setup.dir + "/station.toml", "PACKSTATION_STATION_DOCK_REFRESH_SECONDS": "\(refreshSeconds)",
        ])
    }

    /// The hub of ``hub()``, the test printer, and the agent started with its kiosk showing the dock bench.
    struct Station {
        let setup: HubRunCLITests.Setup
        let printer: TestPrinterPeer
        let kiosk: Int
        let scans: Pipe
        let agent: Running

        init(refreshSeconds: Int) throws {
            setup = try DockLoadModeCLITests.hub()
            printer = try TestPrinterPeer()
            kiosk = LoopbackPort.unused()
            scans = Pipe()
            agent = try DockLoadModeCLITests.start(setup, printer: printer, kiosk: kiosk, scans: scans, refreshSeconds: refreshSeconds)
            let kiosk = kiosk
            try HubRunCLITests.until("the kiosk shows the dock bench", seconds: 60) { DockLoadModeCLITests.bench(kiosk, "dock") != nil }
        }
    }

    static func bench(_ kiosk: Int, _ name: String) -> [String: Any]? {
        (HubRunCLITests.kioskState(kiosk)?["benches"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    static func load(_ kiosk: Int) -> [String: Any]? { bench(kiosk, "dock")?["load"] as? [String: Any] }

    /// A scan at bench `name`, answered on the kiosk before the next.
    @discardableResult
    static func scan(_ code: String, at name: String, into pipe: Pipe, kiosk: Int, expect kind: String) throws -> [String: Any] {
        let before = ((bench(kiosk, name)?["verdict"] as? [String: Any])?["seq"] as? Int) ?? 0
        pipe.fileHandleForWriting.write(Data("@\(name) \(code)\n".utf8))
        var verdict: [String: Any] = [:]
        try HubRunCLITests.until("bench \(name) answers \(code)", seconds: 60) {
            verdict = (bench(kiosk, name)?["verdict"] as? [String: Any]) ?? [:]
            return (verdict["seq"] as? Int ?? 0) > before
        }
        #expect(verdict["kind"] as? String == kind && verdict["scan"] as? String == code, "\(code): \(verdict)")
        return verdict
    }

    static func loadScansOnTheHub(_ setup: HubRunCLITests.Setup) throws -> Int {
        Int(try MultiBoxCLITests.tool("/usr/bin/sqlite3", [setup.hub.db, "SELECT COUNT(*) FROM load_scans"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    static func metrics(_ kiosk: Int) throws -> String {
        try MultiBoxCLITests.tool("/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(kiosk)/metrics"])
    }

    /// The dock bench asks for a carrier first; then loads. A package packed at the other bench
    /// after the list was fetched is scanned by what its printed label's barcode reads (decoded
    /// by zbarimg from the label the test printer got): unknown to the station's list, it makes
    /// the bench fetch the list in the background, and the kiosk shows it loaded. Every scan is
    /// on the hub once, and a restart sends none again and keeps the trailer.
    @Test(.timeLimit(.minutes(5)))
    func aBenchConfiguredToLoadChecksEachScanAndTheHubHasItOnce() throws {
        // No periodic fetch in this test: only a scan the list does not know can bring 1005 in.
        let station = try Station(refreshSeconds: 3600)
        let (setup, printer, kiosk, scans) = (station.setup, station.printer, station.kiosk, station.scans)
        var agent = station.agent
        let waiting = try #require(Self.load(kiosk))
        #expect(waiting["carrier"] is NSNull && waiting["loaded"] as? Int == 0, "\(waiting)")

        let first = try Self.scan("1Z1001", at: "dock", into: scans, kiosk: kiosk, expect: "command_rejected")
        #expect((first["message"] as? String)?.contains("scan CMD:LOAD:<CARRIER>") == true, "\(first)")
        let started = try Self.scan("CMD:LOAD:UPS", at: "dock", into: scans, kiosk: kiosk, expect: "load_started")
        #expect((started["message"] as? String)?.contains("Loading the UPS trailer") == true, "\(started)")
        try HubRunCLITests.until("the list is fetched", seconds: 60) { Self.load(kiosk)?["expected"] as? Int == 3 }
        try Self.scan("1Z1001", at: "dock", into: scans, kiosk: kiosk, expect: "loaded")
        try Self.scan("PKG:1002:1", at: "dock", into: scans, kiosk: kiosk, expect: "loaded")
        try Self.scan("1Z1001", at: "dock", into: scans, kiosk: kiosk, expect: "already_loaded")
        try Self.scan("JD1003", at: "dock", into: scans, kiosk: kiosk, expect: "wrong_carrier")
        // The packing bench packs on meanwhile.
        try Self.scan("ORD-1005", at: "pack", into: scans, kiosk: kiosk, expect: "order_opened")
        try Self.scan("036000291452", at: "pack", into: scans, kiosk: kiosk, expect: "order_complete")
        #expect(printer.waitUntil { printer.printedLabels().count >= 1 })
        let zpl = setup.dir + "/1005.zpl"
        try #require(printer.printedLabels().first).write(toFile: zpl, atomically: true, encoding: .utf8)
        let png = setup.dir + "/1005.png"
        #expect(try CLI.run(["label", "--format", "png", zpl, "--out", png]).status == 0)
        let code = try #require(try MultiBoxCLITests.zbar(png).first { $0.hasPrefix("CODE-128:PKG:") }.map { String($0.dropFirst("CODE-128:".count)) })
        #expect(code == "PKG:1005:1")
        try HubRunCLITests.until("the hub has 1005 packed", seconds: 60) {
            let report = try JSONSerialization.jsonObject(with: Data(setup.hub.command(["loads", "UPS", "--json"]).utf8)) as? [String: Any]
            return (report?["counts"] as? [String: Int])?["expected"] == 4
        }
        #expect(Self.load(kiosk)?["expected"] as? Int == 3, "the station's list is the one fetched at CMD:LOAD")

        // Scanned: unknown to the list, so the list is fetched and the scan looked at again.
        scans.fileHandleForWriting.write(Data("@dock \(code)\n".utf8))
        var verdict: [String: Any] = [:]
        try HubRunCLITests.until("\(code) is loaded after the list is fetched", seconds: 60) {
            verdict = (Self.bench(kiosk, "dock")?["verdict"] as? [String: Any]) ?? [:]
            return verdict["kind"] as? String == "loaded" && verdict["scan"] as? String == code
        }
        #expect((verdict["message"] as? String)?.contains("\(code) is known now") == true, "\(verdict)")
        let metrics = try Self.metrics(kiosk)
        #expect(metrics.contains(#"packstation_scans_total{verdict="unknown_package"} 1"#) && metrics.contains(#"packstation_scans_total{verdict="loaded"} 2"#), "\(metrics)")
        let load = try #require(Self.load(kiosk))
        #expect(load["carrier"] as? String == "UPS" && load["loaded"] as? Int == 3 && load["expected"] as? Int == 4 && load["missing"] as? Int == 1, "\(load)")
        #expect((load["cache_age_seconds"] as? Int).map { $0 < 60 } == true, "\(load)")

        // The hub: the five load scans once each; its day agrees with the kiosk.
        try HubRunCLITests.until("the hub has the five load scans", seconds: 60) { try Self.loadScansOnTheHub(setup) == 5 }
        let report = try JSONSerialization.jsonObject(with: Data(setup.hub.command(["loads", "UPS", "--json"]).utf8)) as? [String: Any] ?? [:]
        #expect(report["counts"] as? [String: Int] == ["expected": 4, "loaded": 3, "missing": 1, "extra": 1], "\(report)")

        // A restart: the bench is still loading UPS with its counts, and nothing is sent again.
        agent.signal(SIGTERM)
        #expect(agent.process.terminationStatus == 0, "\(agent.output.suffix(2000))")
        let again = Pipe()
        agent = try Self.start(setup, printer: printer, kiosk: kiosk, scans: again, refreshSeconds: 3600)
        try HubRunCLITests.until("the kiosk is back", seconds: 60) { Self.load(kiosk)?["carrier"] as? String == "UPS" }
        try HubRunCLITests.until("the list is fetched at the restart", seconds: 60) { Self.load(kiosk)?["expected"] as? Int == 4 }
        #expect(Self.load(kiosk)?["loaded"] as? Int == 3)
        try Self.scan("PKG:1005:1", at: "dock", into: again, kiosk: kiosk, expect: "already_loaded")
        try HubRunCLITests.until("the hub has the sixth scan", seconds: 60) { try Self.loadScansOnTheHub(setup) == 6 }
        Thread.sleep(forTimeInterval: 2)   // a sync round or two more: nothing is sent twice
        #expect(try Self.loadScansOnTheHub(setup) == 6)
        agent.signal(SIGTERM)
    }

    /// While a bench loads, the list is fetched again every `station.dock_refresh_seconds`: a
    /// package packed elsewhere shows in the trailer's counts with no scan at all.
    @Test(.timeLimit(.minutes(3)))
    func theListIsFetchedAgainWhileABenchLoads() throws {
        let station = try Station(refreshSeconds: 5)
        defer { station.agent.signal(SIGTERM) }
        let (setup, kiosk, scans) = (station.setup, station.kiosk, station.scans)
        try Self.scan("CMD:LOAD:UPS", at: "dock", into: scans, kiosk: kiosk, expect: "load_started")
        try HubRunCLITests.until("the list is fetched", seconds: 60) { Self.load(kiosk)?["expected"] as? Int == 3 }
        let answer = try DockCLITests.post(setup.hub.url + "/v1/results", token: setup.token, body: DockCLITests.packed("1004"))
        try #require(answer.contains(#""stored":1"#), "\(answer)")
        try HubRunCLITests.until("the next periodic fetch has 1004", seconds: 60) { Self.load(kiosk)?["expected"] as? Int == 4 }
        // The hub down: loading goes on from the cached list, and a scan is answered at once.
        setup.hub.stop()
        try Self.scan("1Z1004", at: "dock", into: scans, kiosk: kiosk, expect: "loaded")
        try Self.scan("NOPE-1", at: "dock", into: scans, kiosk: kiosk, expect: "unknown_package")
        #expect(Self.load(kiosk)?["loaded"] as? Int == 1)
    }

    /// The hub down when a bench starts loading: CMD:LOAD is answered at once from the (empty)
    /// cache, and the failed fetch is tried again soon (2 s, 4 s, … not the hour-long period
    /// configured here), so the list arrives once the hub is back.
    @Test(.timeLimit(.minutes(3)))
    func aListTheHubCouldNotGiveIsFetchedAgainSoon() throws {
        let station = try Station(refreshSeconds: 3600)
        defer { station.agent.signal(SIGTERM) }
        let (setup, kiosk, scans) = (station.setup, station.kiosk, station.scans)
        setup.hub.stop()
        let started = try Self.scan("CMD:LOAD:UPS", at: "dock", into: scans, kiosk: kiosk, expect: "load_started")
        #expect((started["message"] as? String)?.contains("package list not fetched yet") == true, "\(started)")
        #expect(Self.load(kiosk)?["cache_age_seconds"] is NSNull)
        try Self.scan("1Z1001", at: "dock", into: scans, kiosk: kiosk, expect: "unknown_package")
        Thread.sleep(forTimeInterval: 5)   // past the fetch that scan asked for: only the retries remain
        try setup.hub.start()
        try HubRunCLITests.until("the list arrives from the hub that is back", seconds: 90) { Self.load(kiosk)?["expected"] as? Int == 3 }
        // (1Z1001 is loaded by then if the retry that brought the list began after its scan.)
        try Self.scan("PKG:1002:1", at: "dock", into: scans, kiosk: kiosk, expect: "loaded")
    }
}
