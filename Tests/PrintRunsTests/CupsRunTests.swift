import Foundation
import TestPeers
import Testing
import Printing
import LabelGraphics
import Labels
@testable import PrintRuns

/// Runs through a real CUPS scheduler: one raw job per chunk, found again by name after a crash.
@Suite(.serialized, .enabled(if: CupsPeer.shouldRun, "cupsd is not installed (apt-get install cups-daemon cups-client); set CI=1 to make this a failure"))
struct CupsRunTests {
    static func chunkBytes(_ range: ClosedRange<Int>) -> [UInt8] { Array(range.map(testLabel).joined().utf8) }

    @Test func aCUPSRunIsOneCompletedRawJobPerChunkByteForByte() throws {
        let cups = try CupsPeer()
        let dir = try scratch("cups-run")
        let r = try Agent.run(["batch", "start", "--printer", "cups://zebra", "--labels", try labelDirectory(25), "--chunk", "10", "--data-dir", dir + "/data"], in: dir, environment: ["CUPS_SERVER": cups.server])
        #expect(r.status == 0, "\(r.stderr)")
        let id = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        #expect(eventually { cups.captures().count == 3 })
        #expect(cups.captures() == [Self.chunkBytes(1...10), Self.chunkBytes(11...20), Self.chunkBytes(21...25)], "each chunk one job, bytes as sent, in order")
        let journal = try RunJournal(directory: dir + "/data")
        let chunks = try journal.chunks(id)
        #expect(chunks.count == 3 && chunks.allSatisfy { $0.jobID != nil && $0.state == .done })
        let printer = try CupsPrinter(uri: .cups(queue: "zebra"), server: cups.server)
        #expect(try printer.jobs(named: RunChunk.jobName(run: id, chunk: 2)).map(\.id) == [chunks[1].jobID!], "jobs carry the run's names")
    }

    @Test func aResumedRunFindsItsSubmittedJobByNameAndDoesNotSubmitItAgain() throws {
        let cups = try CupsPeer()
        let dir = try scratch("cups-resume")
        let labels = try labelDirectory(25)
        // What kill -9 right after the submit leaves: chunk 1 recorded as sending, its job
        // accepted by CUPS, its job id never recorded.
        let journal = try RunJournal(directory: dir + "/data")
        let source = LabelSource(.labels(path: labels), rendering: RunExecutorTests.rendering)
        let run = try journal.create(printer: "cups://zebra", source: .labels(path: labels), fingerprint: try source.fingerprint(), template: "shipping", dpi: 203, labels: 1...25, chunkSize: 10)
        _ = try journal.beginChunk(run: run.id, index: 1, labels: 1...10, odometerBefore: nil)
        let printer = try CupsPrinter(uri: .cups(queue: "zebra"), server: cups.server)
        let submitted = try #require(try printer.submit(PrintDocument(name: RunChunk.jobName(run: run.id, chunk: 1), format: .zpl, bytes: Self.chunkBytes(1...10))).jobID)

        let resumed = try Agent.run(["batch", "resume", run.id, "--data-dir", dir + "/data"], in: dir, environment: ["CUPS_SERVER": cups.server])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(eventually { cups.captures().count >= 3 })
        usleep(300_000)
        #expect(cups.captures() == [Self.chunkBytes(1...10), Self.chunkBytes(11...20), Self.chunkBytes(21...25)], "chunk 1 printed once: its job was found, not submitted again")
        #expect(try journal.chunks(run.id).first?.jobID == submitted)
    }
}

