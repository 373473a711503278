import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Issue 14's outage, end to end with the built binaries: the agent prefetches the queue at
/// start, the hub is killed (-9) before the first scan and stays down while every order is
/// packed from the cache; a cancellation made before the outage still blocks its order; an
/// order imported during the outage is `order_unavailable` (never `unknown_barcode`) until the
/// hub is back, then packs; and every result reaches the hub exactly once.
@Suite struct OfflineOrdersCLITests {
    /// The agent's log so far.
    static func log(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// Waits until `done` holds for the log (at most `seconds`); the log at that point. It
    /// sleeps without holding a thread: the suite runs in parallel on two.
    @discardableResult
    static func waitForLog(_ path: String, seconds: Double = 60, _ done: (String) -> Bool) async -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var text = log(path)
        while !done(text), Date() < deadline {
            try? await Task.sleep(for: .milliseconds(50))
            text = log(path)
        }
        return text
    }

    static func verdicts(_ text: String) -> [String] {
        text.split(separator: "\n").filter { $0.contains("verdict=") && $0.hasSuffix("verdict") }.map { line in
            String(line.split(separator: " ").first { $0.hasPrefix("verdict=") }!.dropFirst("verdict=".count))
        }
    }

    /// A JSON object fetched over HTTP.
    static func getJSON(_ address: String) throws -> [String: Any] {
        nonisolated(unsafe) var body: Data?
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: URL(string: address)!) { data, _, _ in body = data; done.signal() }.resume()
        done.wait()
        let data = try #require(body, "no answer from \(address)")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The kiosk's state (`GET /state`) at the address the agent logged.
    static func kiosk(_ log: String) throws -> [String: Any] {
        let line = try #require(log.split(separator: "\n").first { $0.contains("kiosk listening") })
        let url = try #require(line.split(separator: " ").first { $0.hasPrefix("url=") }).dropFirst(4)
        return try getJSON(url + "state")
    }

