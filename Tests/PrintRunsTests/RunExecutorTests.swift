import Foundation
import Labels
import Printing
import Synchronization
import TestPeers
import Testing
@testable import PrintRuns

/// Runs printed in this process against the real test printer (and a real file printer).
@Suite(.serialized) struct RunExecutorTests {
    static let rendering = LabelRendering(templateName: "shipping", stream: ZPLStream(template: LabelTemplate.builtin("shipping")!, density: .dpi203))

    /// Events a run told, kept for the test to look at.
    final class Told: Sendable {
        let events = Mutex<[RunEvent]>([])
        func add(_ e: RunEvent) { events.withLock { $0.append(e) } }
        var advice: [[String]] {
            events.withLock { all in
                all.compactMap { (e: RunEvent) -> [String]? in
                    guard case .waiting(let a) = e else { return nil }
                    return a
                }
            }
        }
    }

    /// A run of `count` label files on `printer`, recorded in a fresh journal.
    static func makeRun(_ count: Int, chunk: Int, printer: any Printer, uri: String) throws -> (RunJournal, PrintRun, LabelSource) {
        let journal = try RunJournal(directory: try scratch("journal"))
        let source = LabelSource(.labels(path: try labelDirectory(count)), rendering: rendering)
        let run = try RunPlanner.create(journal: journal, printerURI: uri, printer: printer, source: source, template: "shipping", dpi: 203, chunkSize: chunk)
        return (journal, run, source)
    }

    /// Executes a run on another thread (the test meanwhile plays with the printer).
    static func executeInBackground(_ run: PrintRun, _ journal: RunJournal, _ source: LabelSource, printer: @escaping @Sendable () -> any Printer, told: Told) -> () -> Result<PrintRun, RunError> {
        final class Box: Sendable { let result = Mutex<Result<PrintRun, RunError>?>(nil) }
        let box = Box()
        nonisolated(unsafe) let source = source
        let thread = Thread {
            let executor = RunExecutor(run: run, journal: journal, printer: printer(), source: source, options: .init(pollInterval: .milliseconds(50)), tell: told.add)
            let r: Result<PrintRun, RunError>
            r = Result { () throws(RunError) in try executor.execute() }
            box.result.withLock { $0 = r }
        }
        thread.start()
        return {
            _ = eventually(120) { box.result.withLock { $0 != nil } }
            return box.result.withLock { $0 } ?? .failure(RunError(code: "test.timeout", message: "the run did not end within 120 s"))
        }
    }

