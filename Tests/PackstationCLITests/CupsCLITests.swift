import Foundation
import TestPeers
import Testing

/// `packstation print` and `packstation devices` against a real private cupsd
/// (scripts/peers/cupsd.py), found through CUPS_SERVER as on a bench.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/cupsd") || ProcessInfo.processInfo.environment["CI"] != nil,
                             "cupsd is not installed (apt-get install cups-daemon cups-client); set CI=1 to make this a failure"))
struct CupsCLITests {
    /// A private cupsd with raw queues to a capture printer; stopped by PID.
    final class Scheduler {
        let process = Process()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cups-cli-\(UUID().uuidString)")
        var server = ""

        init(queues: [String]) throws {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("scripts/peers/cupsd.py")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let ready = directory.appendingPathComponent("ready"), log = directory.appendingPathComponent("peer.out")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path, "--dir", directory.appendingPathComponent("cups").path, "--ready-file", ready.path] + queues.flatMap { ["--queue", $0] }
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, process.isRunning, server.isEmpty {
                if let text = try? String(contentsOf: ready, encoding: .utf8), let r = text.range(of: "port=") {
                    server = "127.0.0.1:" + text[r.upperBound...].prefix { $0.isNumber }
                }
                usleep(10_000)
            }
            if server.isEmpty {
                kill(process.processIdentifier, SIGKILL)
                Issue.record("the private cupsd did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
                throw CancellationError()
            }
        }

        deinit {
            kill(process.processIdentifier, SIGTERM)  // the script stops cupsd by its PID
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
        }

        func captures() -> [Data] {
            let dir = directory.appendingPathComponent("cups/capture")
            return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".bin") }.sorted()
                .compactMap { FileManager.default.contents(atPath: dir.appendingPathComponent($0).path) }
        }
    }

    @Test func printSendsZPLRawAndAPDFAsPDFAndPrintsTheJobIDs() throws {
        let cups = try Scheduler(queues: ["zebra"])
        let zpl = Array("^XA^CI28^FDMüller ~ \u{1}^FS^XZ\n".utf8)
        // A whole one-page PDF (poppler reads it: page count and size are checked before sending).
        let pdf = PlainPDF.bytes([PlainPDF.Page()])
        let dir = try CLI.files(["label.zpl": zpl, "slip.pdf": pdf])
        let run = try CLI.run(["print", "--printer", "cups://zebra", dir.appendingPathComponent("label.zpl").path, dir.appendingPathComponent("slip.pdf").path],
                              environment: ["CUPS_SERVER": cups.server])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasSuffix("label.zpl: zpl, \(zpl.count) bytes to cups://zebra job 1") == true, "\(run.stdout)")
        #expect(lines.last?.hasSuffix("slip.pdf: pdf, \(pdf.count) bytes to cups://zebra job 2") == true, "\(run.stdout)")
        let deadline = Date().addingTimeInterval(15)
        while cups.captures().count < 2, Date() < deadline { usleep(20_000) }
        #expect(cups.captures() == [Data(zpl), Data(pdf)])
    }

    @Test func printToAMissingQueueSaysWhatToDo() throws {
        let cups = try Scheduler(queues: ["zebra"])
        let dir = try CLI.files(["label.zpl": Array("^XA^XZ".utf8)])
        let run = try CLI.run(["print", "--printer", "cups://nosuch", dir.appendingPathComponent("label.zpl").path], environment: ["CUPS_SERVER": cups.server])
        #expect(run.status == 1)
        #expect(run.stderr.contains("CUPS has no queue 'nosuch' on \(cups.server)."), "\(run.stderr)")
    }

    @Test func devicesListsCUPSQueuesWithStateInWords() throws {
        let cups = try Scheduler(queues: ["zebra", "zebra2"])
        let disable = Process()
        disable.executableURL = URL(fileURLWithPath: "/usr/sbin/cupsdisable")
        disable.arguments = ["-h", cups.server, "zebra2"]
        try disable.run()
        disable.waitUntilExit()
        let text = try CLI.run(["devices", "--input-dir", "/nonexistent/input"], environment: ["CUPS_SERVER": cups.server])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("CUPS printers:\n  cups://zebra  raw queue (ZPL goes through untouched)  socket://127.0.0.1:"), "\(text.stdout)")
        #expect(text.stdout.contains("cups://zebra2: stopped — resume it (cupsenable) or check the printer"), "\(text.stdout)")

        let json = try CLI.run(["devices", "--json", "--input-dir", "/nonexistent/input"], environment: ["CUPS_SERVER": cups.server])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let printers = try #require(document["printers"] as? [[String: Any]]).filter { $0["kind"] as? String == "cups" }
        #expect(printers.map { $0["uri"] as? String } == ["cups://zebra", "cups://zebra2"])
        #expect(printers.map { $0["raw"] as? Bool } == [true, true])
        let states = printers.map { $0["state"] as? [String: Any] }
        #expect(states.map { $0?["printer_state"] as? String } == ["idle", "stopped"])
        #expect(states.map { $0?["can_print"] as? Bool } == [true, false])
        #expect(states.last??["reasons"] as? [String] == ["paused"])
    }

    @Test func devicesSaysWhenCUPSIsNotRunning() throws {
        let json = try CLI.run(["devices", "--json", "--input-dir", "/nonexistent/input"], environment: ["CUPS_SERVER": "127.0.0.1:9"])
        #expect(json.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let cups = try #require(document["printers"] as? [[String: Any]]).filter { $0["kind"] as? String == "cups" }
        #expect(cups.count == 1)
        #expect((cups.first?["problem"] as? String)?.hasPrefix("The print server at 127.0.0.1:9 is not running or cannot be reached") == true, "\(cups)")
    }
}
