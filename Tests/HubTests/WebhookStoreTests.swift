import Foundation
import GRDB
import PackCore
import Testing
@testable import Hub

/// Subscribers and their deliveries in the hub's database: who gets which event, exactly once
/// across restarts, and what the admin sees and can do.
@Suite struct WebhookStoreTests {
    private func withStore(_ body: (HubStore, String) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hub-webhooks-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await body(try HubStore(path: dir + "/hub.sqlite"), dir + "/hub.sqlite")
    }

    @discardableResult
    private func append(_ store: HubStore, _ type: String, _ order: String) async throws -> Int64 {
        try await store.pool.write { db in try HubStore.appendEvent(db, type: type, orderID: order, at: Date()) }
    }

    private func deliveries(_ store: HubStore) throws -> [String] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT subscriber_id, event_id FROM webhook_deliveries ORDER BY subscriber_id, event_id")
                .map { "\($0["subscriber_id"] as Int64):\($0["event_id"] as Int64)" }
        }
    }

    @Test func aSubscriberGetsTheTypesItAskedForFromItsAdditionOn() async throws {
        try await withStore { store, _ in
            let before = try await append(store, "order.packed", "A")
            let packed = try store.addWebhook(url: "http://127.0.0.1:9/a", events: ["order.packed"]).webhook
            let all = try store.addWebhook(url: "http://127.0.0.1:9/b", events: ["order.shipped", "order.packed"]).webhook
            #expect(all.events == ["order.packed", "order.shipped"], "kept in the hub's order of types")
            let p = try await append(store, "order.packed", "B")
            let s = try await append(store, "order.shipped", "B")
            try await append(store, "order.imported", "C")
            #expect(try await store.fanOutWebhookEvents() == 4, "every event passed, the one before the subscribers too")
            #expect(try deliveries(store) == ["\(packed.id):\(p)", "\(all.id):\(p)", "\(all.id):\(s)"])
            #expect(before < p)
            // Caught up: nothing more, nothing twice.
            #expect(try await store.fanOutWebhookEvents() == 0)
            #expect(try deliveries(store).count == 3)
        }
    }

    @Test func theCursorAndTheCopiesSurviveReopeningTheDatabase() async throws {
        try await withStore { store, path in
            _ = try store.addWebhook(url: "http://127.0.0.1:9/a", events: ["order.packed"])
            for i in 0..<7 { try await append(store, "order.packed", "O\(i)") }
            #expect(try await store.fanOutWebhookEvents(limit: 3) == 3)
            let reopened = try HubStore(path: path)
            #expect(try await reopened.fanOutWebhookEvents(limit: 3) == 3)
            #expect(try await reopened.fanOutWebhookEvents(limit: 3) == 1)
            #expect(try await reopened.fanOutWebhookEvents(limit: 3) == 0)
            #expect(try deliveries(reopened).count == 7)
            #expect(Set(try deliveries(reopened)).count == 7)
        }
    }

    @Test func theListNeverShowsASecretAndCountsDeliveries() async throws {
        try await withStore { store, _ in
            let (w, secret) = try store.addWebhook(url: "https://orders.example.com/h", events: HubStore.defaultWebhookEvents)
            try await append(store, "order.packed", "A")
            _ = try await store.fanOutWebhookEvents()
            let listed = try #require(try store.listWebhooks().first)
            #expect(listed.id == w.id && listed.pending == 1 && listed.delivered == 0 && listed.dead == 0)
            #expect(!listed.json.jsonText.contains(secret))
            #expect(!listed.json.jsonText.contains("whsec_"))
        }
    }

    @Test(arguments: [
        ([], "Name at least one event type"),
        (["order.packed", "order.teleported"], "'order.teleported'"),
        (["<script>"], "choose from order.imported"),
    ])
    func unknownEventTypesAreRefusedAndNothingIsAdded(events: [String], message: String) async throws {
        try await withStore { store, _ in
            #expect {
                try store.addWebhook(url: "http://127.0.0.1:9/a", events: events)
            } throws: { ($0 as? HubError)?.code == "bad_webhook_events" && ($0 as? HubError)?.message.contains(message) == true }
            let listed = try store.listWebhooks()
            #expect(listed.isEmpty)
        }
    }

    @Test func removingASubscriberRemovesItsDeliveriesAndAnUnknownIDIsNamed() async throws {
        try await withStore { store, _ in
            let a = try store.addWebhook(url: "http://127.0.0.1:9/a", events: ["order.packed"]).webhook
            let b = try store.addWebhook(url: "http://127.0.0.1:9/b", events: ["order.packed"]).webhook
            try await append(store, "order.packed", "A")
            _ = try await store.fanOutWebhookEvents()
            try store.removeWebhook(id: a.id)
            #expect(try deliveries(store).allSatisfy { $0.hasPrefix("\(b.id):") })
            #expect(try deliveries(store).count == 1)
            #expect { try store.removeWebhook(id: a.id) } throws: { ($0 as? HubError)?.code == "unknown_webhook" && ($0 as? HubError)?.status == 404 }
        }
    }

    @Test func rotationKeepsTheOldSecretForItsGraceOnly() async throws {
        try await withStore { store, _ in
            let (w, first) = try store.addWebhook(url: "http://127.0.0.1:9/a", events: ["order.packed"])
            let now = Date()
            let (second, until) = try store.rotateWebhookSecret(id: w.id, keepOld: 60, now: now)
            #expect(second != first && until == now.addingTimeInterval(60))
            try await append(store, "order.packed", "A")
            _ = try await store.fanOutWebhookEvents(now: now)
            let during = try await store.claimWebhookDeliveries(now: now.addingTimeInterval(1), limit: 10, perSubscriber: 4, busy: [:], held: [], lease: 1)
            #expect(during.first?.secrets == [second, first])
            let after = try await store.claimWebhookDeliveries(now: now.addingTimeInterval(61), limit: 10, perSubscriber: 4, busy: [:], held: [], lease: 1)
            #expect(after.first?.secrets == [second])
            let (third, none) = try store.rotateWebhookSecret(id: w.id, keepOld: 0, now: now)
            #expect(none == nil)
            let dropped = try await store.claimWebhookDeliveries(now: now.addingTimeInterval(70), limit: 10, perSubscriber: 4, busy: [:], held: [], lease: 1)
            #expect(dropped.first?.secrets == [third])
            #expect { try store.rotateWebhookSecret(id: w.id, keepOld: -1) } throws: { ($0 as? HubError)?.code == "bad_grace" }
            #expect { try store.rotateWebhookSecret(id: 999, keepOld: 0) } throws: { ($0 as? HubError)?.code == "unknown_webhook" }
        }
    }

    @Test func claimsHonourHoldsAndPerSubscriberRoomAndCountAttempts() async throws {
        try await withStore { store, _ in
            let a = try store.addWebhook(url: "http://127.0.0.1:9/a", events: ["order.packed"]).webhook
            let b = try store.addWebhook(url: "http://127.0.0.1:9/b", events: ["order.packed"]).webhook
            for i in 0..<5 { try await append(store, "order.packed", "O\(i)") }
            _ = try await store.fanOutWebhookEvents()
            let now = Date().addingTimeInterval(1)
            let first = try await store.claimWebhookDeliveries(now: now, limit: 10, perSubscriber: 2, busy: [a.id: 1], held: [], lease: 30)
            #expect(first.filter { $0.subscriberID == a.id }.count == 1)
            #expect(first.filter { $0.subscriberID == b.id }.count == 2)
            #expect(first.allSatisfy { $0.attempt == 1 })
            // Leased: not claimed again before the lease ends; then claimed as the second attempt.
            let none = try await store.claimWebhookDeliveries(now: now, limit: 10, perSubscriber: 10, busy: [:], held: [a.id, b.id], lease: 30)
            #expect(none.isEmpty)
            let later = try await store.claimWebhookDeliveries(now: now.addingTimeInterval(31), limit: 20, perSubscriber: 10, busy: [:], held: [b.id], lease: 30)
            #expect(later.count == 5 && later.allSatisfy { $0.subscriberID == a.id })
            #expect(later.filter { $0.attempt == 2 }.map(\.id) == first.filter { $0.subscriberID == a.id }.map(\.id))
        }
    }

    @Test func deadLettersAreListedAndReplayedAndABadIDReplaysNothing() async throws {
        try await withStore { store, _ in
            let w = try store.addWebhook(url: "http://127.0.0.1:9/a", events: ["order.shipped"]).webhook
            let e1 = try await append(store, "order.shipped", "A")
            let e2 = try await append(store, "order.shipped", "B")
            _ = try await store.fanOutWebhookEvents()
            let claimed = try await store.claimWebhookDeliveries(now: Date().addingTimeInterval(1), limit: 10, perSubscriber: 4, busy: [:], held: [], lease: 30)
            for d in claimed { try await store.webhookFailed(id: d.id, status: 503, error: "HTTP 503", retryAt: nil) }
            let dead = try store.webhookDeadLetters()
            #expect(dead.map(\.eventID) == [e1, e2])
            #expect(dead.allSatisfy { $0.subscriberID == w.id && $0.lastStatus == 503 && $0.attempts == 1 && $0.eventType == "order.shipped" })
            #expect(try store.listWebhooks().first?.dead == 2)

            #expect {
                try store.replayWebhookDeadLetters(ids: [dead[0].id, 9_999])
            } throws: { ($0 as? HubError)?.code == "not_dead_letter" && ($0 as? HubError)?.message.contains("9999") == true }
            #expect(try store.webhookDeadLetters().count == 2, "nothing was replayed")

            #expect(try store.replayWebhookDeadLetters(ids: [dead[0].id]) == 1)
            #expect(try store.webhookDeadLetters().map(\.eventID) == [e2])
            let again = try await store.claimWebhookDeliveries(now: Date().addingTimeInterval(1), limit: 10, perSubscriber: 4, busy: [:], held: [], lease: 30)
            #expect(again.map(\.eventID) == [e1])
            #expect(again.first?.attempt == 1, "a replay starts from the first attempt")
            #expect(try store.replayWebhookDeadLetters(ids: nil) == 1)
            #expect(try store.webhookDeadLetters().isEmpty)
        }
    }
}
