import Foundation
import Testing

/// The hub's list of packers end to end: `packstation-hub packer add/list/remove` (a refusal
/// says why and changes nothing), a badge from the list signs its packer in at `packstation run`
/// under `station.require_packer` and the result reaches the hub with that name, and with the
/// hub down the badge still signs in from the agent's journal.
@Suite struct HubPackersCLITests {
    /// Runs packstation-hub: exit status, standard output, standard error.
    static func hubRun(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: OrderRefusalCLITests.hubBinary)
        p.arguments = arguments
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
        try #require(FileManager.default.isExecutableFile(atPath: OrderRefusalCLITests.hubBinary), "build first: swift build --build-tests")
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/hub.sqlite"
        let token = try OrderRefusalCLITests.hub(["station", "add", "bench-p", "--db", db])
        try [OrderRefusalCLITests.order("Q1"), OrderRefusalCLITests.order("Q2")].joined(separator: "\n").write(toFile: dir + "/orders.jsonl", atomically: true, encoding: .utf8)
        _ = try OrderRefusalCLITests.hub(["import", dir + "/orders.jsonl", "--db", db])
        #expect(try Self.hubRun(["packer", "add", "Ana Lima", "--badge", "B-ANA", "--db", db]).stdout == "packer Ana Lima added with badge B-ANA\n")
        _ = try OrderRefusalCLITests.hub(["packer", "add", "Ben", "--badge", "B-BEN", "--db", db])
        let taken = try Self.hubRun(["packer", "add", "Cleo", "--badge", "B-BEN", "--db", db])
        #expect(taken.status == 1 && taken.stderr == "error: Badge 'B-BEN' already signs in packer 'Ben'; each badge belongs to one packer. `packstation-hub packer remove Ben` frees it.\n", "\(taken)")
        #expect(try Self.hubRun(["packer", "list", "--db", db]).stdout == "Ana Lima\tB-ANA\nBen\tB-BEN\n")
        let gone = try Self.hubRun(["packer", "remove", "Nobody", "--db", db])
        #expect(gone.status == 1 && gone.stderr.contains("No packer named 'Nobody' is listed"))

        let port = OrderRefusalCLITests.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: OrderRefusalCLITests.hubBinary)
        server.arguments = ["serve", "--db", db, "--port", "\(port)"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        let deadline = Date().addingTimeInterval(30)
        while !OrderRefusalCLITests.listening(port), Date() < deadline { usleep(50_000) }
        let env = RunCLITests.noPrinters.merging([
            "PACKSTATION_SERVER_URL": "http://127.0.0.1:\(port)", "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-p",
            "PACKSTATION_STATION_REQUIRE_PACKER": "true",
        ]) { $1 }
        let args = ["run", "--data-dir", dir + "/data", "--exit-when-done", "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"]
        // First start: the list is fetched before the first scan; Ana's badge signs her in.
        try "ORD-Q1\nB-ANA\nORD-Q1\n4006381333931\n".write(toFile: dir + "/scans1.txt", atomically: true, encoding: .utf8)
        let first = try CLI.run(args + ["--scans-from", dir + "/scans1.txt"], environment: env)
        server.terminate()
        server.waitUntilExit()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(Self.verdicts(first.stderr) == ["packer_required", "signed_in", "order_opened", "order_complete"], "\(first.stderr)")
        let stored = try MultiBoxCLITests.tool("/usr/bin/sqlite3", [db, "SELECT order_id || '=' || json_extract(body, '$.packer') FROM results WHERE type = 'pack_result'"])
        #expect(stored.split(separator: "\n") == ["Q1=Ana Lima"], "\(stored)")

        // The hub is down: Ben's badge still signs in from the journal (not taken for an order).
        try "B-BEN\nCMD:SIGNOUT\nB-NOBODY\n".write(toFile: dir + "/scans2.txt", atomically: true, encoding: .utf8)
        let offline = try CLI.run(args + ["--scans-from", dir + "/scans2.txt"], environment: env)
        #expect(offline.status == 0, "\(offline.stderr)")
        // An unlisted badge is no packer: under require_packer it is refused like any scan.
        #expect(Self.verdicts(offline.stderr) == ["signed_in", "signed_out", "packer_required"], "\(offline.stderr)")
    }
}
