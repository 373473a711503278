import Foundation
import TestPeers
import Testing
@testable import Printing

/// CupsPrinter against a real private cupsd whose raw queue prints to a capture listener.
@Suite(.serialized, .enabled(if: CupsPeer.shouldRun, "cupsd is not installed (apt-get install cups-daemon cups-client); set CI=1 to make this a failure"))
struct CupsPrinterTests {
    /// ZPL with what a filter or a text conversion would damage: carets, tildes, every control
    /// byte, UTF-8 (^CI28) — and long enough to be written in several chunks.
    static let awkwardZPL: [UInt8] = {
        var bytes = Array("^XA^CI28^FO50,50^A0N,30,30^FDMüller 日本 ~ ^FS".utf8)
        bytes += (0x00...0x1F).map { UInt8($0) }
        bytes += Array("^FO50,100^FD\u{7F}\r\n^FS^XZ\n".utf8)
        var label = bytes
        while label.count < 300_000 { label += bytes }
        return label
    }()

    static func completed(_ printer: CupsPrinter, _ id: Int, peer: CupsPeer) throws -> SpooledJob? {
        var last: SpooledJob?
        _ = try peer.waitUntil {
            last = try printer.job(id: id)
            return last?.state.isFinal == true
        }
        return last
    }

    @Test func zplThroughCUPSArrivesByteIdenticalAndTheJobCompletes() throws {
        let peer = try CupsPeer()
        let printer = try CupsPrinter(uri: .cups(queue: "zebra"), name: "zebra", server: peer.server)
        let job = try printer.submit(PrintDocument(name: "run-1 chunk 1", format: .zpl, bytes: Self.awkwardZPL))
        let id = try #require(job.jobID)
        #expect(job.bytes == Self.awkwardZPL.count)
        let done = try Self.completed(printer, id, peer: peer)
        #expect(done?.state == .completed, "\(String(describing: done))")
        #expect(done?.name == "run-1 chunk 1")
        #expect(peer.waitUntil { peer.captures().count == 1 })
        #expect(peer.captures().first.map { Data($0) } == Data(Self.awkwardZPL), "the printer got other bytes than were sent")
        let format = try printer.attributes(ofJob: id, ["document-format"])?["document-format"]?.strings
        #expect(format == ["application/vnd.cups-raw"])
    }

