import Foundation
import TestPeers
import Hub
import PackCore
import ServiceLifecycle
import Sync
import Testing

@Suite struct SyncServiceTests {
    @Test func aBacklogGoesInBatchesAndEachResultIsStoredOnce() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let hub = try await InProcessHub(database: dir.path + "/hub.sqlite")
        try hub.importOrders((0..<1_200).map { "B-\($0)" })
        let journal = try Journal(directory: dir.path + "/agent")
        try await offload { for i in 0..<1_200 { try journal.recordResult(SyntheticResults.packed(orderID: "B-\(i)")) } }
        let c = try client(url: hub.url, token: hub.token, batchSize: 500)
        let service = SyncService(journal: journal, client: c, logger: quietLogger)
        let report = await service.drain()
        #expect(report.failure == nil)
        #expect(report.stored == 1_200 && report.requests == 3)
        #expect(try journal.status().pending == 0)
        let again = await service.drain()
        #expect(again.requests == 0)
        let summary = try await hub.store.summary()
        #expect(summary["results"] == .int(1_200))
        #expect(summary["result_orders"] == .int(1_200))
        await c.shutdown()
        await hub.stop()
    }

    @Test func aBatchWhoseAnswerWasLostIsNotStoredTwice() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let hub = try await InProcessHub(database: dir.path + "/hub.sqlite")
        let journal = try Journal(directory: dir.path + "/agent")
        try hub.importOrders((0..<10).map { "L-\($0)" })
        for i in 0..<10 { try journal.recordResult(SyntheticResults.packed(orderID: "L-\(i)")) }
        let c = try client(url: hub.url, token: hub.token)
        let entries = try journal.pending(limit: 100)
        // The server stores the batch but the agent never hears back, so it sends it again.
        let first = try await c.postBatch(entries)
        let second = try await c.postBatch(entries)
        #expect(first.stored.count == 10 && first.duplicates.isEmpty)
        #expect(second.stored.isEmpty && second.duplicates.count == 10)
        #expect(try await hub.store.summary()["results"] == .int(10))
        await c.shutdown()
        await hub.stop()
    }

    @Test func whileTheServerIsDownNothingIsLostAndStatusSaysWhy() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let port = LoopbackPort.unused()
        let journal = try Journal(directory: dir.path + "/agent")
        for i in 0..<5 { try journal.recordResult(SyntheticResults.packed(orderID: "D-\(i)")) }
        let down = try client(url: "http://127.0.0.1:\(port)", token: "1.x")
        let report = await SyncService(journal: journal, client: down, logger: quietLogger).drain()
        await down.shutdown()
        #expect(report.failure?.kind == .transient)
        let status = try journal.status()
        #expect(status.pending == 5)
        #expect(status.lastError?.contains("Cannot reach the server") == true)
        // The server comes back on the same port: everything goes.
        let hub = try await InProcessHub(database: dir.path + "/hub.sqlite", port: port)
        try hub.importOrders((0..<5).map { "D-\($0)" })
        let up = try client(url: hub.url, token: hub.token)
        let later = await SyncService(journal: journal, client: up, logger: quietLogger).drain()
        #expect(later.stored == 5 && later.failure == nil)
        #expect(try journal.status().lastError == nil)
        await up.shutdown()
        await hub.stop()
    }

    @Test func aWrongTokenKeepsEverythingAndSaysWhatToFix() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let hub = try await InProcessHub(database: dir.path + "/hub.sqlite")
        let journal = try Journal(directory: dir.path + "/agent")
        try journal.recordResult(SyntheticResults.packed(orderID: "T-1"))
        let wrong = try client(url: hub.url, token: String(hub.token.prefix(while: { $0 != "." })) + ".wrong")
        let report = await SyncService(journal: journal, client: wrong, logger: quietLogger).drain()
        #expect(report.failure?.kind == .permanent, "\(report.failure?.message ?? "")")
        #expect(report.failure?.message.contains("PACKSTATION_TOKEN") == true)
        #expect(try journal.status().pending == 1)
        await wrong.shutdown()
        await hub.stop()
    }

    /// Run on its own by scripts/test.sh (PACKSTATION_ALONE_TESTS=1): amid the whole suite in
    /// both fresh-clone runs of 2026-12-05 its in-process hub answered with connection resets or
    /// not at all for ~136 s (alone: 0.25 s for four such tests); cause not found (docs/testing.md).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PACKSTATION_ALONE_TESTS"] == "1", "run alone by scripts/test.sh"))
    func anEntryTheServerRefusesIsSetAsideAndTheRestGoOn() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let hub = try await InProcessHub(database: dir.path + "/hub.sqlite")
        let journal = try Journal(directory: dir.path + "/agent")
        try hub.importOrders(["R-1", "R-2"])
        try journal.recordResult(SyntheticResults.packed(orderID: "R-1"))
        // An event whose kind is empty: the hub refuses it (422, item 1).
        try journal.recordEvent(kind: "", orderID: "R-1")
        try journal.recordResult(SyntheticResults.packed(orderID: "R-2"))
        let c = try client(url: hub.url, token: hub.token)
        let report = await SyncService(journal: journal, client: c, logger: quietLogger).drain()
        #expect(report.rejected == 1 && report.stored == 2 && report.failure == nil, "\(report.failure?.message ?? "")")
        let status = try journal.status()
        #expect(status.pending == 0 && status.rejected == 1)
        #expect(try journal.rejectedEntries().first?.reason.contains("kind") == true)
        await c.shutdown()
        await hub.stop()
    }

    @Test func runDrainsNewResultsAsTheyAreRecorded() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let hub = try await InProcessHub(database: dir.path + "/hub.sqlite")
        let journal = try Journal(directory: dir.path + "/agent")
        let c = try client(url: hub.url, token: hub.token)
        let service = SyncService(journal: journal, client: c, logger: quietLogger, idleInterval: .seconds(60))
        try hub.importOrders((0..<20).map { "N-\($0)" })
        let running = Task { await service.run() }
        for i in 0..<20 { try journal.recordResult(SyntheticResults.packed(orderID: "N-\(i)")) }
        let deadline = ContinuousClock.now + .seconds(45)
        while try journal.status().pending > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try journal.status().pending == 0, "woken by the new entries, not by the 60 s idle timer")
        running.cancel()
        await running.value
        #expect(try await hub.store.summary()["results"] == .int(20))
        await c.shutdown()
        await hub.stop()
    }

    /// Run on its own by scripts/test.sh (PACKSTATION_ALONE_TESTS=1): amid the whole suite in
    /// both fresh-clone runs of 2026-12-05 its in-process hub answered with connection resets or
    /// not at all for ~136 s (alone: 0.25 s for four such tests); cause not found (docs/testing.md).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PACKSTATION_ALONE_TESTS"] == "1", "run alone by scripts/test.sh"))
    func ordersAreLookedUpOnTheServerAndFromTheCacheWhenItIsDown() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let hub = try await InProcessHub(database: dir.path + "/hub.sqlite")
        let order = #"{"id":"7001","barcodes":["TOTE-7"],"status":"ready","payment":"captured","lines":[{"sku":"S","quantity":2,"barcodes":["4006381333931"]}]}"#
        let parsed = try OrderImport.parse(Array(order.utf8), name: "orders.jsonl")
        _ = try hub.store.importOrders(parsed)
        let journal = try Journal(directory: dir.path + "/agent")
        let c = try client(url: hub.url, token: hub.token)
        // A generous timeout while the server is up (a loaded CI box answers slowly), the
        // station's 1 s one for the outage.
        let patient = OrderLookup(journal: journal, client: c, timeout: .seconds(20))
        let lookup = OrderLookup(journal: journal, client: c)
        #expect(try await patient.prefetch() == 1)
        guard case .found(let online, .server) = await patient.order(barcode: "TOTE-7") else { Issue.record("not found on the server"); return }
        #expect(online.id == "7001")
        guard case .unknown = await patient.order(barcode: "NOPE") else { Issue.record("NOPE was found"); return }
        await hub.stop()
        let asked = ContinuousClock.now
        guard case .found(let offline, .cache) = await lookup.order(barcode: "TOTE-7") else { Issue.record("not found in the cache"); return }
        #expect(offline.id == "7001")
        #expect(ContinuousClock.now - asked < .seconds(10), "a packer waits about the lookup timeout (1 s) when the server is down, not a TCP timeout")
        await c.shutdown()
    }

    @Test func theHeartbeatShowsTheStationOnlineWithItsDevicesAndBacklog() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let hub = try await InProcessHub(database: dir.path + "/hub.sqlite")
        let journal = try Journal(directory: dir.path + "/agent")
        try journal.recordResult(SyntheticResults.packed(orderID: "H-1"))
        let c = try client(url: hub.url, token: hub.token)
        let service = SyncService(journal: journal, client: c, logger: quietLogger)
        let known = try await service.sendHeartbeat(scanners: [DeviceReport(name: "DS2208", state: "ready")], printers: [DeviceReport(name: "zebra1", state: "paper_out", detail: "load labels")], agentVersion: "0.1.0")
        #expect(known == "bench-1", "the name the hub knows the token by, for the agent to compare with station.name")
        let stations = try await hub.store.listStations()
        #expect(stations.first?["online"] == true)
        #expect(stations.first?["printers"] == [["name": "zebra1", "state": "paper_out", "detail": "load labels"]])
        await c.shutdown()
        await hub.stop()
    }

    @Test func inAServiceGroupItSyncsAndStopsOnGracefulShutdown() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let hub = try await InProcessHub(database: dir.path + "/hub.sqlite")
        let journal = try Journal(directory: dir.path + "/agent")
        let c = try client(url: hub.url, token: hub.token)
        let service = SyncService(journal: journal, client: c, logger: quietLogger, idleInterval: .seconds(60))
        let group = ServiceGroup(configuration: .init(services: [service], logger: quietLogger))
        try hub.importOrders(["G-1"])
        let running = Task { try await group.run() }
        try journal.recordResult(SyntheticResults.packed(orderID: "G-1"))
        let deadline = ContinuousClock.now + .seconds(45)
        while try journal.status().pending > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try journal.status().pending == 0)
        await group.triggerGracefulShutdown()
        try await running.value
        await c.shutdown()
        await hub.stop()
    }
}
