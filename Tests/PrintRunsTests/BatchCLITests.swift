import Foundation
import TestPeers
import Testing
@testable import PrintRuns

/// `packstation batch` as the supervisor runs it: the real binary, killed with -9 where a power
/// cut would stop it, against the real test printer.
@Suite(.serialized) struct BatchCLITests {
    /// `batch status ID --json`, parsed.
    static func status(_ id: String, data: String, in dir: String) throws -> [String: Any] {
        let r = try Agent.run(["batch", "status", id, "--json", "--data-dir", data], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test func startWritesTheRunIDFirstAndPrintsEveryLabelOnce() throws {
        let dir = try scratch("cli")
        let peer = try TestPrinterPeer()
        let labels = try labelDirectory(25)
        let r = try Agent.run(["batch", "start", "--printer", peer.uri, "--labels", labels, "--chunk", "10", "--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let id = try #require(lines.first)
        #expect(id.count == 7 && id.hasPrefix("r"), "the first line is the run id alone: \(r.stdout)")
        #expect(lines.last == "Run \(id) done: 25 labels printed on \(peer.uri).")
        #expect(r.stderr.contains("run \(id): 10 of 25 labels printed"), "plain progress lines when not on a terminal: \(r.stderr)")
        #expect(peer.printedLabels() == (1...25).map(testLabel))
        let status = try Self.status(id, data: dir + "/data", in: dir)
        #expect(status["state"] as? String == "done" && status["printed"] as? Int == 25)
        #expect((status["chunks"] as? [[String: Any]])?.count == 3)
        let all = try Agent.run(["batch", "status", "--data-dir", dir + "/data"], in: dir)
        #expect(all.stdout.hasPrefix("\(id)  done  25/25  \(peer.uri)  labels \(labels)"), "\(all.stdout)")
    }

    @Test func killDashNineMidRunThenResumePrintsEveryLabelExactlyOnce() throws {
        let dir = try scratch("cli-kill")
        let peer = try TestPrinterPeer(speed: 40)
        let start = try Agent.Running(["batch", "start", "--printer", peer.uri, "--labels", try labelDirectory(90), "--chunk", "10", "--data-dir", dir + "/data"], in: dir)
        #expect(eventually { peer.printedLabels().count >= 25 })
        start.kill9()
        let id = try #require(start.firstLine)
        let killed = try Self.status(id, data: dir + "/data", in: dir)
        #expect(killed["state"] as? String == "paused", "no process holds it: shown as paused with how to go on")
        #expect((killed["message"] as? String)?.contains("packstation batch resume \(id)") == true)
        let resumed = try Agent.run(["batch", "resume", id, "--data-dir", dir + "/data"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(peer.printedLabels() == (1...90).map(testLabel), "every label exactly once, in order")
        #expect(try Self.status(id, data: dir + "/data", in: dir)["state"] as? String == "done")
    }

    @Test func killedWhileOutOfPaperThenReloadedAndResumed() throws {
        let dir = try scratch("cli-paper")
        let peer = try TestPrinterPeer(speed: 100)
        try peer.control("paper_out_after 15")
        let start = try Agent.Running(["batch", "start", "--printer", peer.uri, "--labels", try labelDirectory(40), "--chunk", "10", "--data-dir", dir + "/data"], in: dir)
        #expect(eventually { start.stderr.contains("out of labels — load labels and press FEED") })
        let id = try #require(start.firstLine)
        let waiting = try Self.status(id, data: dir + "/data", in: dir)
        #expect(waiting["state"] as? String == "waiting-for-printer")
        #expect(waiting["message"] as? String == "\(peer.uri): out of labels — load labels and press FEED", "status shows the advice: \(waiting)")
        start.kill9()
        // The printer still holds labels 16–20; the reload prints them with no agent running.
        try peer.control("paper_out 0")
        #expect(eventually { peer.printedLabels().count == 20 })
        let resumed = try Agent.run(["batch", "resume", id, "--data-dir", dir + "/data"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(peer.printedLabels() == (1...40).map(testLabel))
    }

    @Test func sigtermPausesBetweenStepsAndResumeGoesOn() throws {
        let dir = try scratch("cli-term")
        let peer = try TestPrinterPeer(speed: 40)
        let start = try Agent.Running(["batch", "start", "--printer", peer.uri, "--labels", try labelDirectory(60), "--chunk", "10", "--data-dir", dir + "/data"], in: dir)
        #expect(eventually { peer.printedLabels().count >= 5 })
        kill(start.process.processIdentifier, SIGTERM)
        let ended = start.wait()
        let id = try #require(ended.stdout.split(separator: "\n").first.map(String.init))
        #expect(ended.status == 1 && ended.stderr.contains("Run \(id) stopped at label"), "\(ended.stderr)")
        let paused = try Self.status(id, data: dir + "/data", in: dir)
        #expect(paused["state"] as? String == "paused")
        #expect(peer.printedLabels().count < 60, "it stopped before the end")
        let resumed = try Agent.run(["batch", "resume", id, "--data-dir", dir + "/data"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(peer.printedLabels() == (1...60).map(testLabel))
    }

    @Test func aFilePrinterResumeNamesTheRangeThatMayBeDoubled() throws {
        let dir = try scratch("cli-file")
        let out = dir + "/out.zpl"
        let labels = try labelDirectory(12)
        // The journal state kill -9 leaves between writing chunk 2 and recording it: chunk 1
        // settled, chunk 2 recorded as sending and its bytes already in the file.
        let journal = try RunJournal(directory: dir + "/data")
        let run = try journal.create(printer: "file://\(out)", source: .labels(path: labels), fingerprint: try LabelSource(.labels(path: labels), rendering: RunExecutorTests.rendering).fingerprint(), template: "shipping", dpi: 203, labels: 1...12, chunkSize: 5)
        try (1...7).map(testLabel).joined().write(toFile: out, atomically: true, encoding: .utf8)
        _ = try journal.beginChunk(run: run.id, index: 1, labels: 1...5, odometerBefore: nil)
        try journal.finishChunk(run: run.id, chunk: 1, printed: 5, next: 6)
        _ = try journal.beginChunk(run: run.id, index: 2, labels: 6...10, odometerBefore: nil)
        let resumed = try Agent.run(["batch", "resume", run.id, "--data-dir", dir + "/data"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("labels 6–10 may have printed twice"), "\(resumed.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == (Array(1...7) + Array(6...12)).map(testLabel).joined(), "only the chunk in flight repeats")
        let status = try Agent.run(["batch", "status", run.id, "--data-dir", dir + "/data"], in: dir)
        #expect(status.stdout.contains("warning: labels 6–10 may have printed twice"), "\(status.stdout)")
    }

    @Test func cancelFromAnotherProcessStopsTheRun() throws {
        let dir = try scratch("cli-cancel")
        let peer = try TestPrinterPeer(speed: 20)
        let start = try Agent.Running(["batch", "start", "--printer", peer.uri, "--labels", try labelDirectory(60), "--chunk", "20", "--data-dir", dir + "/data"], in: dir)
        #expect(eventually { peer.printedLabels().count >= 3 })
        let id = try #require(start.firstLine)
        let cancel = try Agent.run(["batch", "cancel", id, "--data-dir", dir + "/data"], in: dir)
        #expect(cancel.status == 0 && cancel.stdout.contains("Run \(id) cancelled"), "\(cancel.stdout)\(cancel.stderr)")
        let ended = start.wait()
        #expect(ended.status == 1 && ended.stderr.contains("Run \(id) was cancelled after"), "\(ended.stderr)")
        let printed = peer.printedLabels()
        #expect(printed.count < 20 && printed == (1...printed.count).map(testLabel))
        #expect(try Self.status(id, data: dir + "/data", in: dir)["state"] as? String == "cancelled")
        let resume = try Agent.run(["batch", "resume", id, "--data-dir", dir + "/data"], in: dir)
        #expect(resume.status == 1 && resume.stderr.contains("was cancelled and cannot be resumed"))
    }

    @Test func reprintPrintsTheRangeAgainAsARecordedRun() throws {
        let dir = try scratch("cli-reprint")
        let out = dir + "/out.zpl"
        let labels = try labelDirectory(8)
        let first = try Agent.run(["batch", "start", "--printer", "file://\(out)", "--labels", labels, "--chunk", "3", "--data-dir", dir + "/data"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let id = try #require(first.stdout.split(separator: "\n").first.map(String.init))
        let again = try Agent.run(["batch", "reprint", id, "--from", "3", "--to", "5", "--data-dir", dir + "/data"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        let newID = try #require(again.stdout.split(separator: "\n").first.map(String.init))
        #expect(newID != id)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == (Array(1...8) + Array(3...5)).map(testLabel).joined())
        let status = try Self.status(newID, data: dir + "/data", in: dir)
        #expect(status["reprint_of"] as? String == id && status["first_label"] as? Int == 3 && status["last_label"] as? Int == 5)
    }

    @Test func anOrdersFileRunPrintsEachOrdersLabel() throws {
        let dir = try scratch("cli-orders")
        try (1...6).map(orderLine).joined(separator: "\n").write(toFile: dir + "/wave.jsonl", atomically: true, encoding: .utf8)
        let r = try Agent.run(["batch", "start", "--printer", "file://\(dir)/out.zpl", "--orders", dir + "/wave.jsonl", "--chunk", "4", "--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let zpl = try String(contentsOfFile: dir + "/out.zpl", encoding: .utf8)
        #expect(zpl.components(separatedBy: "^XA").count == 7)
        #expect(zpl.contains("Customer 1") && zpl.contains("Customer 6"))
    }
}
