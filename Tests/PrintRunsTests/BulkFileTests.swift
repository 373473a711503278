import Foundation
import TestPeers
import Testing
@testable import PrintRuns

/// Carrier-shaped label files (the corpus) on the real test printer: hundreds of labels in one
/// file, numbered as they print, the agent killed with -9 mid-run and the printer switched off,
/// every label still out exactly once with its graphic.
@Suite(.serialized) struct BulkFileTests {
    /// One printed label as the test printer logs it.
    struct Printed {
        var zpl: String
        var missing: [String]
        /// Field data as printed (after ^FH, ^FN filled from a stored format).
        var fields: [String]
    }

    static func printed(_ peer: TestPrinterPeer) -> [Printed] {
        guard let text = try? String(contentsOf: peer.logDirectory.appendingPathComponent("labels.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let zpl = o["zpl"] as? String else { return nil }
            return Printed(zpl: zpl, missing: o["missing"] as? [String] ?? [], fields: o["fields"] as? [String] ?? [])
        }
    }

    /// How many times each of bulk-500.zpl's labels came out ("LABEL n OF 500" is on label n only).
    static func bulkCounts(_ labels: [Printed]) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for label in labels {
            guard let r = label.zpl.range(of: #"LABEL (\d+) OF 500"#, options: .regularExpression) else { continue }
            let n = Int(label.zpl[r].split(separator: " ")[1])!
            counts[n, default: 0] += 1
        }
        return counts
    }

    static func expectEachOnceWithItsGraphic(_ peer: TestPrinterPeer, _ comment: String) {
        let labels = printed(peer)
        let counts = bulkCounts(labels)
        #expect(labels.count == 500, "\(comment): \(labels.count) labels came out")
        #expect((1...500).filter { counts[$0] != 1 }.isEmpty, "\(comment): labels not out exactly once: \((1...500).filter { counts[$0] != 1 }.prefix(20).map { "\($0)×\(counts[$0] ?? 0)" })")
        let missing = labels.filter { !$0.missing.isEmpty }
        #expect(missing.isEmpty, "\(comment): \(missing.count) labels printed without their graphic, e.g. \(missing.first?.zpl.prefix(80) ?? "")")
    }

    @Test(arguments: [false, true])
    func aFiveHundredLabelFileKilledMidRunAndResumedPrintsEachLabelOnce(powerCycle: Bool) throws {
        let dir = try scratch("bulk-kill")
        let file = try CarrierCorpus.directory.appendingPathComponent("bulk-500.zpl").path
        let peer = try TestPrinterPeer(speed: 400)
        let start = try Agent.Running(["batch", "start", "--printer", peer.uri, "--labels", file, "--chunk", "40", "--data-dir", dir + "/data"], in: dir)
        #expect(eventually(60) { Self.printed(peer).count >= 130 })
        start.kill9()
        let id = try #require(start.firstLine)
        if powerCycle {
            // What the printer held (formats in its buffer, the graphic on R:) is gone.
            try peer.control("power_cycle")
        }
        let status = try BatchCLITests.status(id, data: dir + "/data", in: dir)
        #expect(status["total"] as? Int == 500, "a run counts labels, not files: \(status)")
        let resumed = try Agent.run(["batch", "resume", id, "--data-dir", dir + "/data"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("Run \(id) done: 500 labels printed"), "\(resumed.stdout)")
        Self.expectEachOnceWithItsGraphic(peer, powerCycle ? "killed, printer switched off, resumed" : "killed and resumed")
        let chunks = try RunJournal(directory: dir + "/data").chunks(id)
        #expect(chunks.reduce(0) { $0 + ($1.printed ?? 0) } == 500, "the journal accounts for every label")
    }

    @Test func aReprintFromTheMiddleOfAFileSendsTheGraphicAgain() throws {
        let dir = try scratch("bulk-reprint")
        let file = try CarrierCorpus.directory.appendingPathComponent("bulk-500.zpl").path
        let peer = try TestPrinterPeer()
        let first = try Agent.run(["batch", "start", "--printer", peer.uri, "--labels", file, "--chunk", "100", "--data-dir", dir + "/data"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let id = try #require(first.stdout.split(separator: "\n").first.map(String.init))
        try peer.control("power_cycle")
        let before = Self.printed(peer).count
        let again = try Agent.run(["batch", "reprint", id, "17,250-252", "--data-dir", dir + "/data"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        let reprinted = Array(Self.printed(peer).dropFirst(before))
        #expect(reprinted.count == 4)
        #expect(reprinted.map { $0.zpl.contains("LABEL 17 OF 500") } == [true, false, false, false])
        #expect(Self.bulkCounts(reprinted) == [17: 1, 250: 1, 251: 1, 252: 1], "exactly those labels")
        #expect(reprinted.allSatisfy { $0.missing.isEmpty }, "each with its graphic, though the printer was switched off: \(reprinted.map(\.missing))")
    }

    @Test func carrierFilesWithCopiesAndSettingsFormatsAreCountedByLabelEvenWhenAChunkCutsACopy() throws {
        let dir = try scratch("bulk-carriers")
        let files = try scratch("carriers")
        var expected = 0
        for name in CarrierCorpus.carrierFiles {
            try FileManager.default.copyItem(atPath: try CarrierCorpus.directory.appendingPathComponent(name).path, toPath: files + "/" + name)
            expected += try CarrierCorpus.labelCount(name)
        }
        let peer = try TestPrinterPeer()
        // In name order dhl.zpl is labels 1–2 and fedex.zpl 3–7, its ^PQ2 format labels 4–5:
        // chunks of 4 cut that format between its two copies.
        let r = try Agent.run(["batch", "start", "--printer", peer.uri, "--labels", files, "--chunk", "4", "--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("done: \(expected) labels printed"), "\(r.stdout)")
        let labels = Self.printed(peer)
        #expect(labels.count == expected, "\(labels.count) of \(expected)")
        #expect(labels.allSatisfy { $0.missing.isEmpty }, "\(labels.filter { !$0.missing.isEmpty }.map(\.missing))")
        // Each printing format comes out as many times as its copies: found by all of its text.
        for name in CarrierCorpus.carrierFiles {
            for label in try CarrierCorpus.entry(name)["labels"] as? [[String: Any]] ?? [] {
                let copies = try #require(label["copies"] as? Int)
                let text = try #require(label["text"] as? [String])
                let out = labels.filter { printed in text.allSatisfy { t in printed.fields.contains { $0.contains(t) } } }.count
                #expect(out == copies, "\(name) format \(label["format"] ?? "?") (\(text.prefix(2))) came out \(out) times for \(copies) copies")
                if copies == 2 {
                    let sent = labels.filter { printed in text.allSatisfy { t in printed.fields.contains { $0.contains(t) } } }.map(\.zpl)
                    #expect(sent.count == 2 && sent.allSatisfy { $0.contains("^PQ1") && !$0.contains("^PQ2") }, "each copy sent alone as ^PQ1, one per chunk: \(sent.map { $0.suffix(60) })")
                }
            }
        }
    }
}
