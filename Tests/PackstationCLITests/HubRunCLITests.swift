import Foundation
import TestPeers
import Testing

/// Label runs added on the hub (`packstation-hub label-run add`) and printed by `packstation run`
/// at the test printer, with real processes: exactly once through a kill -9 of the agent and an
/// outage of the hub, progress on the hub; and the runs that must not print.
@Suite(.serialized) struct HubRunCLITests {
    /// A process with its output in a log file.
    final class Running: @unchecked Sendable {
        let process = Process()
        let log: String
        /// Standard input, when the process reads scans from it.
        let input: Pipe?
        init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], log: String, input: Pipe? = nil) throws {
            self.input = input
            self.log = log
            if !FileManager.default.fileExists(atPath: log) { FileManager.default.createFile(atPath: log, contents: nil) }
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            out.seekToEndOfFile()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardOutput = out
            process.standardError = out
            process.standardInput = input ?? FileHandle.nullDevice
            try process.run()
        }
        func signal(_ sig: Int32) {
            if process.isRunning { kill(process.processIdentifier, sig) }
            process.waitUntilExit()
        }
        var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    }

    /// A hub (HubProcess) with stations, the agent's environment for it, and the agents started.
    final class Setup: @unchecked Sendable {
        let dir: String
        let hub: HubProcess
        let token: String
        var agents: [Running] = []

        init(stations: [String] = ["bench"]) throws {
            dir = try RunCLITests.scratch()
            hub = try HubProcess(dir: dir)
            token = try hub.addStation(stations[0])
            for name in stations.dropFirst() { _ = try hub.addStation(name) }
        }

        deinit { for p in agents where p.process.isRunning { p.signal(SIGKILL) } }

        func startAgent(printer: String, kiosk: Int = 0, scans: Pipe? = nil, environment extra: [String: String] = [:]) throws -> Running {
            let env = [
                "PACKSTATION_SERVER_URL": hub.url, "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench",
                "PACKSTATION_RUNS_CHUNK_SIZE": "5", "CUPS_SERVER": "127.0.0.1:9",
            ].merging(extra) { $1 }
            let a = try Running(CLI.binary.path, ["run", "--scans-from", scans == nil ? "/dev/null" : "-", "--data-dir", dir + "/agent", "--printer", printer,
                                                  "--kiosk-listen", "127.0.0.1:\(kiosk)", "--log-level", "info"], environment: env, log: dir + "/agent.log", input: scans)
            agents.append(a)
            return a
        }

        /// `label-run add`; returns the run id.
        func addRun(_ arguments: [String]) throws -> String {
            try hub.command(["label-run", "add"] + arguments)
        }

        /// `label-run list --json`, by run id.
        func runs() throws -> [String: [String: Any]] {
            var byID: [String: [String: Any]] = [:]
            for line in try hub.command(["label-run", "list", "--json"]).split(separator: "\n") {
                if let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let id = o["id"] as? String { byID[id] = o }
            }
            return byID
        }

        /// `packstation-hub ARGUMENTS --db DB` whatever its exit status, with its standard error.
        func refused(_ arguments: [String]) throws -> CLI.Output {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: HubProcess.binary)
            p.arguments = arguments + ["--db", hub.db]
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return CLI.Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
        }
    }

    /// `count` labels, each with its number in its field data.
    static func labels(_ count: Int, prefix: String = "LABEL") -> String {
        (1...count).map { String(format: "^XA^FO40,40^A0N,40,40^FD\(prefix)-%04d^FS^XZ\n", $0) }.joined()
    }

    /// The kiosk's state (`/state`) as JSON.
    static func kioskState(_ port: Int) -> [String: Any]? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-s", "--max-time", "2", "http://127.0.0.1:\(port)/state"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    static func until(_ what: String, seconds: Double = 120, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try !condition() {
            try #require(Date() < deadline, "timed out waiting until \(what)")
            usleep(50_000)
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func aRunFromTheHubPrintsExactlyOnceThroughAKillAndAnOutageWithItsProgressOnTheHub() throws {
        let printer = try TestPrinterPeer(speed: 10)
        let setup = try Setup()
        let total = 60
        let file = setup.dir + "/wave-42.zpl"
        try Self.labels(total).write(toFile: file, atomically: true, encoding: .utf8)
        let id = try setup.addRun(["--station", "bench", "--name", "wave 42", "--labels", file])
        try setup.hub.start()

        let kiosk = LoopbackPort.unused()
        var agent = try setup.startAgent(printer: printer.uri, kiosk: kiosk)
        // The kiosk shows the run while it prints.
        var shown: [String: Any]?
        try Self.until("the kiosk shows the run") {
            shown = Self.kioskState(kiosk)?["run"] as? [String: Any]
            return shown != nil
        }
        #expect(shown?["id"] as? String == id && shown?["name"] as? String == "wave 42" && shown?["total"] as? Int == total && shown?["state"] as? String == "printing", "\(String(describing: shown))")
        try Self.until("15 labels are printed") { printer.printedRecords().count >= 15 }
        agent.signal(SIGKILL)  // mid-run: a chunk may be in the printer
        let atKill = printer.printedRecords().count
        #expect(atKill < total, "the kill fell after the run ended")

        agent = try setup.startAgent(printer: printer.uri)
        try Self.until("the hub shows the run running") { (try setup.runs()[id]?["state"] as? String) == "running" }
        try Self.until("40 labels are printed") { printer.printedRecords().count >= 40 }
        setup.hub.kill()  // the hub goes down; the run goes on
        try Self.until("every label is printed") { printer.printedRecords().count >= total }
        try Self.until("the agent records the run done") { agent.output.contains("label run done") }
        agent.signal(SIGKILL)  // done here, but the hub has not heard it

        try setup.hub.start()
        agent = try setup.startAgent(printer: printer.uri)
        try Self.until("the hub shows the run done") {
            let run = try setup.runs()[id]
            return run?["state"] as? String == "done" && run?["printed"] as? Int == total
        }
        Thread.sleep(forTimeInterval: 2)  // a poll or two: the run must not start again
        agent.signal(SIGTERM)

        #expect(agent.output.contains("label run resumes"), "the second agent resumed the run: \(agent.output)")
        print("hub run e2e: agent killed -9 at \(atKill) of \(total) labels, hub killed -9 past 40, agent killed -9 after done before the hub heard it")
        let printed = printer.printedRecords().map { $0.fields.joined() }
        #expect(printed == (1...total).map { String(format: "LABEL-%04d", $0) }, "every label once, in order (killed at \(atKill)): \(printed)")
        let run = try setup.runs()[id]
        #expect(run?["total"] as? Int == total && run?["printed"] as? Int == total, "\(String(describing: run))")
        let list = try setup.hub.command(["label-run", "list"])
        #expect(list.contains("\(id)\tbench\tdone\t\(total)/\(total)"), "\(list)")
    }

    /// The bench packs while a run prints on its printer: the order's label comes out between two
    /// of the run's chunks (not after the run), and the run's labels still come out once each, in
    /// order, counted by the printer without the pack label.
    @Test(.timeLimit(.minutes(5)))
    func aPackLabelPrintsBetweenTheRunsChunksAndTheRunStaysExactlyOnce() throws {
        // 5 labels a second: the run takes 16 s, so a loaded machine still packs the order well
        // before the run's end.
        let printer = try TestPrinterPeer(speed: 5)
        let setup = try Setup()
        let total = 80
        let file = setup.dir + "/wave.zpl"
        try Self.labels(total).write(toFile: file, atomically: true, encoding: .utf8)
        let id = try setup.addRun(["--station", "bench", "--labels", file])
        try setup.hub.start()
        let scans = Pipe()
        let agent = try setup.startAgent(printer: printer.uri, scans: scans, environment: ["PACKSTATION_STATION_ORDERS_FILE": RunCLITests.orders])
        try Self.until("the run has printed 10 labels") { printer.printedRecords().count >= 10 }
        let lines = try String(contentsOfFile: RunCLITests.scans, encoding: .utf8)
        scans.fileHandleForWriting.write(Data(lines.utf8))
        let sent = Date()
        func isRunLabel(_ label: TestPrinterPeer.PrintedLabel) -> Bool { label.fields.joined().hasPrefix("LABEL-") }
        try Self.until("the order's label is printed") { printer.printedRecords().contains { !isRunLabel($0) } }
        let waited = Date().timeIntervalSince(sent)
        let atPackLabel = printer.printedRecords().filter(isRunLabel).count
        try Self.until("the run is done on the hub") { try setup.runs()[id]?["state"] as? String == "done" }
        agent.signal(SIGTERM)

        let records = printer.printedRecords()
        #expect(records.filter(isRunLabel).map { $0.fields.joined() } == (1...total).map { String(format: "LABEL-%04d", $0) }, "the run's labels once each, in order")
        #expect(records.filter { !isRunLabel($0) }.count == 1, "the order's label once")
        #expect(atPackLabel < total - 10, "the order's label came out while the run printed (after \(atPackLabel) of its \(total) labels), not after it")
        #expect(waited < 12, "from the last scan to the order's label: \(waited) s (one chunk of 5 labels takes 1 s)")
        #expect(!agent.output.contains("something else printed on it meanwhile"), "the run's label counter counted its own chunks only")
        print("hub run shared printer: the order's label printed \(String(format: "%.2f", waited)) s after its scans were sent, after \(atPackLabel) of the run's \(total) labels")
    }

    @Test(.timeLimit(.minutes(5)))
    func runsThatMustNotPrintFailOnTheHubWithTheirReasonAndTheNextOnePrints() throws {
        let printer = try TestPrinterPeer()
        let setup = try Setup(stations: ["bench", "other"])
        let good = setup.dir + "/good.zpl"
        try Self.labels(3, prefix: "GOOD").write(toFile: good, atomically: true, encoding: .utf8)
        let big = setup.dir + "/big.zpl"
        try Self.labels(200, prefix: "BIG").write(toFile: big, atomically: true, encoding: .utf8)
        let garbage = setup.dir + "/notes.zpl"
        try "Dear packer, this is a letter, not labels.\n".write(toFile: garbage, atomically: true, encoding: .utf8)

        let unknownPrinter = try setup.addRun(["--station", "bench", "--labels", good, "--printer", "zebra-9"])
        let notLabels = try setup.addRun(["--station", "bench", "--labels", garbage])
        let oversized = try setup.addRun(["--station", "bench", "--labels", big])
        let otherStation = try setup.addRun(["--station", "other", "--labels", good])
        let fine = try setup.addRun(["--station", "bench", "--labels", good, "--printer", "printer"])

        // The hub refuses, and stores nothing of, a file that is not a label file or is over its limit.
        let text = setup.dir + "/labels.txt"
        try "^XA^FDx^FS^XZ".write(toFile: text, atomically: true, encoding: .utf8)
        let notZPL = try setup.refused(["label-run", "add", "--station", "bench", "--labels", text])
        #expect(notZPL.status != 0 && notZPL.stderr.contains("is not a label file"), "\(notZPL.stderr)")
        let tooBig = try setup.refused(["label-run", "add", "--station", "bench", "--labels", big, "--max-bytes", "1000"])
        #expect(tooBig.status != 0 && tooBig.stderr.contains("at most 1000"), "\(tooBig.stderr)")
        #expect(try setup.runs().count == 5)

        try setup.hub.start()
        let agent = try setup.startAgent(printer: printer.uri, environment: ["PACKSTATION_RUNS_MAX_BYTES": "2000"])
        try Self.until("the good run is done") { try setup.runs()[fine]?["state"] as? String == "done" }
        try Self.until("the bad runs have failed") {
            let runs = try setup.runs()
            return [unknownPrinter, notLabels, oversized].allSatisfy { runs[$0]?["state"] as? String == "failed" }
        }
        agent.signal(SIGTERM)
        let runs = try setup.runs()
        func reason(_ id: String) -> String { runs[id]?["reason"] as? String ?? "" }
        #expect(reason(unknownPrinter).contains("names printer 'zebra-9', which this station does not have"), "\(reason(unknownPrinter))")
        #expect(reason(notLabels).contains("notes.zpl prints no label") && !reason(notLabels).contains(setup.dir), "\(reason(notLabels))")
        #expect(reason(oversized).contains("runs.max_bytes"), "\(reason(oversized))")
        #expect(runs[otherStation]?["state"] as? String == "queued" && runs[otherStation]?["printed"] as? Int == 0, "another station's run is not this one's")
        #expect(runs[fine]?["printed"] as? Int == 3)
        #expect(printer.printedRecords().map { $0.fields.joined() } == ["GOOD-0001", "GOOD-0002", "GOOD-0003"], "only the good run printed")
    }
}
