import Foundation
import Testing

/// Packer sign-in end to end: `packstation run` with `station.require_packer` against the built
/// hub refuses the order until a badge, and the result reaches the hub with its packer.
@Suite struct PackerSignInCLITests {
    @Test func aResultReachesTheHubWithThePackerWhoseBadgeWasScanned() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = try HubProcess(dir: dir)
        let token = try hub.addStation("bench-a")
        try [OrderRefusalCLITests.order("P1"), OrderRefusalCLITests.order("P2")].joined(separator: "\n").write(toFile: dir + "/orders.jsonl", atomically: true, encoding: .utf8)
        try hub.command(["import", dir + "/orders.jsonl"])
        try hub.start()
        let env = RunCLITests.noPrinters.merging([
            "PACKSTATION_SERVER_URL": hub.url, "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-a",
            "PACKSTATION_STATION_REQUIRE_PACKER": "true", "PACKSTATION_STATION_PACKER_BADGE_PREFIX": "PK-",
        ]) { $1 }
        // P1 before any badge is refused; Ana packs it; after CMD:SIGNOUT P2 is refused again; Ben packs it.
        let scans = ["ORD-P1", "PK-ana", "ORD-P1", "4006381333931", "CMD:SIGNOUT", "ORD-P2", "PK-ben", "ORD-P2", "4006381333931"]
        try scans.joined(separator: "\n").appending("\n").write(toFile: dir + "/scans.txt", atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", "--scans-from", dir + "/scans.txt", "--data-dir", dir + "/data", "--exit-when-done", "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let verdicts = run.stderr.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("verdict=") }.map { String($0.dropFirst("verdict=".count)) }
        }
        #expect(verdicts == ["packer_required", "signed_in", "order_opened", "order_complete", "signed_out", "packer_required", "signed_in", "order_opened", "order_complete"], "\(run.stderr)")
        // What the hub stored, read with sqlite3 (the hub's own reader is not under test here).
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [hub.db, "SELECT order_id || '=' || json_extract(body, '$.packer') FROM results WHERE type = 'pack_result' ORDER BY order_id"]
        let out = Pipe()
        sqlite.standardOutput = out
        try sqlite.run()
        let stored = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sqlite.waitUntilExit()
        #expect(stored.split(separator: "\n") == ["P1=ana", "P2=ben"], "\(stored)")
    }
}

/// `packstation verify` replays badges and CMD:SIGNOUT as the agent does: one JSON line each,
/// the packer in the signed_in/signed_out lines and in the summary's result.
@Suite struct PackerSignInVerifyTests {
    /// (extra arguments, scans, verdicts, the summary result's packer)
    static let table: [([String], [String], [String], JSONLike)] = [
        (["--packer-badge", "B-7=Ana"], ["B-7", "ORD-1001", "CMD:SIGNOUT"], ["signed_in", "order_opened", "signed_out"], .null),
        (["--packer-badge", "B-7=Ana"], ["ORD-1001", "B-7"], ["order_opened", "signed_in"], .string("Ana")),
        (["--packer-badge-prefix", "PK-", "--require-packer"], ["ORD-1001", "PK-77", "ORD-1001"], ["packer_required", "signed_in", "order_opened"], .string("77")),
        (["--require-packer"], ["ORD-1001", "CMD:SIGNOUT"], ["packer_required", "command_rejected"], .none),
    ]

    enum JSONLike: Sendable, Equatable { case null, string(String), none }

    @Test(arguments: table.indices)
    func verifyReplaysSignInAndRequirePacker(index: Int) throws {
        let (arguments, scans, verdicts, packer) = Self.table[index]
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try (scans.joined(separator: "\n") + "\n").write(toFile: dir + "/s.txt", atomically: true, encoding: .utf8)
        let r = try CLI.run(["verify", "--order", RunCLITests.orders, "--scans", dir + "/s.txt"] + arguments)
        let lines = r.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.dropLast().map { $0["verdict"] as? String ?? "?" } == verdicts, "\(r.stdout)\(r.stderr)")
        if verdicts.first == "signed_in" { #expect(lines.first?["packer"] as? String == "Ana") }
        let result = lines.last?["result"] as? [String: Any]
        switch packer {
        case .none: #expect(result == nil, "no order opened")
        case .null: #expect(result?["packer"] is NSNull, "\(String(describing: result))")
        case .string(let name): #expect(result?["packer"] as? String == name, "\(String(describing: result))")
        }
    }
}