    @Test func aPDFGoesAsApplicationPDFNotAutoTyped() throws {
        let peer = try CupsPeer()
        let printer = try CupsPrinter(uri: .cups(queue: "zebra"), server: peer.server)
        let pdf = Array("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)
        let id = try #require(try printer.submit(PrintDocument(name: "slip", format: .pdf, bytes: pdf)).jobID)
        #expect(try Self.completed(printer, id, peer: peer)?.state == .completed)
        #expect(try printer.attributes(ofJob: id, ["document-format"])?["document-format"]?.strings == ["application/pdf"])
        // A raw queue has no filter: the PDF reaches the device as it was.
        #expect(peer.waitUntil { peer.captures() == [pdf] })
    }

    @Test func aNewInstanceFindsItsJobsByNameAfterACrash() throws {
        let peer = try CupsPeer()
        let first = try CupsPrinter(uri: .cups(queue: "zebra"), server: peer.server)
        let a = try #require(try first.submit(PrintDocument(name: "run-7 chunk 1", format: .zpl, bytes: Array("^XA^FD1^FS^XZ".utf8))).jobID)
        let b = try #require(try first.submit(PrintDocument(name: "run-7 chunk 2", format: .zpl, bytes: Array("^XA^FD2^FS^XZ".utf8))).jobID)
        _ = try Self.completed(first, b, peer: peer)
        // The agent "crashed": a new printer object (new connection) asks the scheduler.
        let resumed = try CupsPrinter(uri: try PrinterURI(parsing: "cups://zebra"), server: peer.server)
        let found = try resumed.jobs(named: "run-7 chunk 1")
        #expect(found.map(\.id) == [a])
        #expect(found.first?.state.isFinal == true)
        #expect(try resumed.jobs(named: "run-7 chunk 2").map(\.id) == [b])
        #expect(try resumed.jobs(named: "run-7 chunk 3").isEmpty)
    }

    @Test func aDisabledQueueShowsStoppedWithAdviceAndPrintsWhenEnabled() throws {
        let peer = try CupsPeer()
        let printer = try CupsPrinter(uri: .cups(queue: "zebra"), name: "zebra", server: peer.server)
        #expect(try printer.state() == PrinterState(conditions: [], message: nil))
        try peer.run("cupsdisable", ["-r", "out of labels, reloading", "zebra"])
        let state = try #require(try printer.state())
        #expect(state.conditions == [.stopped])
        #expect(!state.canPrint)
        #expect(state.message == "out of labels, reloading")
        #expect(state.advice(printer: "zebra") == ["zebra: stopped — resume it (cupsenable) or check the printer"])

        let label = Array("^XA^FDheld^FS^XZ".utf8)
        let id = try #require(try printer.submit(PrintDocument(name: "held", format: .zpl, bytes: label)).jobID)
        let waiting = try printer.job(id: id)
        #expect(waiting?.state == .pending)
        usleep(300_000)
        #expect(peer.captures().isEmpty, "a stopped queue must not print")

        try peer.run("cupsenable", ["zebra"])
        #expect(try Self.completed(printer, id, peer: peer)?.state == .completed)
        #expect(peer.waitUntil { peer.captures() == [label] })
        #expect(try printer.state()?.canPrint == true)
    }

    @Test func cancelStopsAJobBeforeItPrints() throws {
        let peer = try CupsPeer()
        let printer = try CupsPrinter(uri: .cups(queue: "zebra"), server: peer.server)
        try peer.run("cupsdisable", ["zebra"])
        let id = try #require(try printer.submit(PrintDocument(name: "to-cancel", format: .zpl, bytes: Array("^XA^FDno^FS^XZ".utf8))).jobID)
        try printer.cancel(jobID: id)
        #expect(try printer.job(id: id)?.state == .canceled)
        try printer.cancel(jobID: id)  // already over: not an error
        try peer.run("cupsenable", ["zebra"])
        let after = try #require(try printer.submit(PrintDocument(name: "after", format: .zpl, bytes: Array("^XA^FDyes^FS^XZ".utf8))).jobID)
        _ = try Self.completed(printer, after, peer: peer)
        #expect(peer.waitUntil { peer.captures().count == 1 })
        #expect(peer.captures() == [Array("^XA^FDyes^FS^XZ".utf8)], "the cancelled job printed")
    }

    @Test func aQueueRejectingJobsSaysHowToAcceptThem() throws {
        let peer = try CupsPeer()
        let printer = try CupsPrinter(uri: .cups(queue: "zebra"), server: peer.server)
        try peer.run("cupsreject", ["zebra"])
        #expect(try printer.status().isAcceptingJobs == false)
        let error = #expect(throws: PrinterError.self) { try printer.submit(PrintDocument(name: "x", format: .zpl, bytes: Array("^XA^XZ".utf8))) }
        #expect(error?.code == "printer.rejecting")
        #expect(error?.message.hasPrefix("The CUPS queue 'zebra' is not accepting jobs") == true, "\(String(describing: error))")
        #expect(error?.message.hasSuffix("Run `cupsaccept zebra`, then print again.") == true, "\(String(describing: error))")
        try peer.run("cupsaccept", ["zebra"])
        let id = try #require(try printer.submit(PrintDocument(name: "x", format: .zpl, bytes: Array("^XA^XZ".utf8))).jobID)
        #expect(try Self.completed(printer, id, peer: peer)?.state == .completed)
    }

    @Test func aMissingQueueIsNamedWithWhatToDo() throws {
        let peer = try CupsPeer()
        let printer = try CupsPrinter(uri: .cups(queue: "zebra9"), server: peer.server)
        let error = #expect(throws: PrinterError.self) { try printer.submit(PrintDocument(name: "x", format: .zpl, bytes: Array("^XA^XZ".utf8))) }
        #expect(error?.code == "printer.cups_no_queue")
        #expect(error?.message.hasPrefix("CUPS has no queue 'zebra9' on \(peer.server). Check the name with `lpstat -p`") == true, "\(String(describing: error))")
        #expect(throws: PrinterError.self) { try printer.state() }
    }

    @Test func aStoppedSchedulerSaysSoAndIsTransient() throws {
        let peer = try CupsPeer()
        let printer = try CupsPrinter(uri: .cups(queue: "zebra"), server: peer.server)
        #expect(try printer.state() != nil)
        peer.stopScheduler()
        let error = #expect(throws: PrinterError.self) { try printer.submit(PrintDocument(name: "x", format: .zpl, bytes: Array("^XA^XZ".utf8))) }
        #expect(error?.code == "printer.cups_unreachable")
        #expect(error?.isTransient == true)
        #expect(error?.message.contains("\(peer.server)") == true, "\(String(describing: error))")
        let fresh = try CupsPrinter(uri: .cups(queue: "zebra"), server: peer.server)
        let again = #expect(throws: PrinterError.self) { try fresh.state() }
        #expect(again?.message.hasPrefix("The print server at \(peer.server) is not running or cannot be reached") == true, "\(String(describing: again))")
    }

    @Test func destinationsListQueuesWithStateAndRawMarked() throws {
        let peer = try CupsPeer(queues: ["zebra", "zebra2"])
        try peer.run("cupsdisable", ["-r", "reloading labels", "zebra2"])
        let queues = try CupsDestination.all(server: peer.server)
        #expect(queues.map(\.name) == ["zebra", "zebra2"])
        #expect(queues.map(\.isRaw) == [true, true])
        #expect(queues[0].deviceURI == "socket://127.0.0.1:\(peer.capturePort)")
        #expect(queues[0].status.state == .idle)
        #expect(queues[1].status.state == .stopped)
        #expect(queues[1].status.reasons == ["paused"])
        #expect(queues[1].status.conditions == [.stopped])
        #expect(queues[1].status.message == "reloading labels")
        #expect(queues[1].status.summary == "stopped; reasons: paused; \"reloading labels\"")
    }
}

/// printer-state-reasons → conditions, without a server.
struct CupsPrinterStatusTests {
    static let cases: [(CupsPrinterStatus.State, [String], Set<PrinterCondition>)] = [
        (.idle, ["none"], []),
        (.processing, ["media-empty-error"], [.mediaEmpty]),
        (.processing, ["media-needed"], [.mediaEmpty]),
        (.idle, ["media-low-warning", "toner-low-report"], []),
        (.stopped, ["paused"], [.stopped]),
        (.processing, ["paused"], [.paused]),
        (.idle, ["offline-report"], [.offline]),
        (.processing, ["door-open-error", "cover-open"], [.coverOpen]),
        (.processing, ["marker-supply-empty-error", "media-jam-error"], [.markerEmpty, .jammed]),
        (.stopped, ["media-empty-error", "paused"], [.stopped, .mediaEmpty]),
        (.idle, ["connecting-to-device", "cups-waiting-for-job-completed"], []),
    ]

    @Test(arguments: cases)
    func reasonsBecomeConditions(state: CupsPrinterStatus.State, reasons: [String], expected: Set<PrinterCondition>) {
        let status = CupsPrinterStatus(state: state, reasons: reasons.filter { $0 != "none" })
        #expect(status.conditions == expected)
        #expect(status.printerState.canPrint == expected.isEmpty)
    }

    @Test func theSummaryIsInWords() {
        let status = CupsPrinterStatus(state: .stopped, reasons: ["paused"], message: "reloading", isAcceptingJobs: false)
        #expect(status.summary == "stopped; rejecting jobs; reasons: paused; \"reloading\"")
    }
}
