import Foundation
import GRDB
import Logging
import PackCore
import TestPeers
import Testing
@testable import Hub

/// The webhook worker against a real receiver process (scripts/peers/webhook_receiver.py) that
/// checks signatures and deduplicates by event id: every event is accepted exactly once through
/// failures, slowness and a receiver gone and back; bad signatures are refused and dead-lettered,
/// a replay brings them; a rotated secret keeps deliveries flowing.
@Suite(.serialized) struct WebhookDeliveryTests {
    /// Fast retries and a short timeout, so outages pass in seconds.
    static func configuration(attempts: Int = 50, timeout: Duration = .seconds(1)) -> WebhookConfiguration {
        var c = WebhookConfiguration()
        c.retry = WebhookRetryPolicy(maximumAttempts: attempts, base: .milliseconds(50), cap: .milliseconds(400))
        c.timeout = timeout
        c.pollInterval = .milliseconds(200)
        return c
    }

    /// A store with one subscriber at a fresh receiver, and the worker running while `body` runs.
    private func withDelivery(
        receiverSecrets: (String) -> [String] = { [$0] }, configuration: WebhookConfiguration = configuration(),
        events: [String] = ["order.packed", "order.shipped", "order.delivered"],
        _ body: (HubStore, WebhookReceiverPeer, HubStore.Webhook, String) async throws -> Void
    ) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hub-webhook-delivery-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try HubStore(path: dir.path + "/hub.sqlite")
        let receiver = try WebhookReceiverPeer(logDirectory: dir.appendingPathComponent("receiver"))
        defer { receiver.stop() }
        let (webhook, secret) = try store.addWebhook(url: receiver.url, events: events)
        try await receiver.secrets(receiverSecrets(secret))
        let worker = WebhookWorker(store: store, configuration: configuration, logger: Logger(label: "webhooks") { _ in SwiftLogNoOpLogHandler() })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            defer { group.cancelAll() }
            try await body(store, receiver, webhook, secret)
        }
    }

    @discardableResult
    private func append(_ store: HubStore, _ types: [String], order: String = "SO") async throws -> [Int64] {
        var ids: [Int64] = []
        for (i, type) in types.enumerated() {
            ids.append(try await store.pool.write { db in
                try HubStore.appendEvent(db, type: type, orderID: "\(order)-\(i)", data: ["station": "bench-1"], at: Date())
            })
        }
        return ids
    }

    private func counts(_ receiver: WebhookReceiverPeer) -> [String: Int] {
        receiver.requests().reduce(into: [:]) { $0[$1.outcome, default: 0] += 1 }
    }

    @Test func eachEventIsAcceptedOnceThroughFailureSlownessAndAReceiverGoneAndBack() async throws {
        try await withDelivery { store, receiver, webhook, _ in
            var expected: [Int64] = []
            // Up: delivered at once; a type nobody asked for is not sent.
            expected += try await append(store, ["order.packed", "order.shipped", "order.delivered", "order.packed"], order: "UP")
            try await append(store, ["order.imported"], order: "UNASKED")
            #expect(await receiver.waitUntil { receiver.accepted().count == 4 })

            // Failing (503): retried with backoff until it answers again.
            try await receiver.control("fail 503")
            expected += try await append(store, ["order.packed", "order.shipped", "order.delivered"], order: "FAIL")
            #expect(await receiver.waitUntil { counts(receiver)["failed", default: 0] >= 3 })
            try await receiver.control("normal")
            #expect(await receiver.waitUntil { receiver.accepted().count == 7 })

            // Slow (2 s, past the 1 s timeout): the receiver does its work, the hub gives up waiting
            // and sends again; the receiver sees the same event id and does not do it twice.
            try await receiver.control("slow 2")
            expected += try await append(store, ["order.shipped", "order.delivered"], order: "SLOW")
            #expect(await receiver.waitUntil { counts(receiver)["duplicate", default: 0] >= 1 })
            try await receiver.control("normal")

            // Gone (port closed, kept-alive connections cut), then back on the same port.
            try await receiver.control("gone")
            expected += try await append(store, ["order.packed", "order.shipped", "order.delivered"], order: "GONE")
            try await Task.sleep(for: .seconds(1.5))
            #expect(receiver.accepted().count == 9, "nothing arrives while the receiver is gone")
            try await receiver.control("back")

            #expect(await receiver.waitUntil { receiver.accepted().count == expected.count })
            #expect(await receiver.waitUntil { (try? store.listWebhooks().first?.delivered) == expected.count })
            let accepted = receiver.accepted()
            #expect(accepted.map(\.id).sorted() == expected, "every event exactly once, none extra")
            #expect(accepted.allSatisfy { ["order.packed", "order.shipped", "order.delivered"].contains($0.type) })
            #expect(!accepted.contains { $0.orderID?.hasPrefix("UNASKED") == true })
            let listed = try #require(try store.listWebhooks().first { $0.id == webhook.id })
            #expect(listed.pending == 0 && listed.dead == 0)
            #expect(counts(receiver)["rejected", default: 0] == 0, "every delivery was signed right")
        }
    }

    @Test func aWrongSecretIsRefusedUntilDeadLetteredAndAReplayBringsEverything() async throws {
        try await withDelivery(receiverSecrets: { _ in ["whsec_not_the_one"] }, configuration: Self.configuration(attempts: 3)) { store, receiver, webhook, secret in
            let ids = try await append(store, ["order.shipped", "order.delivered"])
            #expect(await receiver.waitUntil { (try? store.webhookDeadLetters().count) == 2 })
            let requests = receiver.requests()
            #expect(requests.count == 6, "three attempts each, then no more")
            #expect(requests.allSatisfy { $0.outcome == "rejected" && $0.reason == "bad signature" })
            #expect(receiver.accepted().isEmpty)
            // Listed by when each was given up, which need not be the events' order.
            let dead = try store.webhookDeadLetters()
            #expect(dead.map(\.eventID).sorted() == ids && dead.allSatisfy { $0.attempts == 3 && $0.lastStatus == 401 && $0.subscriberID == webhook.id })
            let second = try #require(dead.first { $0.eventID == ids[1] })

            try await receiver.secrets([secret])
            #expect(try store.replayWebhookDeadLetters(ids: [second.id]) == 1)
            #expect(await receiver.waitUntil { receiver.accepted().map(\.id) == [ids[1]] })
            #expect(try store.replayWebhookDeadLetters(ids: nil) == 1)
            #expect(await receiver.waitUntil { receiver.accepted().count == 2 })
            #expect(receiver.accepted().map(\.id).sorted() == ids)
            #expect(try store.webhookDeadLetters().isEmpty)
        }
    }

    @Test func afterTheLastAttemptADeliveryIsADeadLetterAndAReplayDeliversItOnce() async throws {
        try await withDelivery(configuration: Self.configuration(attempts: 2)) { store, receiver, _, _ in
            try await receiver.control("fail 500")
            let ids = try await append(store, ["order.packed", "order.shipped", "order.delivered"])
            #expect(await receiver.waitUntil { (try? store.webhookDeadLetters().count) == 3 })
            #expect(counts(receiver)["failed"] == 6, "exactly two attempts each")
            let dead = try store.webhookDeadLetters()
            #expect(dead.allSatisfy { $0.lastStatus == 500 && $0.lastError == "HTTP 500" && $0.attempts == 2 })
            try await receiver.control("normal")
            #expect(try store.replayWebhookDeadLetters(ids: nil) == 3)
            #expect(await receiver.waitUntil { receiver.accepted().count == 3 })
            // Delivered now, they are no longer dead letters: naming them again is refused and
            // nothing is sent twice.
            #expect(throws: HubError.self) { try store.replayWebhookDeadLetters(ids: dead.map(\.id)) }
            #expect(receiver.accepted().map(\.id).sorted() == ids)
        }
    }

    @Test func aRotatedSecretKeepsDeliveriesFlowingAndDroppingTheOldOneIsFinal() async throws {
        try await withDelivery { store, receiver, webhook, first in
            // The receiver still knows only the old secret: the hub signs with both during the grace.
            let (second, until) = try store.rotateWebhookSecret(id: webhook.id, keepOld: 3_600)
            #expect(until != nil)
            let a = try await append(store, ["order.packed"], order: "A")
            #expect(await receiver.waitUntil { receiver.accepted().map(\.id) == a })
            // The receiver switches to the new one.
            try await receiver.secrets([second])
            let b = try await append(store, ["order.shipped"], order: "B")
            #expect(await receiver.waitUntil { receiver.accepted().map(\.id) == a + b })
            // A leaked secret: rotated with no grace, a receiver holding the old one refuses...
            try await receiver.secrets([first])
            let (third, none) = try store.rotateWebhookSecret(id: webhook.id, keepOld: 0)
            #expect(none == nil)
            let c = try await append(store, ["order.delivered"], order: "C")
            #expect(await receiver.waitUntil { receiver.requests().contains { $0.outcome == "rejected" } })
            // ...until it is given the new one; the retry then gets through, once.
            try await receiver.secrets([third])
            #expect(await receiver.waitUntil { receiver.accepted().map(\.id) == a + b + c })
        }
    }
}
