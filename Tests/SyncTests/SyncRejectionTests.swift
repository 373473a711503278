import Foundation
import Hub
import PackCore
import Sync
import Testing

/// The agent against a real hub on 127.0.0.1 when the hub refuses something for good
/// (docs/sync.md, "Authorization"): the refused entry is kept aside with the hub's code and
/// message, never deleted, the rest is sent, and `packstation sync status` says what and why.
@Suite struct SyncRejectionTests {
    /// Run on its own by scripts/test.sh (PACKSTATION_ALONE_TESTS=1): amid the whole suite in
    /// both fresh-clone runs of 2026-12-05 its in-process hub answered with connection resets or
    /// not at all for ~136 s (alone: 0.25 s for four such tests); cause not found (docs/testing.md).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PACKSTATION_ALONE_TESTS"] == "1", "run alone by scripts/test.sh"))
    func anEntryForAnotherStationsOrderIsKeptAsRejectedAndTheRestGo() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let hub = try await InProcessHub(database: dir.path + "/hub.sqlite")
        _ = try hub.store.addStation(name: "bench-2")
        try hub.importOrders(["M-1", "M-3"])
        try hub.importOrders(["THEIRS"], station: "bench-2")
        let journal = try Journal(directory: dir.path + "/agent")
        try journal.recordResult(SyntheticResults.packed(orderID: "M-1"))
        let theirs = try journal.recordResult(SyntheticResults.packed(orderID: "THEIRS"))
        try journal.recordResult(SyntheticResults.packed(orderID: "M-3"))
        let c = try client(url: hub.url, token: hub.token)
        let report = await SyncService(journal: journal, client: c, logger: quietLogger).drain()
        await c.shutdown()
        #expect(report.failure == nil && report.stored == 2 && report.rejected == 1, "\(report)")
        let status = try journal.status()
        #expect(status.pending == 0 && status.rejected == 1 && status.results == 3)
        let rejected = try journal.rejectedEntries()
        #expect(rejected.map(\.entry.key) == [theirs.key])
        #expect(rejected.first?.code == "not_your_order")
        #expect(rejected.first?.reason.contains("queued for another station") == true)
        #expect(try await hub.store.summary()["results"] == .int(2))
        #expect(try await hub.store.listResults(orderID: "THEIRS", limit: 10).isEmpty)

        // A second drain sends nothing again: the entry stays aside, not retried, not dropped.
        let c2 = try client(url: hub.url, token: hub.token)
        let again = await SyncService(journal: journal, client: c2, logger: quietLogger).drain()
        await c2.shutdown()
        #expect(again.requests == 0)
        #expect(try journal.rejectedEntries().count == 1)

