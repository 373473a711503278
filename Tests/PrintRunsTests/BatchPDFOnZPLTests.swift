import Foundation
import LabelGraphics
import Labels
import TestPeers
import Testing
@testable import PrintRuns

/// A run with a PDF for a printer that takes ZPL only (the raw, label-counting test printer):
/// each page is rasterized at the run's dpi into one ^GF label, counted like any ZPL label.
@Suite(.serialized) struct BatchPDFOnZPLTests {
    /// What zbarimg reads in a printed label, drawn by the in-process ZPL preview at 203 dpi.
    static func barcodes(_ zpl: String) throws -> String {
        let png = try ZPLPreview(density: .dpi203).render(try ZPLDocument(Array(zpl.utf8)), label: 0, format: .png).bytes
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("run-pdf-\(UUID().uuidString).png").path
        try Data(png).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let zbar = Process()
        zbar.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        zbar.arguments = ["--nodbus", "-q", path]
        let pipe = Pipe()
        zbar.standardOutput = pipe
        zbar.standardError = FileHandle.nullDevice
        try zbar.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        zbar.waitUntilExit()
        return out
    }

    /// The Code 128 the corpus put on each page of cairo.pdf.
    static func trackings() throws -> [String] {
        let pages = try #require(try CarrierCorpus.entry("cairo.pdf")["barcodes"] as? [[[String: String]]])
        return try pages.map { try #require($0.first { $0["type"] == "code128" }?["data"]) }
    }

    @Test func eachPageIsOneGFLabelCountedOnceAcrossChunksAndReprintedAlone() throws {
        let dir = try scratch("cli-pdf-zpl")
        let labels = dir + "/labels"
        try FileManager.default.createDirectory(atPath: labels, withIntermediateDirectories: true)
        try testLabel(1).write(toFile: labels + "/1-first.zpl", atomically: true, encoding: .utf8)
        try Data(try CarrierCorpus.bytes("cairo.pdf")).write(to: URL(fileURLWithPath: labels + "/2-cairo.pdf"))
        try testLabel(5).write(toFile: labels + "/3-last.zpl", atomically: true, encoding: .utf8)
        let peer = try TestPrinterPeer()
        let r = try Agent.run(["batch", "start", "--printer", peer.uri, "--labels", labels, "--chunk", "2", "--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let id = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        #expect(r.stdout.contains("Run \(id) done: 5 labels printed"), "\(r.stdout)")
        #expect(r.stderr.contains("2-cairo.pdf: \(peer.uri) takes ZPL only; its 3 pages are rasterized at 203 dpi (--dpi), one ^GF label each."), "\(r.stderr)")
        let printed = peer.printedLabels()
        try #require(printed.count == 5, "3 pages -> 3 labels between the two ZPL ones: \(printed.map { $0.prefix(60) })")
        #expect(printed[0] == testLabel(1) && printed[4] == testLabel(5))
        let trackings = try Self.trackings()
        #expect(trackings.count == 3)
        for (k, label) in printed[1...3].enumerated() {
            #expect(label.contains("^GFA,"), "page \(k + 1) as a ^GF graphic")
            let read = try Self.barcodes(label)
            #expect(read.contains("CODE-128:\(trackings[k])"), "page \(k + 1): \(read)")
        }
        let status = try BatchCLITests.status(id, data: dir + "/data", in: dir)
        #expect(status["total"] as? Int == 5 && status["printed"] as? Int == 5, "\(status)")

        // Label 3 is page 2: reprinted alone, as one label.
        let again = try Agent.run(["batch", "reprint", id, "3", "--data-dir", dir + "/data"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        let after = peer.printedLabels()
        #expect(after.count == 6)
        if after.count == 6 { #expect(try Self.barcodes(after[5]).contains("CODE-128:\(trackings[1])")) }
    }

    @Test func killedWithNineMidPDFThenResumedEveryPageComesOutOnce() throws {
        let dir = try scratch("cli-pdf-kill")
        let labels = dir + "/labels"
        try FileManager.default.createDirectory(atPath: labels, withIntermediateDirectories: true)
        for name in ["cairo.pdf", "reportlab.pdf", "qpdf-objstm.pdf"] {
            try Data(try CarrierCorpus.bytes(name)).write(to: URL(fileURLWithPath: labels + "/" + name))
        }
        // The labels an uninterrupted run prints (rasterizing is deterministic).
        let reference = try TestPrinterPeer()
        let whole = try Agent.run(["batch", "start", "--printer", reference.uri, "--labels", labels, "--chunk", "2", "--data-dir", dir + "/ref"], in: dir)
        #expect(whole.status == 0, "\(whole.stderr)")
        let expected = reference.printedLabels()
        try #require(expected.count == 7, "3 + 2 + 2 pages")
        #expect(Set(expected[0..<5]).count == 5, "every page its own label")
        #expect(Array(expected[5...]) == Array(expected[3..<5]), "qpdf-objstm.pdf is reportlab.pdf rewritten with object streams: the same dots")

        let peer = try TestPrinterPeer(speed: 4)
        let start = try Agent.Running(["batch", "start", "--printer", peer.uri, "--labels", labels, "--chunk", "2", "--data-dir", dir + "/data"], in: dir)
        #expect(eventually { peer.printedLabels().count >= 3 })
        start.kill9()
        let id = try #require(start.firstLine)
        #expect(try BatchCLITests.status(id, data: dir + "/data", in: dir)["state"] as? String == "paused", "killed mid-run")
        let resumed = try Agent.run(["batch", "resume", id, "--data-dir", dir + "/data"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(eventually { peer.printedLabels().count >= 7 })
        #expect(peer.printedLabels() == expected, "every page exactly once, in order (\(peer.printedLabels().count) printed)")
    }

    /// An A4 sheet of two 4 × 6 in labels is two labels on a ZPL printer: each printed once at
    /// full size, in order, numbered and counted as labels, also when a chunk ends between the
    /// two labels of a sheet; a reprint of label 2 prints the right-hand label of page 1 alone.
    @Test func eachLabelOfATwoUpSheetIsALabelOfItsOwnPrintedOnce() throws {
        let dir = try scratch("cli-pdf-two-up")
        try Data(try CarrierCorpus.bytes("a4-two-up.pdf")).write(to: URL(fileURLWithPath: dir + "/a4-two-up.pdf"))
        let perLabel = try #require(try CarrierCorpus.entry("a4-two-up.pdf")["label_barcodes"] as? [[[String: String]]])
        let trackings = try perLabel.map { try #require($0.first { $0["type"] == "code128" }?["data"]) }
        let peer = try TestPrinterPeer()
        let r = try Agent.run(["batch", "start", "--printer", peer.uri, "--labels", dir + "/a4-two-up.pdf", "--chunk", "3", "--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let id = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        #expect(r.stdout.contains("Run \(id) done: 4 labels printed"), "\(r.stdout)")
        #expect(r.stderr.contains("a4-two-up.pdf: \(peer.uri) takes ZPL only; its 2 pages are rasterized at 203 dpi (--dpi), 4 ^GF labels in all: a page with two labels on it is cut into them, each printed at full size."), "\(r.stderr)")
        let printed = peer.printedLabels()
        try #require(printed.count == 4, "2 sheets -> 4 labels: \(printed.map { $0.prefix(60) })")
        #expect(Set(printed).count == 4, "every label once")
        for (k, label) in printed.enumerated() {
            #expect(label.contains("^GFA,"), "label \(k + 1) as a ^GF graphic")
            let read = try Self.barcodes(label)
            #expect(read.contains("CODE-128:\(trackings[k])"), "label \(k + 1): \(read)")
        }
        let status = try BatchCLITests.status(id, data: dir + "/data", in: dir)
        #expect(status["total"] as? Int == 4 && status["printed"] as? Int == 4, "\(status)")

        let again = try Agent.run(["batch", "reprint", id, "2", "--data-dir", dir + "/data"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        let after = peer.printedLabels()
        #expect(after.count == 5)
        if after.count == 5 { #expect(after[4] == printed[1], "label 2 alone is the right-hand label of page 1") }
    }

    @Test func aPDFPopplerCannotReadIsRefusedBeforeAnythingPrints() throws {
        let dir = try scratch("cli-pdf-bad")
        let pdf = try CarrierCorpus.bytes("cairo.pdf")
        try Data(pdf.prefix(pdf.count / 2)).write(to: URL(fileURLWithPath: dir + "/cut.pdf"))
        let peer = try TestPrinterPeer()
        let r = try Agent.run(["batch", "start", "--printer", peer.uri, "--labels", dir + "/cut.pdf", "--data-dir", dir + "/data"], in: dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("\(dir)/cut.pdf: ") && r.stderr.contains("Fix or remove the file"), "\(r.stderr)")
        #expect(peer.printedLabels().isEmpty)
    }
}
