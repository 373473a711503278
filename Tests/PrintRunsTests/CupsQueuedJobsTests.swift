import Foundation
import TestPeers
import Testing
import Printing
@testable import PrintRuns

/// A run through CUPS keeps the next jobs queued while one prints (RunExecutor+Spooling): killed
/// with -9 while several chunks are in flight it resumes without sending one twice, and a cancel
/// clears every job it queued. The queue is stopped (`cupsdisable`) so jobs stay in CUPS as long
/// as the test needs.
@Suite(.serialized, .enabled(if: CupsPeer.shouldRun, "cupsd is not installed (apt-get install cups-daemon cups-client); set CI=1 to make this a failure"))
struct CupsQueuedJobsTests {
    static func chunks(_ ranges: [ClosedRange<Int>]) -> [[UInt8]] { ranges.map(CupsRunTests.chunkBytes) }

    /// The run's jobs CUPS holds, by chunk index, any state.
    static func jobs(_ printer: CupsPrinter, run: String, chunks: ClosedRange<Int>) throws -> [Int: [SpooledJob]] {
        var found: [Int: [SpooledJob]] = [:]
        for k in chunks {
            let jobs = try printer.jobs(named: RunChunk.jobName(run: run, chunk: k))
            if !jobs.isEmpty { found[k] = jobs }
        }
        return found
    }

