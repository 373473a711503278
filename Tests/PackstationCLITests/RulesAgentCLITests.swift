import Foundation
import TestPeers
import Testing

/// A hub rule's "require a supervisor" at a real bench: the hub (`serve --rules`) writes it into
/// the order, the agent (`packstation run`) opens the order with the rule's notices and insert on
/// its kiosk, refuses to close it when the last item is scanned (the kiosk says why, no label is
/// made), and closes it and prints once a supervisor badge is scanned; the hub stores the result
/// with the approval.
@Suite struct RulesAgentCLITests {
    static let rules = """
        [[rule]]
        name = "High value"
        [rule.when]
        value = { min = "1000", currency = "EUR" }
        [rule.then]
        supervisor = "Over 1,000 EUR: check the box"
        notice = "Fragile: bubble wrap"
        insert = "catalogue"
        """

    static let order = #"{"id":"HV1","barcodes":["ORD-HV1"],"status":"ready","payment":"captured","value":{"amount":"1500.00","currency":"EUR"},"lines":[{"sku":"LAMP","quantity":1,"barcodes":["4006381333931"]}],"shipment":{"carrier":"DHL","service":"Paket","from":{"name":"Shop","street":["Hafenstr. 1"],"city":"Hamburg","country":"DE"},"to":{"name":"Ana","street":["Calle Mayor 1"],"city":"Madrid","postal_code":"28013","country":"ES"}}}"#

    /// The first bench of the kiosk's snapshot once `done` holds (or after 30 s).
    static func bench(port: Int, until done: ([String: Any]) -> Bool) -> [String: Any] {
        let deadline = Date().addingTimeInterval(30)
        var last: [String: Any] = [:]
        repeat {
            let raw = (try? MultiBoxCLITests.tool("/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(port)/state"])) ?? ""
            if let json = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any], let first = (json["benches"] as? [[String: Any]])?.first {
                last = first
                if done(first) { return first }
            }
            usleep(50_000)
        } while Date() < deadline
        return last
    }

    static func verdict(_ bench: [String: Any]) -> (kind: String?, message: String?) {
        let v = bench["verdict"] as? [String: Any]
        return (v?["kind"] as? String, v?["message"] as? String)
    }

    @Test func anOrderARuleMarksForASupervisorPrintsOnlyAfterTheBadge() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = try HubProcess(dir: dir)
        let token = try hub.addStation("bench-s")
        try Self.rules.write(toFile: dir + "/rules.toml", atomically: true, encoding: .utf8)
        let port = LoopbackPort.unused()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: HubProcess.binary)
        server.arguments = ["serve", "--db", hub.db, "--port", "\(port)", "--rules", dir + "/rules.toml"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate(); server.waitUntilExit() } }
        let deadline = Date().addingTimeInterval(30)
        while !LoopbackPort.isListening(port), server.isRunning, Date() < deadline { usleep(50_000) }
        try #require(LoopbackPort.isListening(port), "packstation-hub serve --rules did not start")
        try hub.importOrders([Self.order])

        let kiosk = LoopbackPort.unused()
        let agent = Process()
        agent.executableURL = CLI.binary
        agent.arguments = ["run", "--scans-from", "-", "--data-dir", dir + "/data", "--kiosk-listen", "127.0.0.1:\(kiosk)"]
        let input = Pipe()
        agent.standardInput = input
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        agent.environment = ProcessInfo.processInfo.environment.merging(RunCLITests.noPrinters.merging([
            "PACKSTATION_SERVER_URL": "http://127.0.0.1:\(port)", "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-s",
            "PACKSTATION_STATION_SUPERVISOR_BADGES": "SUP-7",
        ]) { $1 }) { $1 }
        try agent.run()
        defer { if agent.isRunning { agent.terminate(); agent.waitUntilExit() } }
        func scan(_ line: String) { input.fileHandleForWriting.write(Data((line + "\n").utf8)) }
        let labels = dir + "/data/labels"
        func labelFiles() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: labels)) ?? []).filter { !$0.hasPrefix(".") } }

        scan("ORD-HV1")
        let opened = Self.bench(port: kiosk) { Self.verdict($0).kind == "order_opened" }
        let rules = (opened["order"] as? [String: Any])?["rules"] as? [String: Any]
        #expect(rules?["supervisor"] as? String == "Over 1,000 EUR: check the box", "\(opened)")
        #expect(rules?["notices"] as? [String] == ["Fragile: bubble wrap"])
        #expect(rules?["inserts"] as? [String] == ["catalogue"])
        #expect(rules?["approved_by"] is NSNull)
        let notices = ((opened["verdict"] as? [String: Any])?["notices"] as? [[String: Any]])?.compactMap { $0["message"] as? String } ?? []
        #expect(notices.contains("Put in the box: catalogue.") && notices.contains("Fragile: bubble wrap"), "\(notices)")

        scan("4006381333931")
        let waiting = Self.bench(port: kiosk) { Self.verdict($0).kind == "approval_required" }
        #expect(Self.verdict(waiting).message == "Order HV1 is complete but needs a supervisor: Over 1,000 EUR: check the box. A supervisor must scan their badge to close it; the label prints then.", "\(waiting)")
        #expect((waiting["order"] as? [String: Any])?["id"] as? String == "HV1", "the order stays open")
        usleep(500_000)
        #expect(labelFiles().isEmpty, "no label before the supervisor: \(labelFiles())")

        scan("SUP-7")
        let done = Self.bench(port: kiosk) { Self.verdict($0).kind == "order_complete" }
        #expect(Self.verdict(done).message == "Order HV1 approved by supervisor SUP-7 and complete. Close the box; the label prints.", "\(done)")
        let printed = Date().addingTimeInterval(30)
        while labelFiles().isEmpty, Date() < printed { usleep(50_000) }
        #expect(!labelFiles().isEmpty, "the label prints after the badge")

        // SIGTERM drains the outbox: the hub has the result with the approval.
        agent.terminate()
        agent.waitUntilExit()
        let stored = try MultiBoxCLITests.tool("/usr/bin/sqlite3", [hub.db, "SELECT json_extract(body, '$.override.badge') || ' ' || json_extract(body, '$.override.reasons') FROM results WHERE order_id = 'HV1' AND type = 'pack_result'"])
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == #"SUP-7 ["supervisor_approval"]"#)
    }
}