    @Test func everyLabelPrintsOnceInOrderAndEachChunkIsCounted() throws {
        let peer = try TestPrinterPeer()
        let printer = ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.port)
        let (journal, run, source) = try Self.makeRun(40, chunk: 7, printer: printer, uri: peer.uri)
        let end = try RunExecutor(run: run, journal: journal, printer: printer, source: source, tell: { _ in }).execute()
        #expect(end.state == .done && end.printed == 40)
        #expect(peer.printedLabels() == (1...40).map(testLabel))
        let chunks = try journal.chunks(run.id)
        #expect(chunks.map(\.firstLabel) == [1, 8, 15, 22, 29, 36])
        #expect(chunks.allSatisfy { $0.state == .done && $0.printed == $0.count && $0.odometerAfter! - $0.odometerBefore! == $0.count })
    }

    @Test func paperOutMidRunWaitsWithAdviceAndGoesOnAtTheRightLabel() throws {
        let peer = try TestPrinterPeer(speed: 200)
        try peer.control("paper_out_after 23")
        let (journal, run, source) = try Self.makeRun(60, chunk: 10, printer: ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.port), uri: peer.uri)
        let told = Told()
        let port = peer.port
        let finish = Self.executeInBackground(run, journal, source, printer: { ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: port) }, told: told)
        #expect(try eventually { try journal.run(run.id)?.state == .waitingForPrinter })
        let waiting = try #require(try journal.run(run.id))
        #expect(waiting.message == "zebra1: out of labels — load labels and press FEED")
        #expect(told.advice.contains(["zebra1: out of labels — load labels and press FEED"]))
        usleep(300_000)
        #expect(peer.printedLabels() == (1...23).map(testLabel), "nothing more prints while out of paper")
        try peer.control("paper_out 0")
        let end = try finish().get()
        #expect(end.state == .done)
        #expect(peer.printedLabels() == (1...60).map(testLabel), "labels 24–30, held by the printer, printed after the reload and not again")
    }

    @Test func aDroppedConnectionIsCountedByTheOdometerAndNothingDoubles() throws {
        let peer = try TestPrinterPeer()
        let printer = ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.port)
        let (journal, run, source) = try Self.makeRun(40, chunk: 10, printer: printer, uri: peer.uri)
        // Cut the connection part way into the second chunk's data.
        try peer.control("drop_after_bytes 700")
        let end = try RunExecutor(run: run, journal: journal, printer: printer, source: source, options: .init(pollInterval: .milliseconds(50)), tell: { _ in }).execute()
        #expect(end.state == .done)
        #expect(peer.printedLabels() == (1...40).map(testLabel))
        let chunks = try journal.chunks(run.id)
        #expect(chunks.contains { $0.printed! < $0.count }, "a chunk came out short and the rest was sent again")
        #expect(chunks.reduce(0) { $0 + $1.printed! } == 40)
    }

    @Test func cancellingMidRunClearsThePrinterAndStops() throws {
        let peer = try TestPrinterPeer(speed: 25)
        let (journal, run, source) = try Self.makeRun(60, chunk: 20, printer: ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.port), uri: peer.uri)
        let port = peer.port
        let finish = Self.executeInBackground(run, journal, source, printer: { ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: port) }, told: Told())
        #expect(eventually { peer.printedLabels().count >= 5 })
        _ = try journal.cancel(run.id)
        let end = try finish().get()
        #expect(end.state == .cancelled)
        let printed = peer.printedLabels()
        #expect(printed.count < 20, "the printer's buffer was cleared, not printed out")
        #expect(printed == (1...printed.count).map(testLabel))
        #expect(end.nextLabel == printed.count + 1, "the journal knows exactly which labels came out")
        #expect(try peer.control("status")["buffer"] as? Int == 0)
    }

    @Test func aFilePrinterRunPausesAndResumesWithoutLosingALabel() throws {
        let dir = try scratch("file-printer")
        let printer = FilePrinter(name: "spool", path: dir + "/out.zpl")
        let (journal, run, source) = try Self.makeRun(12, chunk: 5, printer: printer, uri: "file://\(dir)/out.zpl")
        final class Flag: Sendable { let stop = Atomic<Bool>(false) }
        let flag = Flag()
        // Ctrl-C after the first chunk: the run pauses between chunks.
        let paused = try RunExecutor(run: run, journal: journal, printer: printer, source: source, shouldStop: { flag.stop.load(ordering: .relaxed) }, tell: { event in
            if case .progress = event { flag.stop.store(true, ordering: .relaxed) }
        }).execute()
        #expect(paused.state == .paused && paused.nextLabel == 6)
        let end = try RunExecutor(run: paused, journal: journal, printer: printer, source: source, tell: { _ in }).execute()
        #expect(end.state == .done)
        #expect(try String(contentsOfFile: dir + "/out.zpl", encoding: .utf8) == (1...12).map(testLabel).joined())
        #expect(try journal.notes(run.id).isEmpty, "a clean pause repeats nothing")
    }

    @Test func ordersAreRenderedChunkByChunkIntoTheirShippingLabels() throws {
        let dir = try scratch("orders")
        try (1...9).map(orderLine).joined(separator: "\n").write(toFile: dir + "/wave.jsonl", atomically: true, encoding: .utf8)
        let peer = try TestPrinterPeer()
        let printer = ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.port)
        let journal = try RunJournal(directory: dir + "/data")
        let source = LabelSource(.orders(path: dir + "/wave.jsonl"), rendering: Self.rendering)
        let run = try RunPlanner.create(journal: journal, printerURI: peer.uri, printer: printer, source: source, template: "shipping", dpi: 203, chunkSize: 4)
        #expect(run.total == 9)
        let end = try RunExecutor(run: run, journal: journal, printer: printer, source: source, tell: { _ in }).execute()
        #expect(end.state == .done)
        let printed = peer.printedLabels()
        #expect(printed.count == 9)
        for (i, zpl) in printed.enumerated() { #expect(zpl.contains("Customer \(i + 1)"), "label \(i + 1) is order SO-\(i + 1)'s") }
    }
}