    @Test func killedWithThreeJobsQueuedTheResumeFollowsThemAndSendsNoneTwice() throws {
        let cups = try CupsPeer()
        try cups.run("cupsdisable", ["zebra"])
        let dir = try scratch("cups-queued-kill")
        let data = dir + "/data"
        let start = try Agent.Running(["batch", "start", "--printer", "cups://zebra", "--labels", try labelDirectory(50), "--chunk", "10", "--data-dir", data], in: dir, environment: ["CUPS_SERVER": cups.server])
        // The queue is stopped: the run queues its jobs and then waits, telling why.
        #expect(eventually { start.stderr.contains("stopped") })
        let id = try #require(start.firstLine)
        let printer = try CupsPrinter(uri: .cups(queue: "zebra"), server: cups.server)
        let queued = try Self.jobs(printer, run: id, chunks: 1...5)
        #expect(queued.keys.sorted() == [1, 2, 3], "three jobs queued ahead (Options.spoolerJobs), no more: \(queued)")
        start.kill9()

        let journal = try RunJournal(directory: data)
        let inFlight = try journal.inFlightChunks(id)
        #expect(inFlight.map { $0.firstLabel...$0.lastLabel } == [1...10, 11...20, 21...30], "killed with three chunks in flight")
        #expect(inFlight.map(\.jobID) == [1, 2, 3].map { queued[$0]?.first?.id }, "each job id on disk before the next step")
        let status = try Agent.run(["batch", "status", id, "--data-dir", data], in: dir)
        #expect(status.stdout.contains("in flight: chunk 1, labels 1–10 (job \(queued[1]!.first!.id)); settled on resume"), "\(status.stdout)")
        #expect(status.stdout.contains("in flight: chunk 3, labels 21–30"), "\(status.stdout)")
        #expect(cups.captures().isEmpty, "nothing printed while the queue was stopped")

        try cups.run("cupsenable", ["zebra"])
        let resumed = try Agent.run(["batch", "resume", id, "--data-dir", data], in: dir, environment: ["CUPS_SERVER": cups.server])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("Run \(id) done: 50 labels printed"), "\(resumed.stdout)")
        #expect(eventually { cups.captures().count >= 5 })
        usleep(300_000)
        #expect(cups.captures() == Self.chunks([1...10, 11...20, 21...30, 31...40, 41...50]), "each chunk once, in order: the three queued jobs were followed, not sent again")
        let after = try Self.jobs(printer, run: id, chunks: 1...5)
        #expect(after.values.allSatisfy { $0.count == 1 }, "one job per chunk: \(after)")
        let chunks = try journal.chunks(id)
        #expect(chunks.count == 5 && chunks.allSatisfy { $0.state == .done && $0.printed == 10 })
        #expect(chunks.prefix(3).map(\.jobID) == [1, 2, 3].map { queued[$0]?.first?.id })
        let notes = try journal.notes(id)
        #expect(notes.isEmpty, "nothing may have doubled: \(notes)")
    }

    @Test func killedBetweenRecordingTheNextChunkAndSubmittingItItIsSentOnce() throws {
        let cups = try CupsPeer()
        let dir = try scratch("cups-queued-begun")
        let labels = try labelDirectory(30)
        // What kill -9 leaves between the overlapped steps: chunk 1's job queued and printing,
        // chunk 2 recorded as sending (in the same transaction that would have settled an
        // earlier chunk) but its job never submitted.
        let journal = try RunJournal(directory: dir + "/data")
        let source = LabelSource(.labels(path: labels), rendering: RunExecutorTests.rendering)
        let run = try journal.create(printer: "cups://zebra", source: .labels(path: labels), fingerprint: try source.fingerprint(), template: "shipping", dpi: 203, labels: 1...30, chunkSize: 10)
        _ = try journal.beginChunk(run: run.id, index: 1, labels: 1...10, odometerBefore: nil)
        let printer = try CupsPrinter(uri: .cups(queue: "zebra"), server: cups.server)
        let first = try #require(try printer.submit(PrintDocument(name: RunChunk.jobName(run: run.id, chunk: 1), format: .zpl, bytes: CupsRunTests.chunkBytes(1...10))).jobID)
        try journal.setJob(run: run.id, chunk: 1, jobID: first)
        _ = try journal.beginChunk(run: run.id, index: 2, labels: 11...20, odometerBefore: nil)

        let resumed = try Agent.run(["batch", "resume", run.id, "--data-dir", dir + "/data"], in: dir, environment: ["CUPS_SERVER": cups.server])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(eventually { cups.captures().count >= 3 })
        usleep(300_000)
        #expect(cups.captures() == Self.chunks([1...10, 11...20, 21...30]), "chunk 1 followed, chunk 2 submitted once, chunk 3 after them")
        let chunks = try journal.chunks(run.id)
        #expect(chunks.map(\.index) == [1, 2, 3] && chunks.allSatisfy { $0.state == .done })
        #expect(chunks.first?.jobID == first)
        #expect(try Self.jobs(printer, run: run.id, chunks: 1...3).values.allSatisfy { $0.count == 1 })
    }

    @Test func cancellingARunWithJobsQueuedCancelsEveryOneOfThem() throws {
        let cups = try CupsPeer()
        try cups.run("cupsdisable", ["zebra"])
        let dir = try scratch("cups-queued-cancel")
        let data = dir + "/data"
        let start = try Agent.Running(["batch", "start", "--printer", "cups://zebra", "--labels", try labelDirectory(50), "--chunk", "10", "--data-dir", data], in: dir, environment: ["CUPS_SERVER": cups.server])
        #expect(eventually { start.stderr.contains("stopped") })
        let id = try #require(start.firstLine)
        let cancel = try Agent.run(["batch", "cancel", id, "--data-dir", data], in: dir)
        #expect(cancel.status == 0, "\(cancel.stderr)")
        let end = start.wait()
        #expect(end.status == 1 && end.stderr.contains("Run \(id) was cancelled after 0 of 50 labels."), "\(end.stderr)")

        let printer = try CupsPrinter(uri: .cups(queue: "zebra"), server: cups.server)
        let jobs = try Self.jobs(printer, run: id, chunks: 1...5)
        #expect(jobs.keys.sorted() == [1, 2, 3] && jobs.values.allSatisfy { $0.count == 1 && $0[0].state == .canceled }, "every queued job cancelled, none left to print: \(jobs)")
        let journal = try RunJournal(directory: data)
        let run = try #require(try journal.run(id))
        #expect(run.state == .cancelled && run.nextLabel == 1, "nothing printed: a reprint starts at label 1")
        let chunks = try journal.chunks(id)
        #expect(chunks.count == 3 && chunks.allSatisfy { $0.state == .cancelled && $0.printed == 0 })
        #expect(chunks.last?.note == "run cancelled: job \(jobs[3]![0].id) (labels 21–30) was cancelled while it waited its turn: none of them printed")
        try cups.run("cupsenable", ["zebra"])
        usleep(500_000)
        #expect(cups.captures().isEmpty, "nothing prints once the queue is started again")
    }

    @Test func theRunJournalSyncsEveryCommitToDisk() throws {
        // GRDB sets WAL connections to synchronous NORMAL (durable across kill -9, not a power
        // cut); a chunk recorded as sending must be on disk before its job is submitted.
        let journal = try RunJournal(directory: try scratch("journal-sync"))
        #expect(try journal.synchronousMode() == 2, "PRAGMA synchronous = FULL on the writer")
        let again = try RunJournal(directory: journal.directory)
        #expect(try again.synchronousMode() == 2, "and when an existing journal is opened")
    }

    @Test func aCUPSRunWithoutChunkGetsTheSpoolerChunkSize() throws {
        let cups = try CupsPeer()
        let dir = try scratch("cups-default-chunk")
        let r = try Agent.run(["batch", "start", "--printer", "cups://zebra", "--labels", try labelDirectory(260), "--data-dir", dir + "/data"], in: dir, environment: ["CUPS_SERVER": cups.server])
        #expect(r.status == 0, "\(r.stderr)")
        let id = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        let chunks = try RunJournal(directory: dir + "/data").chunks(id)
        #expect(chunks.map { $0.firstLabel...$0.lastLabel } == [1...250, 251...260], "\(RunPlanner.defaultSpoolerChunkSize) labels a job through CUPS")
        #expect(eventually { cups.captures().count == 2 })
        #expect(cups.captures() == Self.chunks([1...250, 251...260]))
    }
}
