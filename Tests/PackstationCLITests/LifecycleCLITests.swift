import Foundation
import Testing

/// The order's lifecycle through the real binaries: `packstation run` packs an order of two
/// packages against `packstation-hub serve` and prints its labels, which makes it packed then
/// labelled on the hub; a carrier with its integration token reports the packages in transit and
/// delivered; `packstation-hub order show` prints the whole story, hostile strings as text; a
/// removed integration's token stops working.
@Suite struct LifecycleCLITests {
    static func curl(_ arguments: [String]) throws -> (status: Int, body: String) {
        let out = try MultiBoxCLITests.tool("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", "--max-time", "30"] + arguments)
        let status = Int(out.split(separator: "\n").last ?? "") ?? 0
        return (status, String(out.dropLast(String(status).count + 1)))
    }

    @Test func anOrderIsPackedLabelledTrackedAndShown() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = try HubProcess(dir: dir)
        let token = try hub.addStation("bench-l")
        try hub.importOrders([MultiBoxCLITests.order(id: "L1", packages: 2, weights: [1200, 800])])
        let integration = try hub.command(["integration", "add", "dhl"])
        #expect(integration.hasPrefix("int-") && integration.count > 40, "\(integration)")
        try hub.start()
        defer { hub.stop() }
        let env = RunCLITests.noPrinters.merging(["PACKSTATION_SERVER_URL": hub.url, "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-l"]) { $1 }
        try "ORD-L1\n4006381333931\n4006381333931\n036000291452\n".write(toFile: dir + "/pack.txt", atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", "--data-dir", dir + "/data", "--exit-when-done", "--kiosk-listen", "127.0.0.1:0", "--scans-from", dir + "/pack.txt"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let state = { try MultiBoxCLITests.tool("/usr/bin/sqlite3", [hub.db, "SELECT state FROM orders WHERE id = 'L1'"]).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(try state() == "labelled", "the agent's result and label_printed event reached the hub")
        let packages = try MultiBoxCLITests.tool("/usr/bin/sqlite3", [hub.db, "SELECT number || ' ' || tracking || ' ' || state || ' ' || weight_g FROM packages WHERE order_id = 'L1' ORDER BY number"])
        #expect(packages.split(separator: "\n") == ["1 JJD0003900123 labelled 1200", "2 JJD0003900123 labelled 800"])

        // The carrier reports; a station's token may not.
        let url = hub.url + "/v1/tracking"
        let body = #"{"updates":[{"tracking":"JJD0003900123","status":"in_transit","at":"2026-11-24T08:00:00Z","location":"Hamburg <hub>"},{"tracking":"JJD0003900123","status":"delivered","at":"2026-11-25T10:30:00+01:00","detail":"Left with \"neighbour\" & <b>co</b>"}]}"#
        let asStation = try Self.curl(["-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json", "--data-binary", body, url])
        #expect(asStation.status == 403 && asStation.body.contains("station_token"), "\(asStation)")
        let tracked = try Self.curl(["-H", "Authorization: Bearer " + integration, "-H", "Content-Type: application/json", "--data-binary", body, url])
        #expect(tracked.status == 200 && tracked.body.hasPrefix(#"{"applied":2,"unchanged":0,"stale":0,"unknown_tracking":0,"refused":0,"#), "\(tracked)")
        #expect(try state() == "delivered")

        // A packer name with a terminal escape, as a hostile station could send it.
        let hostile = #"{"items":[{"key":"hostile-1","type":"event","order_id":"L1","body":{"kind":"note\u001b[2J","at":"2026-11-25T11:00:00Z","data":{}}}]}"#
        let sent = try Self.curl(["-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json", "--data-binary", hostile, hub.url + "/v1/results"])
        #expect(sent.status == 200, "\(sent)")

        let show = try HubPackersCLITests.hubRun(hub, ["order", "show", "L1"])
        #expect(show.status == 0, "\(show.stderr)")
        let lines = show.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "order L1  state delivered  status ready  station any  priority standard", "\(show.stdout)")
        let states = lines.filter { $0.hasPrefix("  20") && $0.contains(" by ") }.map { $0.split(separator: " ").dropFirst().first.map(String.init) ?? "" }
        #expect(states == ["ready", "packed", "labelled", "in_transit", "delivered"], "\(show.stdout)")
        #expect(lines.contains { $0.contains("packed  from ready  by pack_result  station bench-l") })
        #expect(lines.contains("  2  JJD0003900123  DHL Paket  delivered  800 g"), "\(show.stdout)")
        #expect(lines.contains { $0.hasSuffix(#"delivered  -  Left with "neighbour" & <b>co</b>  (dhl)"#) }, "\(show.stdout)")
        #expect(lines.contains { $0.contains("event note\\u{1b}[2J") }, "\(show.stdout)")
        #expect(!show.stdout.contains("\u{1b}"), "no raw escape reaches the terminal")
        let json = try HubPackersCLITests.hubRun(hub, ["order", "show", "L1", "--json"])
        #expect(json.stdout.hasPrefix(#"{"order":{"id":"L1","status":"ready","state":"delivered""#), "\(json.stdout.prefix(200))")
        let unknown = try HubPackersCLITests.hubRun(hub, ["order", "show", "NOPE"])
        #expect(unknown.status == 1 && unknown.stderr.hasPrefix("error: No order NOPE is on this hub"), "\(unknown)")

        // The integrations: listed with when last used; removed, the token stops working.
        let list = try HubPackersCLITests.hubRun(hub, ["integration", "list"]).stdout.split(separator: "\t")
        #expect(list.first == "dhl" && list.count == 3 && !list[2].hasPrefix("-"), "\(list)")
        #expect(try HubPackersCLITests.hubRun(hub, ["integration", "remove", "dhl"]).stdout == "integration dhl removed\n")
        let after = try Self.curl(["-H", "Authorization: Bearer " + integration, "-H", "Content-Type: application/json", "--data-binary", body, url])
        #expect(after.status == 401, "\(after)")
        let again = try HubPackersCLITests.hubRun(hub, ["integration", "add", "bad name"])
        #expect(again.status == 1 && again.stderr == "error: An integration name is 1 to 64 letters, digits, '-', '_' or '.', not \"bad name\".\n", "\(again)")
    }

    @Test func aSupervisorMovesAnOrderByHandAsTheTableAllows() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = try HubProcess(dir: dir)
        try hub.importOrders([OrderRefusalCLITests.order("M1")])
        let raised = try HubPackersCLITests.hubRun(hub, ["order", "move", "M1", "exception", "--person", "Sara", "--reason", "<b>box crushed</b>"])
        #expect(raised.status == 0 && raised.stdout == "order M1 is exception\n", "\(raised)")
        let again = try HubPackersCLITests.hubRun(hub, ["order", "move", "M1", "exception"])
        #expect(again.stdout == "order M1 was exception already; nothing changed\n")
        #expect(try HubPackersCLITests.hubRun(hub, ["order", "move", "M1", "ready"]).status == 0)
        let refused = try HubPackersCLITests.hubRun(hub, ["order", "move", "M1", "delivered"])
        #expect(refused.status == 1 && refused.stderr == "error: Order M1 is ready and cannot become delivered; from ready it may become cancelled, exception, packed. Nothing was changed.\n", "\(refused)")
        let bad = try HubPackersCLITests.hubRun(hub, ["order", "move", "M1", "lost"])
        #expect(bad.status == 2 && bad.stderr.contains("'lost' is not a state; use one of ready, packed, labelled, shipped, in_transit, delivered, exception, cancelled."), "\(bad)")
        let cancel = try HubPackersCLITests.hubRun(hub, ["order", "move", "M1", "cancelled"])
        #expect(cancel.status == 2 && cancel.stderr.contains("import it again with status cancelled"), "\(cancel)")
        let show = try HubPackersCLITests.hubRun(hub, ["order", "show", "M1"]).stdout
        #expect(show.contains(#"exception  from ready  by admin  person Sara  {"reason":"<b>box crushed</b>"}"#), "\(show)")
        #expect(show.contains("ready  from exception  by admin"), "\(show)")
    }
}
