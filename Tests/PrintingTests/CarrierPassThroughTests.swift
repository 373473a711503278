import Foundation
import TestPeers
import Testing
@testable import Printing

/// Carrier files (the corpus of scripts/make-carrier-corpus.py) reach the printer byte for byte,
/// over raw TCP to the test printer and through a private cupsd's raw queue, and the test printer
/// prints each file's labels with every graphic and stored format they recall.
@Suite(.serialized) struct CarrierPassThroughTests {
    static let zplFiles = CarrierCorpus.carrierFiles + ["bulk-500.zpl"]

    @Test(arguments: zplFiles)
    func overRawTCPEveryByteArrivesAndEveryLabelPrintsWithItsGraphics(file: String) throws {
        let bytes = try CarrierCorpus.bytes(file)
        let entry = try CarrierCorpus.entry(file)
        let expected = try CarrierCorpus.labelCount(file)
        let peer = try TestPrinterPeer()
        let printer = ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.port)
        try printer.send(bytes)
        #expect(peer.waitUntil { peer.printedRecords().count >= expected })
        #expect(peer.receivedBytes() == bytes, "\(file): the printer got other bytes than the file holds")
        let printed = peer.printedRecords()
        #expect(printed.count == expected)
        #expect(printed.allSatisfy { $0.missing.isEmpty }, "\(file): \(printed.filter { !$0.missing.isEmpty }.map { ($0.formatIndex, $0.missing) })")
        let labels = entry["labels"] as? [[String: Any]] ?? []
        let formats = labels.flatMap { label in Array(repeating: label["format"] as? Int ?? -1, count: label["copies"] as? Int ?? 1) }
        #expect(printed.map(\.formatIndex) == formats, "\(file): labels printed from other formats than the manifest's")
        #expect(try printer.labelOdometer() == expected)
    }

    @Test func afterAPowerCycleALabelSentWithoutItsGraphicIsLoggedMissing() throws {
        let bytes = try CarrierCorpus.bytes("ups.zpl")
        let peer = try TestPrinterPeer()
        let printer = ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.port)
        try printer.send(bytes)
        #expect(peer.waitUntil { peer.printedRecords().count == 3 })
        #expect(try peer.objects()["R:UPSLOGO.GRF"]?.kind == "graphic")
        try peer.powerCycle()
        #expect(try peer.objects().isEmpty)
        // The last label alone, from its ^XA: its ~DG came before it and was lost.
        let last = try #require(String(decoding: bytes, as: UTF8.self).range(of: "^XA", options: .backwards))
        let tail = Array(String(decoding: bytes, as: UTF8.self)[last.lowerBound...].utf8)
        let again = ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.port)
        try again.send(tail)
        #expect(peer.waitUntil { peer.printedRecords().count == 4 })
        #expect(peer.printedRecords().last?.missing == ["R:UPSLOGO.GRF"])
    }

    @Test(.enabled(if: CupsPeer.shouldRun, "cupsd is not installed (apt-get install cups-daemon cups-client); set CI=1 to make this a failure"))
    func throughCUPSEachFileArrivesByteIdentical() throws {
        let files = Self.zplFiles + ["cairo.pdf", "reportlab.pdf", "qpdf-objstm.pdf", "a4-two-up.pdf"]
        let peer = try CupsPeer()
        let printer = try CupsPrinter(uri: .cups(queue: "zebra"), name: "zebra", server: peer.server)
        for (n, file) in files.enumerated() {
            let bytes = try CarrierCorpus.bytes(file)
            let job = try printer.submit(PrintDocument(name: file, format: file.hasSuffix(".pdf") ? .pdf : .zpl, bytes: bytes))
            let id = try #require(job.jobID)
            let done = try CupsPrinterTests.completed(printer, id, peer: peer)
            #expect(done?.state == .completed, "\(file): \(String(describing: done))")
            #expect(peer.waitUntil { peer.captures().count == n + 1 })
            #expect(peer.captures().last.map { Data($0) } == Data(bytes), "\(file): the printer got other bytes than the file holds")
        }
    }
}
