import Foundation
import PackCore
import Sync
import Testing

@Suite struct JournalTests {
    @Test func aResultAndItsOutboxEntryAreWrittenTogetherAndSurviveReopening() throws {
        let dir = TempDir()
        defer { dir.remove() }
        do {
            let journal = try Journal(directory: dir.path)
            let entry = try journal.recordResult(SyntheticResults.packed(orderID: "1001"))
            #expect(entry.kind == .packResult && entry.orderID == "1001")
        }
        // A new process opening the same directory finds both.
        let reopened = try Journal(directory: dir.path)
        let status = try reopened.status()
        #expect(status.pending == 1)
        #expect(status.results == 1)
        #expect(status.oldestPendingAt != nil)
        let pending = try reopened.pending(limit: 10)
        #expect(pending.count == 1)
        let body = try JSONParser.parse(pending[0].body)
        #expect(body["order_id"] == "1001")
        #expect(body["outcome"] == "packed")
        #expect(try reopened.results(forOrder: "1001").count == 1)
    }

    @Test func entriesComeOutInTheOrderTheyWereWrittenAndLeaveOnlyWhenAcknowledged() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path)
        try journal.recordResult(SyntheticResults.packed(orderID: "A"))
        try journal.recordEvent(kind: "label_printed", orderID: "A", data: ["copies": 1])
        try journal.recordResult(SyntheticResults.packed(orderID: "B"))
        let first = try journal.pending(limit: 2)
        #expect(first.map(\.orderID) == ["A", "A"])
        #expect(first.map(\.kind) == [.packResult, .event])
        #expect(Set(first.map(\.key)).count == 2)
        try journal.noteFailure("server down", keys: first.map(\.key))
        #expect(try journal.status().lastError == "server down")
        #expect(try journal.pending(limit: 10).count == 3, "a failed attempt loses nothing")
        try journal.acknowledge(first.map(\.key))
        let rest = try journal.pending(limit: 10)
        #expect(rest.map(\.orderID) == ["B"])
        let status = try journal.status()
        #expect(status.pending == 1 && status.lastError == nil && status.lastSuccessAt != nil)
    }

    @Test func aRefusedEntryIsKeptAsideWithItsReasonNotDropped() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path)
        let bad = try journal.recordResult(SyntheticResults.packed(orderID: "X"))
        try journal.recordResult(SyntheticResults.packed(orderID: "Y"))
        try journal.reject(key: bad.key, code: "unknown_order", reason: "order X is unknown")
        #expect(try journal.pending(limit: 10).map(\.orderID) == ["Y"])
        let status = try journal.status()
        #expect(status.rejected == 1 && status.pending == 1)
        let rejected = try journal.rejectedEntries()
        #expect(rejected.count == 1 && rejected[0].reason == "order X is unknown" && rejected[0].code == "unknown_order" && rejected[0].entry.orderID == "X")
    }

    @Test func anUnusableDataDirectoryIsNamedInTheError() throws {
        let error = #expect(throws: SyncError.self) { try Journal(directory: "/proc/version/packstation") }
        #expect(error?.message.contains("/proc/version/packstation") == true)
        #expect(error?.message.contains("PACKSTATION_DATA_DIR") == true)
    }

    @Test func cachedOrdersOpenByAnyBarcodeAndPackingMarksThem() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path)
        let good = try JSONParser.parse(#"{"id":"5001","barcodes":["TOTE-9","ORD-5001"],"status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1,"barcodes":["4006381333931"]}]}"#)
        let bad = try JSONParser.parse(#"{"id":"5002","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":"two"}]}"#)
        let problems = try journal.cacheOrders([good, bad])
        #expect(problems.count == 1, "an order that does not decode is reported, not cached")
        #expect(try journal.cachedOrder(barcode: "TOTE-9")?.id == "5001")
        #expect(try journal.cachedOrder(barcode: "5001")?.id == "5001")
        #expect(try journal.cachedOrder(barcode: "5002") == nil)
        #expect(try journal.cachedOrderCounts() == (1, 1))
        try journal.recordResult(SyntheticResults.packed(orderID: "5001"))
        #expect(try journal.cachedOrderCounts() == (1, 0))
    }

    @Test func theSyncServiceIsWokenByEachNewEntry() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path)
        let signals = journal.recorded()
        try journal.recordResult(SyntheticResults.packed(orderID: "W"))
        var it = signals.makeAsyncIterator()
        #expect(await it.next() != nil)
    }
}
