import Foundation
import GRDB
import PackCore
import Testing
@testable import Hub

/// The event log webhooks, notices and the page read: an event exists exactly when the change
/// that appended it was committed, ids grow in commit order, and readers in the process are told.
@Suite struct HubEventsTests {
    private func withStore(_ body: (HubStore) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hub-events-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await body(try HubStore(path: dir + "/hub.sqlite"))
    }

    @Test func anAppendedEventIsReadBackWithItsOrderAndData() async throws {
        try await withStore { store in
            let at = Date(timeIntervalSince1970: 1_800_000_000.25)
            let id = try await store.pool.write { db in
                try HubStore.appendEvent(db, type: "order.packed", orderID: "SO-1 <b>", data: ["station": "bench-1"], at: at)
            }
            let events = try store.events(after: 0, limit: 10)
            #expect(events == [HubEvent(id: id, type: "order.packed", orderID: "SO-1 <b>", at: at, data: ["order_id": "SO-1 <b>", "station": "bench-1"])])
            #expect(try store.lastEventID() == id)
            #expect(try store.events(ofOrder: "SO-1 <b>").map(\.id) == [id])
        }
    }

    @Test func aRolledBackChangeLeavesNoEventAndNoSignal() async throws {
        try await withStore { store in
            var updates = store.eventSignal.updates().makeAsyncIterator()
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await store.pool.write { db in
                    try HubStore.appendEvent(db, type: "order.shipped", orderID: "A", at: Date())
                    throw Refused()
                }
            }
            #expect(try store.events(after: 0, limit: 10).isEmpty)
            #expect(try store.lastEventID() == 0)
            // The next commit is the first thing the reader hears of: its id, not the rolled-back one.
            let id = try await store.pool.write { db in try HubStore.appendEvent(db, type: "order.shipped", orderID: "B", at: Date()) }
            #expect(await updates.next() == id)
            #expect(try store.events(after: 0, limit: 10).map(\.orderID) == ["B"])
        }
    }

    @Test func aSlowReaderGetsTheNewestIDOnlyAndAFilterByType() async throws {
        try await withStore { store in
            var updates = store.eventSignal.updates().makeAsyncIterator()
            var last: Int64 = 0
            for (i, type) in ["order.packed", "order.shipped", "order.packed", "order.delivered"].enumerated() {
                last = try await store.pool.write { db in try HubStore.appendEvent(db, type: type, orderID: "O\(i)", at: Date()) }
            }
            #expect(await updates.next() == last)
            #expect(try store.events(after: 0, limit: 10, types: ["order.packed"]).map(\.orderID) == ["O0", "O2"])
            #expect(try store.events(after: 0, limit: 10, types: []).isEmpty)
            #expect(try store.events(after: 1, limit: 2).map(\.orderID) == ["O1", "O2"])
        }
    }

    @Test func aCancelledReaderIsForgotten() async throws {
        try await withStore { store in
            let task = Task { for await _ in store.eventSignal.updates() {} }
            while store.eventSignal.readerCount == 0 { await Task.yield() }
            task.cancel()
            await task.value
            #expect(store.eventSignal.readerCount == 0)
        }
    }
}
