import Foundation
import TestPeers
import Testing

/// Reprint and void at a bench as a packer meets them: after an order of two packages, a
/// supervisor-approved CMD:REPRINT prints both labels again at the test printer, CMD:VOID prints
/// the last one again marked as the voided label's replacement, a scan that is not a badge
/// cancels without printing, and the hub stores each reprint's event once, also after a restart.
@Suite struct ReprintCLITests {
    @Test func reprintAndVoidReachThePrinterAndTheHubOnce() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = try HubProcess(dir: dir)
        let token = try hub.addStation("bench-r")
        try MultiBoxCLITests.order(id: "RP1", packages: 2, weights: [1200, 800]).write(toFile: dir + "/orders.jsonl", atomically: true, encoding: .utf8)
        try hub.command(["import", dir + "/orders.jsonl"])
        try hub.start()
        let printer = try TestPrinterPeer()
        let env = ["PACKSTATION_SERVER_URL": hub.url, "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-r",
                   "PACKSTATION_STATION_SUPERVISOR_BADGES": "SUP-7", "PACKSTATION_STATION_REPRINT_REQUIRES_SUPERVISOR": "true"]
        let args = ["run", "--data-dir", dir + "/data", "--exit-when-done", "--printer", printer.uri, "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"]

        let scans = ["ORD-RP1", "4006381333931", "4006381333931", "036000291452", "CMD:REPRINT", "SUP-7", "CMD:VOID", "4006381333931", "CMD:VOID", "SUP-7"]
        try (scans.joined(separator: "\n") + "\n").write(toFile: dir + "/scans.txt", atomically: true, encoding: .utf8)
        let run = try CLI.run(args + ["--scans-from", dir + "/scans.txt"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let verdicts = run.stderr.split(separator: "\n").filter { $0.contains("verdict=") }.compactMap { $0.split(separator: " ").first { $0.hasPrefix("verdict=") } }
        #expect(verdicts == ["verdict=order_opened", "verdict=accepted", "verdict=accepted", "verdict=order_complete", "verdict=supervisor_required", "verdict=labels_reprinted",
                             "verdict=supervisor_required", "verdict=reprint_cancelled", "verdict=supervisor_required", "verdict=label_voided"], "\(run.stderr)")

        // Two labels, both again, then the second once more with the note across its top.
        #expect(printer.waitUntil { printer.printedLabels().count >= 5 })
        usleep(300_000)
        let labels = printer.printedLabels()
        let names = labels.map { l in ["1 of 2", "2 of 2"].first { l.contains("^FD\($0)^FS") } ?? "?" }
        #expect(names == ["1 of 2", "2 of 2", "1 of 2", "2 of 2", "2 of 2"], "\(labels.map { $0.prefix(200) })")
        #expect(labels.map { $0.contains("REPRINT - replaces voided label") } == [false, false, false, false, true])

        // The hub has each event once, with the supervisor who allowed it.
        func events(_ kind: String) throws -> [String] {
            try MultiBoxCLITests.tool("/usr/bin/sqlite3", [hub.db, "SELECT body FROM results WHERE type = 'event' AND order_id = 'RP1' AND body LIKE '%\"kind\":\"\(kind)\"%'"])
                .split(separator: "\n").map(String.init)
        }
        let reprinted = try events("labels_reprinted")
        #expect(reprinted.count == 1)
        #expect(reprinted.first?.contains(#""supervisor":"SUP-7""#) == true, "\(reprinted)")
        #expect(reprinted.first?.contains(#""labels":[{"package":1,"packages":2,"weight_g":1200,"reprint":true},{"package":2,"packages":2,"weight_g":800,"reprint":true}]"#) == true, "\(reprinted)")
        let voided = try events("label_voided")
        #expect(voided.count == 1)
        #expect(voided.first?.contains(#""voided":{"package":2,"packages":2,"weight_g":800}"#) == true, "\(voided)")

        // A restart on the same journal prints nothing again and sends nothing twice.
        try Data().write(to: URL(fileURLWithPath: dir + "/empty.txt"))
        let again = try CLI.run(args + ["--scans-from", dir + "/empty.txt"], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        usleep(300_000)
        #expect(printer.printedLabels().count == 5)
        #expect(try events("labels_reprinted").count == 1 && events("label_voided").count == 1)
    }

    /// `packstation verify` replays the same verdicts as the bench, the supervisor's wait included.
    @Test func verifyReplaysReprintsAndTheSupervisorWait() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try MultiBoxCLITests.order(id: "RP3", packages: 2, weights: nil).write(toFile: dir + "/orders.json", atomically: true, encoding: .utf8)
        let scans = "ORD-RP3\n4006381333931\nCMD:REPRINT\n4006381333931\n036000291452\nCMD:REPRINT\nSUP-7\nCMD:VOID\nSUP-7\n"
        let run = try CLI.run(["verify", "--order", dir + "/orders.json", "--scans", "-", "--supervisor-badge", "SUP-7", "--reprint-requires-supervisor"], stdin: Array(scans.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.dropLast().map { $0?["verdict"] as? String } == ["order_opened", "accepted", "nothing_to_reprint", "accepted", "order_complete",
                                                                      "supervisor_required", "labels_reprinted", "supervisor_required", "label_voided"])
        #expect((lines[6]?["labels"] as? [[String: Any]])?.map { "\($0["package"]!)/\($0["packages"]!) \($0["reprint"]!)" } == ["1/2 1", "2/2 1"])
        #expect((lines[8]?["voided"] as? [String: Any])?["package"] as? Int == 2)
        #expect(lines[8]?["supervisor"] as? String == "SUP-7")
        // The reprints are not part of the order's record.
        let summary = lines.last??["result"] as? [String: Any]
        #expect((summary?["scans"] as? [Any])?.count == 4)

        let refused = try CLI.run(["verify", "--order", dir + "/orders.json", "--scans", "-", "--reprint-requires-supervisor"], stdin: Array(scans.utf8))
        #expect(refused.status != 0 && refused.stderr.contains("--reprint-requires-supervisor needs at least one --supervisor-badge"), "\(refused.stderr)")
    }

    /// Asking for a supervisor that no badge could ever satisfy is refused at start, saying what to set.
    @Test func requiringASupervisorWithoutBadgesIsRefusedAtStart() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try MultiBoxCLITests.order(id: "RP2", packages: 1, weights: nil).write(toFile: dir + "/orders.json", atomically: true, encoding: .utf8)
        try "ORD-RP2\n".write(toFile: dir + "/scans.txt", atomically: true, encoding: .utf8)
        var env = RunCLITests.noPrinters
        env["PACKSTATION_STATION_REPRINT_REQUIRES_SUPERVISOR"] = "true"
        let run = try CLI.run(["run", "--orders", dir + "/orders.json", "--scans-from", dir + "/scans.txt", "--data-dir", dir + "/data", "--exit-when-done", "--kiosk-listen", "127.0.0.1:0"], environment: env)
        #expect(run.status != 0)
        #expect(run.stderr.contains("station.reprint_requires_supervisor (PACKSTATION_STATION_REPRINT_REQUIRES_SUPERVISOR) is true but station.supervisor_badges is empty"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/data/journal.sqlite"), "nothing was started")
    }
}
