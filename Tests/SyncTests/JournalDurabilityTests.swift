import Foundation
import GRDB
import Testing
@testable import Sync

/// The journal's commits are on disk when they return, power cut included: the writer runs with
/// `synchronous = FULL`, also after GRDB's WAL setup (which turns it to NORMAL) and when an
/// existing journal is opened again.
@Suite struct JournalDurabilityTests {
    @Test func theWriterCommitsWithFullSynchronous() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-sync-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for _ in 0..<2 {
            let journal = try Journal(directory: dir)
            let mode = try journal.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            #expect(mode == 2, "PRAGMA synchronous = FULL (2) on the journal's writer, got \(String(describing: mode))")
        }
    }
}
