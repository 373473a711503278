import Foundation
import TestPeers
import Testing
@testable import Hub

/// The real `packstation-hub serve` delivering webhooks to a real receiver, killed with -9 while
/// deliveries are in flight and started again: the receiver accepts every event exactly once.
@Suite struct WebhookCLITests {
    static let fast = ["--webhook-timeout", "1", "--webhook-backoff", "0.05", "--webhook-backoff-cap", "0.5", "--webhook-poll", "0.1"]

    /// Events written by another process (as `packstation-hub import` or a second hub would):
    /// the serving hub finds them by polling.
    private func append(_ store: HubStore, count: Int, from start: Int) async throws -> [Int64] {
        var ids: [Int64] = []
        let types = ["order.packed", "order.shipped", "order.delivered"]
        for i in start..<(start + count) {
            ids.append(try await store.pool.write { db in
                try HubStore.appendEvent(db, type: types[i % 3], orderID: "SO-\(i)", data: ["station": "bench-1"], at: Date())
            })
        }
        return ids
    }

    @Test func everyEventIsAcceptedOnceThroughAKillOfTheHubMidDelivery() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("webhook-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let receiver = try WebhookReceiverPeer(logDirectory: dir.appendingPathComponent("receiver"))
        defer { receiver.stop() }
        let hub = try HubProcess(dir: dir.path)
        defer { hub.stop() }

        let added = try hub.command(["webhook", "add", receiver.url, "--events", "order.packed,order.shipped,order.delivered", "--json"])
        let secret = try #require((try JSONSerialization.jsonObject(with: Data(added.utf8)) as? [String: Any])?["secret"] as? String)
        #expect(try hub.command(["webhook", "list"]).contains(receiver.url))
        #expect(!(try hub.command(["webhook", "list", "--json"]).contains(secret)), "the secret is shown once only")
        try await receiver.secrets([secret])
        // Slow answers keep deliveries in flight, so the kill lands mid-delivery.
        try await receiver.control("slow 0.3")

        let store = try HubStore(path: hub.db)
        var expected = try await append(store, count: 40, from: 0)
        try hub.start(Self.fast)
        #expect(await receiver.waitUntil(seconds: 60) { receiver.accepted().count >= 10 })
        hub.kill()
        let atKill = receiver.accepted().count
        #expect(atKill < expected.count, "the hub was killed before it was done")

        // Events made while the hub is down are delivered when it is back.
        expected += try await append(store, count: 20, from: 40)
        try await receiver.control("normal")
        try hub.start(Self.fast)
        // Deliveries in flight at the kill are sent again when their lease (timeout + 5 s) ends.
        #expect(await receiver.waitUntil(seconds: 90) { receiver.accepted().count == expected.count })
        // The hub records every delivery, those in flight at the kill too once their lease is over.
        #expect(await receiver.waitUntil(seconds: 30) { (try? store.listWebhooks().first?.delivered) == expected.count })
        let accepted = receiver.accepted()
        #expect(accepted.map(\.id).sorted() == expected, "each event exactly once, none missing, none extra")
        let duplicates = receiver.requests().filter { $0.outcome == "duplicate" }.count
        #expect(duplicates >= 1, "some deliveries were in flight at the kill and were sent again")
        #expect(receiver.requests().allSatisfy { $0.outcome != "rejected" })
        #expect(try hub.command(["webhook", "dead-letters"]).isEmpty)
    }
}
