import Foundation
import Hummingbird
import PackCore

/// The admin API of webhook subscribers and dead letters (docs/webhooks.md), behind the admin
/// token like the read API: only admins may make the hub send requests somewhere.
extension HubAPI {
    /// Largest body of the webhook routes: an address (2 KiB) and a few names, or 1,000 ids.
    static let maximumWebhookBodyBytes = 64 << 10

    /// Registers the routes on the admin group (`/v1/admin`).
    func addWebhookRoutes(to admin: RouterGroup<HubRequestContext>) {
        admin.get("webhooks") { _, _ in Self.json(.object([("webhooks", .array(try await store.listWebhooksAsync().map(\.json)))])) }
        admin.delete("webhooks/:id") { _, context in
            let id = try Self.webhookID(context)
            try await store.removeWebhookAsync(id: id)
            return Self.json(.object([("removed", .number(String(id)))]))
        }
        admin.get("webhook-dead-letters") { request, _ in
            let subscriber = try Self.optionalID(request.uri.queryParameters["webhook_id"].map(String.init), name: "webhook_id")
            let limit = try Self.webhookLimit(request)
            let dead = try await store.webhookDeadLettersAsync(subscriber: subscriber, limit: limit)
            return Self.json(.object([("dead_letters", .array(dead.map(\.json)))]))
        }
        let bodies = admin.group().add(middleware: JSONBody(limit: Self.maximumWebhookBodyBytes))
        bodies.post("webhooks") { _, context in try await addWebhook(context) }
        bodies.post("webhooks/:id/rotate-secret") { _, context in try await rotateSecret(context) }
        bodies.post("webhook-dead-letters/replay") { _, context in try await replay(context) }
    }

    private func addWebhook(_ context: HubRequestContext) async throws -> Response {
        let members = try Self.object(context.body, fields: ["url", "events"])
        guard case .string(let url)? = members["url"] else {
            throw HubError(422, "wrong_type", "url must be a string: where deliveries are POSTed.", problems: [.init(path: "url", message: "expected a string, found \(members["url"]?.typeDescription ?? "nothing")")])
        }
        var events = HubStore.defaultWebhookEvents
        if let value = members["events"] {
            guard case .array(let items) = value, items.count <= HubStore.webhookEventTypes.count,
                  case let names = items.compactMap({ if case .string(let s) = $0 { s } else { nil } }), names.count == items.count else {
                throw HubError(422, "wrong_type", "events must be an array of event type names.", problems: [.init(path: "events", message: "expected an array of at most \(HubStore.webhookEventTypes.count) strings")])
            }
            events = names
        }
        let (webhook, secret) = try await store.addWebhookAsync(url: url, events: events)
        return Self.json(.object([("webhook", webhook.json), ("secret", .string(secret))]), status: .created)
    }

    private func rotateSecret(_ context: HubRequestContext) async throws -> Response {
        let id = try Self.webhookID(context)
        let members = try Self.object(context.body, fields: ["keep_old_seconds"])
        var keep: TimeInterval = 86_400
        if let value = members["keep_old_seconds"] {
            guard let n = value.wholeNumber else {
                throw HubError(422, "wrong_type", "keep_old_seconds must be a whole number of seconds.", problems: [.init(path: "keep_old_seconds", message: "expected a whole number, found \(Self.describe(value))")])
            }
            keep = TimeInterval(n)
        }
        let (secret, until) = try await store.rotateWebhookSecretAsync(id: id, keepOld: keep)
        return Self.json(.object([
            ("secret", .string(secret)), ("old_secret_valid_until", .optional(until.map { HubStore.timestamp($0.timeIntervalSince1970) })),
        ]))
    }

