import Foundation
import TestPeers
import Testing

/// The priority queue as the packer meets it: orders imported at the hub in two batches, with
/// mixed priorities and ship-by dates, are prefetched by the agent, and its kiosk shows "Next up"
/// in the hub queue's order (same_day, express, standard; the oldest ship-by first, none last;
/// then import time), the same order `packstation-hub queue` lists. Each packed order leaves the
/// list, a bench packing shows nothing next, and every result reaches the hub once.
@Suite struct UrgentFirstCLITests {
    static func order(_ id: String, _ priority: String, _ shipBy: String?) -> String {
        let ship = shipBy.map { #","ship_by":"\#($0)""# } ?? ""
        return #"{"id":"\#(id)","barcodes":["ORD-\#(id)"],"status":"ready","payment":"captured","priority":"\#(priority)"\#(ship),"lines":[{"sku":"S-\#(id)","quantity":1,"barcodes":["4006381333931"]}]}"#
    }

    /// The kiosk's snapshot, read with curl (the agent's own kiosk, not a test double).
    static func state(port: Int) -> String {
        (try? MultiBoxCLITests.tool("/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(port)/state"])) ?? ""
    }

    /// The ids in the bench's `next` and its verdict kind, once `done` holds (or after 30 s).
    static func kiosk(port: Int, until done: (_ next: [String], _ verdict: String?) -> Bool) -> (next: [String], verdict: String?, raw: String) {
        let deadline = Date().addingTimeInterval(30)
        var last: (next: [String], verdict: String?, raw: String) = ([], nil, "")
        repeat {
            let raw = state(port: port)
            if let json = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any],
               let bench = (json["benches"] as? [[String: Any]])?.first {
                let next = (bench["next"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
                let verdict = (bench["verdict"] as? [String: Any])?["kind"] as? String
                last = (next, verdict, raw)
                if done(next, verdict) { return last }
            }
            usleep(50_000)
        } while Date() < deadline
        return last
    }

    @Test func theKioskShowsWhatComesNextMostUrgentFirst() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = try HubProcess(dir: dir)
        let token = try hub.addStation("bench-q")
        try hub.importOrders([Self.order("S1", "standard", nil), Self.order("E5", "express", "2027-01-05"), Self.order("D3a", "same_day", "2027-01-03")])
        try hub.importOrders([Self.order("D3b", "same_day", "2027-01-03"), Self.order("E2", "express", "2027-01-02"),
                              Self.order("D1", "same_day", "2027-01-01"), Self.order("S0", "standard", "2027-01-01")])
        let expected = ["D1", "D3a", "D3b", "E2", "E5", "S0", "S1"]
        #expect(try hub.command(["queue", "--station", "bench-q"]).split(separator: "\n").map { String($0.split(separator: "\t")[0]) } == expected, "the hub's own listing")
        try hub.start()
        let env = RunCLITests.noPrinters.merging(["PACKSTATION_SERVER_URL": hub.url, "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-q"]) { $1 }
        let prefetch = try CLI.run(["sync", "prefetch", "--data-dir", dir + "/data"], environment: env)
        #expect(prefetch.status == 0, "\(prefetch.stderr)")

        let port = LoopbackPort.unused()
        let agent = Process()
        agent.executableURL = CLI.binary
        agent.arguments = ["run", "--scans-from", "-", "--data-dir", dir + "/data", "--kiosk-listen", "127.0.0.1:\(port)", "--log-level", "debug"]
        let input = Pipe()
        agent.standardInput = input
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        agent.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        try agent.run()
        defer { if agent.isRunning { agent.terminate(); agent.waitUntilExit() } }
        func scan(_ lines: String...) { input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8)) }

        let idle = Self.kiosk(port: port) { next, _ in next.count == 3 }
        #expect(idle.next == Array(expected.prefix(3)), "\(idle.raw)")
        scan("ORD-D1")
        let busy = Self.kiosk(port: port) { _, verdict in verdict == "order_opened" }
        #expect(busy.verdict == "order_opened" && busy.next == [], "a bench packing shows nothing next: \(busy.raw)")
        scan("4006381333931")
        let after = Self.kiosk(port: port) { next, verdict in verdict == "order_complete" && next.count == 3 }
        #expect(after.next == ["D3a", "D3b", "E2"], "\(after.raw)")
        scan("ORD-D3a", "4006381333931")
        let later = Self.kiosk(port: port) { next, _ in next.first == "D3b" }
        #expect(later.next == ["D3b", "E2", "E5"], "\(later.raw)")

        // SIGTERM: the agent drains its outbox before it exits; the hub has both results once.
        agent.terminate()
        agent.waitUntilExit()
        #expect(agent.terminationStatus == 0)
        let stored = try MultiBoxCLITests.tool("/usr/bin/sqlite3", [hub.db, "SELECT order_id FROM results WHERE type = 'pack_result' ORDER BY id"])
        #expect(stored.split(separator: "\n") == ["D1", "D3a"], "\(stored)")
        #expect(try hub.command(["queue", "--station", "bench-q"]).split(separator: "\n").map { String($0.split(separator: "\t")[0]) } == Array(expected.dropFirst(2)))
    }
}
