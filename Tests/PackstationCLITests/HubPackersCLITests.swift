import Foundation
import Testing

/// The hub's list of packers end to end: `packstation-hub packer add/list/remove` (a refusal
/// says why and changes nothing), a badge from the list signs its packer in at `packstation run`
/// under `station.require_packer` and the result reaches the hub with that name, and with the
/// hub down the badge still signs in from the agent's journal.
@Suite struct HubPackersCLITests {
    /// Runs packstation-hub against the hub's database: exit status, standard output, standard error.
    static func hubRun(_ hub: HubProcess, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: HubProcess.binary)
        p.arguments = arguments + ["--db", hub.db]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static func verdicts(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("verdict=") }.map { String($0.dropFirst("verdict=".count)) }
        }
    }

    @Test func aBadgeOnTheHubsListSignsInAtTheBenchAlsoWhileTheHubIsDown() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = try HubProcess(dir: dir)
        let token = try hub.addStation("bench-p")
        try hub.importOrders([OrderRefusalCLITests.order("Q1"), OrderRefusalCLITests.order("Q2")])
        #expect(try Self.hubRun(hub, ["packer", "add", "Ana Lima", "--badge", "B-ANA"]).stdout == "packer Ana Lima added with badge B-ANA\n")
        try hub.command(["packer", "add", "Ben", "--badge", "B-BEN"])
        let taken = try Self.hubRun(hub, ["packer", "add", "Cleo", "--badge", "B-BEN"])
        #expect(taken.status == 1 && taken.stderr == "error: Badge 'B-BEN' already signs in packer 'Ben'; each badge belongs to one packer. `packstation-hub packer remove Ben` frees it.\n", "\(taken)")
        #expect(try Self.hubRun(hub, ["packer", "list"]).stdout == "Ana Lima\tB-ANA\nBen\tB-BEN\n")
        let gone = try Self.hubRun(hub, ["packer", "remove", "Nobody"])
        #expect(gone.status == 1 && gone.stderr.contains("No packer named 'Nobody' is listed"))

        try hub.start()
        let env = RunCLITests.noPrinters.merging([
            "PACKSTATION_SERVER_URL": hub.url, "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-p",
            "PACKSTATION_STATION_REQUIRE_PACKER": "true",
        ]) { $1 }
        let args = ["run", "--data-dir", dir + "/data", "--exit-when-done", "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"]
        // First start: the list is fetched before the first scan; Ana's badge signs her in.
        try "ORD-Q1\nB-ANA\nORD-Q1\n4006381333931\n".write(toFile: dir + "/scans1.txt", atomically: true, encoding: .utf8)
        let first = try CLI.run(args + ["--scans-from", dir + "/scans1.txt"], environment: env)
        hub.stop()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(Self.verdicts(first.stderr) == ["packer_required", "signed_in", "order_opened", "order_complete"], "\(first.stderr)")
        let stored = try MultiBoxCLITests.tool("/usr/bin/sqlite3", [hub.db, "SELECT order_id || '=' || json_extract(body, '$.packer') FROM results WHERE type = 'pack_result'"])
        #expect(stored.split(separator: "\n") == ["Q1=Ana Lima"], "\(stored)")
        let perPacker = try hub.command(["packers"]).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(perPacker.map { [$0[0], $0[1], $0[2]] } == [["Ana Lima", "1", "1"], ["Ben", "0", "0"]], "\(perPacker)")

        // The hub is down: Ben's badge still signs in from the journal (not taken for an order).
        try "B-BEN\nCMD:SIGNOUT\nB-NOBODY\n".write(toFile: dir + "/scans2.txt", atomically: true, encoding: .utf8)
        let offline = try CLI.run(args + ["--scans-from", dir + "/scans2.txt"], environment: env)
        #expect(offline.status == 0, "\(offline.stderr)")
        // An unlisted badge is no packer: under require_packer it is refused like any scan.
        #expect(Self.verdicts(offline.stderr) == ["signed_in", "signed_out", "packer_required"], "\(offline.stderr)")
    }
}
