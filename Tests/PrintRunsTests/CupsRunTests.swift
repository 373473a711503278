import Foundation
import Testing
import Printing
@testable import PrintRuns

/// A private CUPS scheduler (scripts/peers/cupsd.py: own config dir, own port on 127.0.0.1) with
/// a raw queue `zebra` to a capture printer that stores each connection's bytes. Started per
/// test, stopped by PID. (PrintingTests has the same helper; test targets cannot share files.)
final class PrivateCups: @unchecked Sendable {  // read-only after init
    let process = Process()
    let directory: URL
    let port: Int
    let cupsdPID: pid_t

    var server: String { "127.0.0.1:\(port)" }

    static var installed: Bool {
        ["/usr/sbin/cupsd", "/usr/sbin/lpadmin", "/usr/bin/lpstat"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs when CUPS is installed, and always under CI (where missing tools fail).
    static var shouldRun: Bool { installed || ProcessInfo.processInfo.environment["CI"] != nil }

    struct DidNotStart: Error, CustomStringConvertible { let description: String }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("runs-cupsd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ready = directory.appendingPathComponent("ready")
        let output = directory.appendingPathComponent("peer.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let script = ZebraPeer.script.deletingLastPathComponent().appendingPathComponent("cupsd.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--dir", directory.appendingPathComponent("cups").path, "--ready-file", ready.path, "--queue", "zebra"]
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        var line = ""
        while Date() < deadline, process.isRunning {
            if let text = try? String(contentsOf: ready, encoding: .utf8), text.hasSuffix("\n") {
                line = text
                break
            }
            usleep(10_000)
        }
        var fields: [String: Int] = [:]
        for word in line.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let kv = word.split(separator: "=")
            if kv.count == 2, let v = Int(kv[1]) { fields[String(kv[0])] = v }
        }
        guard let p = fields["port"], let pid = fields["pid"] else {
            kill(process.processIdentifier, SIGKILL)
            throw DidNotStart(description: (try? String(contentsOf: output, encoding: .utf8)) ?? "no output")
        }
        port = p
        cupsdPID = pid_t(pid)
    }

    deinit {
        // The script stops cupsd by its PID on SIGTERM; SIGKILL both if it hangs.
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            kill(cupsdPID, SIGKILL)
        }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// What the capture printer received, one entry per connection (= per job), in order.
    func captures() -> [[UInt8]] {
        let dir = directory.appendingPathComponent("cups/capture")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".bin") }.sorted()
        return names.compactMap { FileManager.default.contents(atPath: dir.appendingPathComponent($0).path).map { Array($0) } }
    }
}

/// Runs through a real CUPS scheduler: one raw job per chunk, found again by name after a crash.
@Suite(.serialized, .enabled(if: PrivateCups.shouldRun, "cupsd is not installed (apt-get install cups-daemon cups-client); set CI=1 to make this a failure"))
struct CupsRunTests {
    static func chunkBytes(_ range: ClosedRange<Int>) -> [UInt8] { Array(range.map(testLabel).joined().utf8) }

    @Test func aCUPSRunIsOneCompletedRawJobPerChunkByteForByte() throws {
        let cups = try PrivateCups()
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
        let cups = try PrivateCups()
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