    private func replay(_ context: HubRequestContext) async throws -> Response {
        let members = try Self.object(context.body, fields: ["ids", "all", "webhook_id"])
        let all = members["all"] == .bool(true)
        var ids: [Int64]?
        if let value = members["ids"] {
            guard case .array(let items) = value, items.count <= HubStore.maximumReplayIDs,
                  case let numbers = items.compactMap({ $0.wholeNumber.map(Int64.init) }), numbers.count == items.count else {
                throw HubError(422, "wrong_type", "ids must be an array of at most \(HubStore.maximumReplayIDs) dead-letter ids.", problems: [.init(path: "ids", message: "expected an array of whole numbers")])
            }
            ids = numbers
        }
        if let value = members["all"], value != .bool(true), value != .bool(false) {
            throw HubError(422, "wrong_type", "all must be true or false.", problems: [.init(path: "all", message: "expected a boolean, found \(value.typeDescription)")])
        }
        var subscriber: Int64?
        if let value = members["webhook_id"] {
            guard let n = value.wholeNumber, n >= 1 else {
                throw HubError(422, "wrong_type", "webhook_id must be a subscriber's id (a whole number from 1).", problems: [.init(path: "webhook_id", message: "expected a whole number from 1, found \(Self.describe(value))")])
            }
            subscriber = Int64(n)
        }
        guard all != (ids != nil) else {
            throw HubError(422, "wrong_type", "Give either \"ids\": [...] or \"all\": true (not both, not neither).")
        }
        guard subscriber == nil || all else { throw HubError(422, "wrong_type", "webhook_id goes with \"all\": true.") }
        let n = try await store.replayWebhookDeadLettersAsync(ids: ids, subscriber: subscriber)
        return Self.json(.object([("replayed", .int(n))]))
    }

    /// The body as an object with no member but `fields`.
    private static func object(_ bytes: [UInt8], fields: Set<String>) throws(HubError) -> [String: JSONValue] {
        let doc = try parse(bytes)
        guard case .object(let members) = doc else {
            throw HubError(422, "wrong_type", "The body must be a JSON object, not \(doc.typeDescription).")
        }
        if let unknown = members.first(where: { !fields.contains($0.0) }) {
            throw HubError(422, "wrong_type", "Unknown field; the body holds \(fields.sorted().joined(separator: ", ")) only.",
                           problems: [.init(path: String(unknown.0.prefix(64)), message: "unknown field")])
        }
        return Dictionary(members, uniquingKeysWith: { a, _ in a })
    }

    private static func webhookID(_ context: HubRequestContext) throws(HubError) -> Int64 {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else { throw HubError.unknownWebhookID(text) }
        return id
    }

    /// A whole number in a query, as JSON Schema's `integer` reads it (`1799.0` is 1799), within `range`.
    private static func wholeNumber(_ text: String, in range: ClosedRange<Int>) -> Int? {
        // JSON's number characters only: Swift's Double would also read 0x10, inf and nan.
        guard text.utf8.count <= 32, !text.isEmpty, text.allSatisfy({ "0123456789.eE+-".contains($0) }), Double(text) != nil,
              let n = JSONValue.number(text).wholeNumber, range.contains(n) else { return nil }
        return n
    }

    private static func optionalID(_ text: String?, name: String) throws(HubError) -> Int64? {
        guard let text else { return nil }
        guard let id = wholeNumber(text, in: 1...JSONValue.largestWholeNumber) else {
            throw HubError(400, "bad_parameter", "\(name) must be a subscriber's id (a whole number from 1), not '\(text.prefix(64))'.")
        }
        return Int64(id)
    }

    private static func webhookLimit(_ request: Request) throws(HubError) -> Int {
        guard let text = request.uri.queryParameters["limit"].map(String.init) else { return 1_000 }
        guard let n = wholeNumber(text, in: 1...10_000) else { throw HubError(400, "bad_parameter", "limit must be a whole number from 1 to 10000, not '\(text.prefix(64))'.") }
        return n
    }
}

extension HubError {
    static func unknownWebhookID(_ text: String) -> HubError {
        HubError(404, "unknown_webhook", "No webhook subscriber has id '\(text.prefix(64))'; GET /v1/admin/webhooks lists them.")
    }
}