/// Label files as they come, through a real CUPS: labels numbered as they print (each ^PQ copy,
/// no settings format, each PDF page), PDFs page by page with page-ranges on a queue with a driver.
@Suite(.serialized, .enabled(if: CupsPeer.shouldRun, "cupsd is not installed (apt-get install cups-daemon cups-client); set CI=1 to make this a failure"))
struct CupsFileRunTests {
    /// 1-mixed.zpl: a settings format, then a (^PQ2), b, c: four labels. 2-five.pdf: five pages.
    /// 3-more.zpl: two labels.
    static func mixedDirectory() throws -> String {
        let dir = try scratch("mixed")
        try "^XA^MCY^XZ^XA^FO9,9^A0N,30,30^FDa^FS^PQ2^XZ^XA^FO9,9^A0N,30,30^FDb^FS^XZ^XA^FO9,9^A0N,30,30^FDc^FS^XZ".write(toFile: dir + "/1-mixed.zpl", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: dir + "/2-five.pdf", contents: Data(minimalPDF(pages: 5)))
        try (testLabel(10) + "\r\n" + testLabel(11)).write(toFile: dir + "/3-more.zpl", atomically: true, encoding: .utf8)
        return dir
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func aMixedDirectoryIsCountedInLabelsAndEachPDFPrintsPageByPage() throws {
        let cups = try CupsPeer(queues: [], pdfQueues: ["labels"])
        let dir = try scratch("cups-mixed")
        let r = try Agent.run(["batch", "start", "--printer", "cups://labels", "--labels", try Self.mixedDirectory(), "--chunk", "3", "--data-dir", dir + "/data"], in: dir, environment: ["CUPS_SERVER": cups.server])
        #expect(r.status == 0, "\(r.stderr)")
        let id = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        #expect(r.stdout.contains("Run \(id) done: 11 labels printed on cups://labels."), "4 + 5 + 2 labels, not 3 files: \(r.stdout)")
        #expect(eventually { cups.captures().count == 5 })
        let jobs = cups.captures()
        try #require(jobs.count == 5)
        #expect(Self.text(jobs[0]) == "^XA^MCY^XZ^XA^FO9,9^A0N,30,30^FDa^FS^PQ2^XZ^XA^FO9,9^A0N,30,30^FDb^FS^XZ", "labels 1–3 from the top of the file, as it is")
        #expect(Self.text(jobs[1]) == "^XA^MCY^XZ^XA^FO9,9^A0N,30,30^FDc^FS^XZ", "label 4 alone: the settings before it first")
        #expect(try pdfinfoPages(jobs[2]) == 3 && pdfinfoPages(jobs[3]) == 2, "the PDF's pages 1–3 then 4–5 (page-ranges)")
        #expect(Self.text(jobs[4]) == testLabel(10) + "\r\n" + testLabel(11), "the last file whole, byte for byte")
        let chunks = try RunJournal(directory: dir + "/data").chunks(id)
        #expect(chunks.map { $0.firstLabel...$0.lastLabel } == [1...3, 4...4, 5...7, 8...9, 10...11])
        let status = try Agent.run(["batch", "status", "--data-dir", dir + "/data"], in: dir)
        #expect(status.stdout.contains("\(id)  done  11/11  cups://labels"), "\(status.stdout)")
    }

    @Test func aResumeInsideAPDFSendsOnlyThePagesNotPrinted() throws {
        let cups = try CupsPeer(queues: [], pdfQueues: ["labels"])
        let dir = try scratch("cups-pages")
        let files = try Self.mixedDirectory()
        // What a run stopped after label 6 leaves (pages 1–2 of the PDF printed).
        let journal = try RunJournal(directory: dir + "/data")
        let source = LabelSource(.labels(path: files), rendering: RunExecutorTests.rendering, pdf: PopplerPDF())
        let run = try journal.create(printer: "cups://labels", source: .labels(path: files), fingerprint: try source.fingerprint(), template: "shipping", dpi: 203, labels: 1...11, chunkSize: 10)
        _ = try journal.beginChunk(run: run.id, index: 1, labels: 1...6, odometerBefore: nil)
        try journal.finishChunk(run: run.id, chunk: 1, printed: 6, next: 7)
        try journal.setState(run.id, .paused, message: nil)
        let status = try Agent.run(["batch", "status", run.id, "--data-dir", dir + "/data"], in: dir)
        #expect(status.stdout.contains("next label 7 (2-five.pdf page 3)"), "\(status.stdout)")
        let resumed = try Agent.run(["batch", "resume", run.id, "--data-dir", dir + "/data"], in: dir, environment: ["CUPS_SERVER": cups.server])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(eventually { cups.captures().count == 2 })
        let jobs = cups.captures()
        try #require(jobs.count == 2)
        #expect(try pdfinfoPages(jobs[0]) == 3, "pages 3–5 only")
        #expect(Self.text(jobs[1]) == testLabel(10) + "\r\n" + testLabel(11))
    }

    @Test func aRawQueueGetsAPDFWholeAndWillNotPrintPartOfIt() throws {
        let cups = try CupsPeer(queues: ["zebra"])
        let dir = try scratch("cups-raw-pdf")
        let files = try Self.mixedDirectory()
        let r = try Agent.run(["batch", "start", "--printer", "cups://zebra", "--labels", files, "--chunk", "3", "--data-dir", dir + "/data"], in: dir, environment: ["CUPS_SERVER": cups.server])
        #expect(r.status == 0, "\(r.stderr)")
        let id = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        #expect(eventually { cups.captures().count == 4 })
        #expect(cups.captures().count == 4 && cups.captures()[2] == minimalPDF(pages: 5), "the PDF went whole, as one job, byte for byte")
        #expect(try RunJournal(directory: dir + "/data").chunks(id).map { $0.firstLabel...$0.lastLabel } == [1...3, 4...4, 5...9, 10...11])
        let again = try Agent.run(["batch", "reprint", id, "6", "--data-dir", dir + "/data"], in: dir, environment: ["CUPS_SERVER": cups.server])
        #expect(again.status == 1)
        #expect(again.stderr.contains("a raw queue ignores page-ranges), so label 6 (2-five.pdf page 2) cannot be printed without the rest of that PDF"), "\(again.stderr)")
        usleep(300_000)
        #expect(cups.captures().count == 4, "nothing more was sent")
    }
}
