import Foundation
import Testing

/// `packstation run` against the built hub on 127.0.0.1 when the hub refuses an order to the
/// station (docs/sync.md, "Authorization"): the packer is told not to pack it, even when an
/// earlier prefetch cached it; nothing opens and no result is recorded.
@Suite struct OrderRefusalCLITests {
    static func order(_ id: String, status: String = "ready") -> String {
        #"{"id":"\#(id)","barcodes":["ORD-\#(id)"],"status":"\#(status)","payment":"captured","lines":[{"sku":"S-\#(id)","quantity":1,"barcodes":["4006381333931"]}]}"#
    }

    @Test func anOrderTheHubRefusesIsBlockedAtTheBenchEvenWhenCached() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = try HubProcess(dir: dir)
        let token = try hub.addStation("bench-a")
        _ = try hub.addStation("bench-b")
        // Both orders are ready for any station when the bench prefetches its queue...
        try [Self.order("THEIRS"), Self.order("GONE")].joined(separator: "\n").write(toFile: dir + "/orders.jsonl", atomically: true, encoding: .utf8)
        try hub.command(["import", dir + "/orders.jsonl"])
        try hub.start()
        let env = RunCLITests.noPrinters.merging(["PACKSTATION_SERVER_URL": hub.url, "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-a"]) { $1 }
        let prefetch = try CLI.run(["sync", "prefetch", "--data-dir", dir + "/data"], environment: env)
        #expect(prefetch.stdout.contains("Cached 2 queued order(s)"), "\(prefetch.stdout)\(prefetch.stderr)")
        // ...then one goes to another station and the other is cancelled.
        try Self.order("THEIRS").write(toFile: dir + "/theirs.jsonl", atomically: true, encoding: .utf8)
        try hub.command(["import", dir + "/theirs.jsonl", "--station", "bench-b"])
        try Self.order("GONE", status: "cancelled").write(toFile: dir + "/gone.jsonl", atomically: true, encoding: .utf8)
        try hub.command(["import", dir + "/gone.jsonl"])

        try "ORD-THEIRS\n4006381333931\nORD-GONE\n4006381333931\n".write(toFile: dir + "/scans.txt", atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", "--scans-from", dir + "/scans.txt", "--data-dir", dir + "/data", "--exit-when-done", "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let verdicts = run.stderr.split(separator: "\n").filter { $0.contains("verdict=") }
        #expect(verdicts.count == 4, "\(run.stderr)")
        #expect(verdicts.first?.contains("verdict=order_blocked") == true && verdicts.first?.contains("verdict.reason=other_station") == true, "\(verdicts)")
        #expect(verdicts.dropFirst(2).first?.contains("verdict=order_blocked") == true && verdicts.dropFirst(2).first?.contains("verdict.reason=cancelled") == true, "\(verdicts)")
        #expect(verdicts.allSatisfy { !$0.contains("order_opened") && !$0.contains("order_complete") }, "nothing opened: \(verdicts)")
        let status = try CLI.run(["sync", "status", "--json", "--data-dir", dir + "/data"])
        #expect(status.stdout.contains("\"results\":0") && status.stdout.contains("\"pending\":0"), "no result recorded: \(status.stdout)")
    }

    @Test func aStationNameThatIsNotTheTokensIsReportedAndItsResultKeptAside() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = try HubProcess(dir: dir)
        let token = try hub.addStation("bench-a")
        try Self.order("ANY").write(toFile: dir + "/orders.jsonl", atomically: true, encoding: .utf8)
        try hub.command(["import", dir + "/orders.jsonl"])
        try hub.start()
        // The agent calls itself bench-x, but the token is bench-a's.
        let env = RunCLITests.noPrinters.merging(["PACKSTATION_SERVER_URL": hub.url, "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-x"]) { $1 }
        try "ORD-ANY\n4006381333931\n".write(toFile: dir + "/scans.txt", atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", "--scans-from", dir + "/scans.txt", "--data-dir", dir + "/data", "--exit-when-done", "--kiosk-listen", "127.0.0.1:0"], environment: env)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("The server refused 1 result(s) or event(s) of this run"), "\(run.stderr)")
        #expect(run.stderr.contains("station.name is not the name the server knows this token by"), "\(run.stderr)")
        let status = try CLI.run(["sync", "status", "--data-dir", dir + "/data"])
        #expect(status.stdout.contains("pack result for order ANY"), "\(status.stdout)")
        #expect(status.stdout.contains("station_mismatch") && status.stdout.contains("Set the agent's station.name to 'bench-a'"), "\(status.stdout)")
    }
}
