import Foundation
import PackCore
import Testing
@testable import Hub

/// The admin API of webhooks over real HTTP: only the admin token adds subscribers, the secret is
/// in the answer to the add and nowhere after, and every bad input is refused saying why with
/// nothing stored.
@Suite struct WebhookAPITests {
    static let admin = "admin-token-0123456789abcdef"

    @Test func anAdminAddsASubscriberAndOnlyTheAnswerHoldsItsSecret() async throws {
        let hub = try HubFixture(adminToken: Self.admin)
        defer { hub.remove() }
        let auth: String?? = .some("Bearer " + Self.admin)
        let added = await hub.call("POST", "/v1/admin/webhooks", body: #"{"url":"https://orders.example.com/h","events":["order.shipped"]}"#, token: auth)
        #expect(added.status == 201)
        let secret = try #require(added.json?["secret"].flatMap { if case .string(let s) = $0 { s } else { nil } })
        #expect(secret.hasPrefix("whsec_"))
        #expect(added.json?["webhook"]?["events"] == ["order.shipped"])
        let listed = await hub.call("GET", "/v1/admin/webhooks", token: auth)
        #expect(listed.status == 200 && listed.text.contains("orders.example.com") && !listed.text.contains(secret))

        let rotated = await hub.call("POST", "/v1/admin/webhooks/1/rotate-secret", body: #"{"keep_old_seconds":0}"#, token: auth)
        #expect(rotated.status == 200 && rotated.json?["old_secret_valid_until"] == .null)
        #expect(!rotated.text.contains(secret))
        #expect(await hub.call("DELETE", "/v1/admin/webhooks/1", token: auth).status == 200)
        #expect(try hub.store.listWebhooks().isEmpty)
    }

    @Test func withoutTheAdminTokenNothingIsAddedOrShown() async throws {
        let hub = try HubFixture(adminToken: Self.admin)
        defer { hub.remove() }
        // A station's token is not the admin's.
        let asStation = await hub.call("POST", "/v1/admin/webhooks", body: #"{"url":"https://orders.example.com/h"}"#)
        #expect(asStation.status == 401)
        #expect(await hub.call("GET", "/v1/admin/webhook-dead-letters", token: .some(nil)).status == 401)
        let listed = try hub.store.listWebhooks()
        #expect(listed.isEmpty)
    }

    @Test(arguments: [
        (#"{"url":"http://169.254.169.254/latest/meta-data/"}"#, 400, "bad_webhook_url", "link-local"),
        (#"{"url":"https://user:pw@orders.example.com/"}"#, 400, "bad_webhook_url", "user or password"),
        (#"{"url":"gopher://orders.example.com/"}"#, 400, "bad_webhook_url", "http:// or https://"),
        (#"{"url":"https://orders.example.com/","events":["order.teleported"]}"#, 400, "bad_webhook_events", "order.teleported"),
        (#"{"url":"https://orders.example.com/","events":"order.packed"}"#, 422, "wrong_type", "array of event type names"),
        (#"{"url":"https://orders.example.com/","secret":"mine"}"#, 422, "wrong_type", "Unknown field"),
        (#"["https://orders.example.com/"]"#, 422, "wrong_type", "JSON object"),
        (#"{"url":"#, 400, "malformed_json", "not valid JSON"),
    ])
    func badSubscribersAreRefusedSayingWhyAndNothingIsStored(body: String, status: Int, code: String, message: String) async throws {
        let hub = try HubFixture(adminToken: Self.admin)
        defer { hub.remove() }
        let answer = await hub.call("POST", "/v1/admin/webhooks", body: body, token: .some("Bearer " + Self.admin))
        #expect(answer.status == status)
        #expect(answer.json?["error"]?["code"] == .string(code))
        #expect(answer.text.contains(message))
        let listed = try hub.store.listWebhooks()
        #expect(listed.isEmpty)
    }

    @Test func replayNamesWhatIsWrongAndReplaysNothingThen() async throws {
        let hub = try HubFixture(adminToken: Self.admin)
        defer { hub.remove() }
        let auth: String?? = .some("Bearer " + Self.admin)
        let unknown = await hub.call("POST", "/v1/admin/webhook-dead-letters/replay", body: #"{"ids":[41,42]}"#, token: auth)
        #expect(unknown.status == 404 && unknown.text.contains("41, 42"))
        #expect(await hub.call("POST", "/v1/admin/webhook-dead-letters/replay", body: #"{"all":true,"ids":[1]}"#, token: auth).status == 422)
        #expect(await hub.call("POST", "/v1/admin/webhook-dead-letters/replay", body: #"{"all":true,"webhook_id":0}"#, token: auth).status == 422)
        let all = await hub.call("POST", "/v1/admin/webhook-dead-letters/replay", body: #"{"all":true}"#, token: auth)
        #expect(all.status == 200 && all.json?["replayed"] == 0)
        #expect(await hub.call("GET", "/v1/admin/webhook-dead-letters", query: ["limit": "0"], token: auth).status == 400)
        #expect(await hub.call("POST", "/v1/admin/webhook-dead-letters/replay", body: #"{"all":true,"webhook_id":null}"#, token: auth).status == 422)
        #expect(await hub.call("GET", "/v1/admin/webhook-dead-letters", query: ["webhook_id": "9007199254740992"], token: auth).status == 400)
        #expect(await hub.call("GET", "/v1/admin/webhook-dead-letters", query: ["webhook_id": "1799.0", "limit": "10.0"], token: auth).status == 200)
    }
}
