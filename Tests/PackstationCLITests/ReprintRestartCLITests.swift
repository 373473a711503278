import Foundation
import TestPeers
import Testing

/// `CMD:REPRINT` and `CMD:VOID` after a restart, as a packer meets them: an order of two
/// packages from the hub is packed and the agent stops; the next start (its order cache emptied,
/// so only what the bench kept for reprints can answer) prints both labels again at the test
/// printer, then the voided one's replacement with its note, and the hub gets each event once.
@Suite struct ReprintRestartCLITests {
    @Test func theLastOrdersLabelsPrintAgainAfterARestart() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = try HubProcess(dir: dir)
        let token = try hub.addStation("bench-rr")
        try hub.importOrders([MultiBoxCLITests.order(id: "RR1", packages: 2, weights: [1200, 800])])
        try hub.start()
        let printer = try TestPrinterPeer()
        let env = ["PACKSTATION_SERVER_URL": hub.url, "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-rr"]
        let args = ["run", "--data-dir", dir + "/data", "--exit-when-done", "--printer", printer.uri, "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"]
        try "ORD-RR1\n4006381333931\n4006381333931\n036000291452\n".write(toFile: dir + "/pack.txt", atomically: true, encoding: .utf8)
        let first = try CLI.run(args + ["--scans-from", dir + "/pack.txt"], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(printer.waitUntil { printer.printedLabels().count >= 2 })

        // The order's cached copy is gone (a bounded cache may drop a packed order): the bench's own copy answers.
        _ = try MultiBoxCLITests.tool("/usr/bin/sqlite3", [dir + "/data/journal.sqlite", "DELETE FROM order_cache_barcodes; DELETE FROM order_cache;"])
        try "CMD:REPRINT\nCMD:VOID\n".write(toFile: dir + "/reprint.txt", atomically: true, encoding: .utf8)
        let second = try CLI.run(args + ["--scans-from", dir + "/reprint.txt"], environment: env)
        #expect(second.status == 0, "\(second.stderr)")
        let verdicts = second.stderr.split(separator: "\n").compactMap { $0.split(separator: " ").first { $0.hasPrefix("verdict=") } }
        #expect(verdicts == ["verdict=labels_reprinted", "verdict=label_voided"], "\(second.stderr)")
        #expect(printer.waitUntil { printer.printedLabels().count >= 5 })
        usleep(300_000)
        let labels = printer.printedLabels()
        let names = labels.map { l in ["1 of 2", "2 of 2"].first { l.contains("^FD\($0)^FS") } ?? "?" }
        #expect(names == ["1 of 2", "2 of 2", "1 of 2", "2 of 2", "2 of 2"], "\(labels.map { $0.prefix(120) })")
        #expect(labels.map { $0.contains("REPRINT - replaces voided label") } == [false, false, false, false, true])
        #expect(labels[2] == labels[0] && labels[3] == labels[1], "the same labels as the order's own")
        let events = try MultiBoxCLITests.tool("/usr/bin/sqlite3", [hub.db, "SELECT json_extract(body, '$.kind') FROM results WHERE type = 'event' AND order_id = 'RR1' AND json_extract(body, '$.kind') <> 'label_printed' ORDER BY id"])
        #expect(events.split(separator: "\n") == ["labels_reprinted", "label_voided"], "\(events)")
    }
}