    /// The kiosk's state once `done` holds for it (it is published just after the verdict is
    /// logged), or after 10 s.
    static func kiosk(_ log: String, until done: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(10)
        var state = try kiosk(log)
        while !done(state), Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
            state = try kiosk(log)
        }
        return state
    }

    static func lastVerdict(_ state: [String: Any]) -> [String: Any] {
        ((state["benches"] as? [[String: Any]])?.first?["verdict"] as? [String: Any]) ?? [:]
    }

    static func cacheOrders(_ state: [String: Any]) -> Int? { (state["cache"] as? [String: Any])?["orders"] as? Int }

    /// The hub's pack results per order (its admin API, open on loopback without a token).
    static func resultsPerOrder(port: Int) throws -> [String: Int] {
        let doc = try getJSON("http://127.0.0.1:\(port)/v1/admin/results?limit=10000")
        var counts: [String: Int] = [:]
        for r in doc["results"] as? [[String: Any]] ?? [] where r["type"] as? String == "pack_result" {
            counts[r["order_id"] as? String ?? "", default: 0] += 1
        }
        return counts
    }

    @Test func theBenchPacksFromItsCacheThroughAWholeOutageAndTheHubGetsEachResultOnce() async throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = try HubProcess(dir: dir)
        let token = try hub.addStation("bench-a")
        let ids = (1...12).map { "OFF\($0)" }
        try hub.importOrders((ids + ["CANC"]).map { OrderRefusalCLITests.order($0) })
        try hub.start()
        let port = hub.port

        let agent = Process()
        agent.executableURL = CLI.binary
        agent.arguments = ["run", "--scans-from", "-", "--data-dir", dir + "/data", "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"]
        let input = Pipe()
        agent.standardInput = input
        let log = dir + "/agent.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        agent.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        agent.standardOutput = FileHandle.nullDevice
        agent.environment = ProcessInfo.processInfo.environment.merging(RunCLITests.noPrinters.merging([
            "PACKSTATION_SERVER_URL": hub.url, "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-a",
            "PACKSTATION_SYNC_PREFETCH_INTERVAL_SECONDS": "5",
        ]) { $1 }) { $1 }
        try agent.run()
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL); agent.waitUntilExit() } }
        func scan(_ lines: [String]) { input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8)) }

        // The agent prefetches all 13 at start; then CANC is cancelled on the hub, and the
        // periodic fetch (every 5 s here) brings the cancellation to the cache.
        var text = await Self.waitForLog(log) { $0.contains("cache.orders=13") }
        try #require(text.contains("cache.orders=13"), "no prefetch at start: \(text)")
        try hub.importOrders([OrderRefusalCLITests.order("CANC", status: "cancelled")])
        text = await Self.waitForLog(log) { $0.contains("cache.orders=12") }
        try #require(text.contains("cache.orders=12"), "the cancellation did not reach the cache: \(text)")

        let before = try await Self.kiosk(text) { Self.cacheOrders($0) == 12 }
        #expect((before["cache"] as? [String: Any])?["orders"] as? Int == 12, "the kiosk shows the cache: \(before["cache"] ?? "none")")
        #expect(((before["cache"] as? [String: Any])?["age_seconds"] as? Int).map { $0 < 30 } == true)

        // The hub dies before the first scan and stays down; an order arrives on it meanwhile.
        hub.kill()
        try hub.importOrders([OrderRefusalCLITests.order("LATE")])

        let offlineScans = ids.flatMap { ["ORD-\($0)", "4006381333931"] } + ["ORD-CANC", "4006381333931", "ORD-LATE"]
        scan(offlineScans)
        text = await Self.waitForLog(log) { Self.verdicts($0).count >= offlineScans.count }
        var seen = Self.verdicts(text)
        try #require(seen.count == offlineScans.count, "\(text)")
        #expect(seen.filter { $0 == "order_complete" }.count == 12, "every cached order packs offline: \(seen)")
        #expect(seen[24] == "order_blocked" && text.contains("verdict.reason=cancelled"), "the cancellation blocks offline: \(seen)")
        #expect(seen[25] == "no_order_open", "an item with no order open is still an item, offline too: \(seen)")
        #expect(seen[26] == "order_unavailable", "\(seen)")
        #expect(!seen.contains("unknown_barcode"))
        let during = try await Self.kiosk(text) { Self.lastVerdict($0)["seq"] as? Int == offlineScans.count }
        let verdict = Self.lastVerdict(during)
        #expect(verdict["kind"] as? String == "order_unavailable")
        #expect(verdict["message"] as? String == "The server cannot be reached and order \"ORD-LATE\" is not on this box yet. Put it aside and scan it again when the server is back.", "\(verdict)")
        #expect((during["cache"] as? [String: Any])?["orders"] as? Int == 0, "all 12 cached orders are packed now: \(during["cache"] ?? "none")")

        // The hub returns: the agent notices by itself, catches up, and LATE packs.
        try hub.start()
        text = await Self.waitForLog(log) { $0.contains("server back; order cache caught up") }
        #expect(text.contains("server back; order cache caught up"), "\(text)")
        scan(["ORD-LATE", "4006381333931"])
        text = await Self.waitForLog(log) { Self.verdicts($0).count >= offlineScans.count + 2 }
        seen = Self.verdicts(text)
        #expect(seen.suffix(2) == ["order_opened", "order_complete"], "\(seen.suffix(2))")

        // SIGTERM (as systemd stops it): the agent stops gracefully, sending what is left.
        try input.fileHandleForWriting.close()
        agent.terminate()
        let deadline = Date().addingTimeInterval(60)
        while agent.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!agent.isRunning && agent.terminationStatus == 0, "\(Self.log(log).suffix(3000))")
        let results = try Self.resultsPerOrder(port: port)
        #expect(results == Dictionary(uniqueKeysWithValues: (ids + ["LATE"]).map { ($0, 1) }), "each order's result on the hub exactly once: \(results)")
    }
}
