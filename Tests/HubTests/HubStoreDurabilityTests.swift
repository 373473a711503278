import Foundation
import GRDB
import Testing
@testable import Hub

/// An answer the hub gives (a result stored, an order imported) is on disk, power cut included:
/// the store's writer runs with `synchronous = FULL` after GRDB's WAL setup, on a new and on an
/// existing database.
@Suite struct HubStoreDurabilityTests {
    @Test func theWriterCommitsWithFullSynchronous() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hub-sync-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for _ in 0..<2 {
            let store = try HubStore(path: dir + "/hub.sqlite")
            let mode = try store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            #expect(mode == 2, "PRAGMA synchronous = FULL (2) on the hub's writer, got \(String(describing: mode))")
        }
    }
}
