import Foundation
import PackCore
import Sync
import Testing

/// `journal.writer`: the journal's writes for async code run on a thread of their own, so a
/// write that waits (a slow fsync, a locked file) holds no thread of the cooperative pool, and
/// they stay durable and in order.
@Suite struct JournalWriterTests {
    @Test func writesAreOnDiskInOrderWhenTheCallReturns() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        do {
            let journal = try Journal(directory: dir.path)
            for i in 0..<20 { try await journal.writer.recordInput(bench: "b", input: "scan-\(i)") }
            try await journal.writer.recordEvent(kind: "label_printed", orderID: "1001")
        }
        // A new journal on the same file (as after kill -9): everything is there, in order.
        let reopened = try Journal(directory: dir.path)
        #expect(try reopened.openInputs(bench: "b").map(\.input) == (0..<20).map { "scan-\($0)" })
        #expect(try reopened.pending(limit: 10).map(\.body).contains { $0.contains(#""kind":"label_printed""#) })
    }

    /// Another process holds the journal's write lock for a few seconds; meanwhile more writes
    /// wait than the pool has threads. Were they waiting on the pool's threads, no other task
    /// could run until the lock is released; on the writer thread, one runs at once.
    /// Run on its own by scripts/test.sh (PACKSTATION_ALONE_TESTS=1): amid the whole suite, other
    /// tests' blocking work holds the pool's threads for seconds, whatever the journal does.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PACKSTATION_ALONE_TESTS"] == "1", "run alone by scripts/test.sh"))
    func writesWaitingForTheDiskHoldNoThreadOfThePool() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path)
        try journal.recordInput(bench: "b", input: "first")   // the file exists, in WAL mode
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            time.sleep(4)
            open(sys.argv[2], "w").close()
            c.execute("COMMIT")
            """, journal.path, dir.path + "/released"]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        try #require(line.hasPrefix("locked"), "the lock holder did not start: \(line)")

        let writes = ProcessInfo.processInfo.activeProcessorCount + 2
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<writes {
                group.addTask { try await journal.writer.recordInput(bench: "b", input: "while-locked-\(i)") }
            }
            // Give the writes time to start waiting for the lock, then ask the pool for a thread.
            try await Task.sleep(for: .milliseconds(300))
            let released = dir.path + "/released"   // written just before the holder commits
            let lockStillHeld = await Task.detached { !FileManager.default.fileExists(atPath: released) }.value
            #expect(lockStillHeld, "a task waited for the lock holder to finish: the writes held the pool's threads")
            try await group.waitForAll()
        }
        holder.waitUntilExit()
        // Once the lock was released every write went through, none lost.
        #expect(try journal.openInputs(bench: "b").count == 1 + writes)
    }
}