        let shown = try await SyncCommandTests.packstation(["sync", "status", "--data-dir", dir.path + "/agent"])
        #expect(shown.status == 0)
        #expect(shown.out.contains("1 refused by the server and kept aside"), "\(shown.out)")
        #expect(shown.out.contains("pack result for order THEIRS (key \(theirs.key))"), "\(shown.out)")
        #expect(shown.out.contains("not_your_order") && shown.out.contains("queued for another station"), "\(shown.out)")
        await hub.stop()
    }

    @Test func aKeyTheHubHadForAnotherResultIsKeptAsRejectedNotAcknowledged() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let hub = try await InProcessHub(database: dir.path + "/hub.sqlite")
        try hub.importOrders(["K-1", "K-2", "K-3"])
        let journal = try Journal(directory: dir.path + "/agent")
        let first = try journal.recordResult(SyntheticResults.packed(orderID: "K-1"))
        let colliding = try journal.recordResult(SyntheticResults.packed(orderID: "K-2"))
        try journal.recordResult(SyntheticResults.packed(orderID: "K-3"))
        // Another result already reached the hub under K-2's key (a key that collided).
        let c = try client(url: hub.url, token: hub.token)
        var other = colliding
        other.orderID = "K-1"
        other.body = SyntheticResults.packed(orderID: "K-1").json.jsonText
        #expect(try await c.postBatch([other]).stored == [colliding.key])

        let report = await SyncService(journal: journal, client: c, logger: quietLogger).drain()
        await c.shutdown()
        #expect(report.failure == nil && report.stored == 2 && report.rejected == 1, "\(report)")
        let rejected = try journal.rejectedEntries()
        #expect(rejected.map(\.entry.key) == [colliding.key], "the result was not dropped as a duplicate")
        #expect(rejected.first?.code == "key_reused")
        #expect(rejected.first?.entry.body == colliding.body, "kept as it was recorded")
        #expect(try journal.results(forOrder: "K-2").count == 1)
        // The hub holds K-1 twice (its own result and the one under K-2's key) and no K-2.
        #expect(try await hub.store.listResults(orderID: "K-2", limit: 10).isEmpty)
        #expect(try await hub.store.listResults(orderID: "K-1", limit: 10).map { $0["key"] }.contains(.string(first.key)))

        let json = try await SyncCommandTests.packstation(["sync", "status", "--json", "--data-dir", dir.path + "/agent"])
        let doc = try JSONParser.parse(json.out)
        #expect(doc["rejected"] == .int(1))
        guard case .array(let entries)? = doc["rejected_entries"], let entry = entries.first else { Issue.record("no rejected entries: \(json.out)"); return }
        #expect(entry["key"] == .string(colliding.key) && entry["code"] == "key_reused" && entry["order_id"] == "K-2")
        if case .string(let m)? = entry["message"] { #expect(m.contains("different result")) } else { Issue.record("no message") }
        await hub.stop()
    }

    /// Run on its own by scripts/test.sh (PACKSTATION_ALONE_TESTS=1): amid the whole suite in
    /// both fresh-clone runs of 2026-12-05 its in-process hub answered with connection resets or
    /// not at all for ~136 s (alone: 0.25 s for four such tests); cause not found (docs/testing.md).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PACKSTATION_ALONE_TESTS"] == "1", "run alone by scripts/test.sh"))
    func aLookupTheHubRefusesIsFinalAndTheCachedCopyIsNotUsed() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let hub = try await InProcessHub(database: dir.path + "/hub.sqlite")
        _ = try hub.store.addStation(name: "bench-2")
        try hub.importOrders(["Q-1", "Q-2"])
        let journal = try Journal(directory: dir.path + "/agent")
        let c = try client(url: hub.url, token: hub.token)
        let lookup = OrderLookup(journal: journal, client: c, timeout: .seconds(20))
        #expect(try await lookup.prefetch() == 2)
        // Since the prefetch, Q-1 went to another station and Q-2 was cancelled.
        try hub.importOrders(["Q-1"], station: "bench-2")
        try HubFixtureOrders.cancel("Q-2", in: hub.store)
        for (barcode, code, words) in [("ORD-Q-1", "not_your_order", "another station"), ("ORD-Q-2", "order_cancelled", "cancelled")] {
            guard case .refused(let got, let message) = await lookup.order(barcode: barcode) else { Issue.record("\(barcode) was not refused"); continue }
            #expect(got == code)
            #expect(message.contains(words) && !message.contains("bench-2"), "\(message)")
        }
        // Offline now: the cache keeps the refusals, so they cannot open there either, and the
        // packer hears the same reason as online.
        await hub.stop()
        let offline = OrderLookup(journal: journal, client: c, timeout: .milliseconds(500))
        for (barcode, code) in [("ORD-Q-1", "not_your_order"), ("ORD-Q-2", "order_cancelled")] {
            guard case .refused(let got, _) = await offline.order(barcode: barcode) else { Issue.record("\(barcode) opened from the cache"); continue }
            #expect(got == code)
        }
        await c.shutdown()
    }
}

enum HubFixtureOrders {
    /// Imports the synthetic order again, cancelled.
    static func cancel(_ id: String, in store: HubStore) throws {
        let line = SyntheticResults.orderJSON(id: id).replacingOccurrences(of: "\"status\":\"ready\"", with: "\"status\":\"cancelled\"")
        _ = try store.importOrders(OrderImport.parse(Array(line.utf8), name: "orders.jsonl"))
    }
}
