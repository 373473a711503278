import Foundation
import TestPeers
import Testing
import Printing
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
        let source = LabelSource(.labels(directory: labels), rendering: RunExecutorTests.rendering)
        let run = try journal.create(printer: "cups://zebra", source: .labels(directory: labels), fingerprint: try source.fingerprint(), template: "shipping", dpi: 203, labels: 1...25, chunkSize: 10)
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
