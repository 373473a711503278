import Foundation
internal import GRDB
import PackCore

/// Webhook subscribers (docs/webhooks.md): `packstation-hub webhook add URL --events …` and the
/// admin API. Each subscriber has its own secret, shown once when made and stored as it is: the
/// hub must sign with it, so a digest would not do (the database is readable by the hub's user
/// only). A rotated-out secret is honoured, alongside the new one, until its grace time ends.
extension HubStore {
    /// The event types a subscriber may ask for.
    public static let webhookEventTypes = [
        "order.imported", "order.updated", "order.packed", "order.labelled", "order.shipped", "order.in_transit",
        "order.delivered", "order.exception", "order.held", "order.released", "order.cancelled", "order.rules_applied",
        "load.scanned", "closeout.closed", "closeout.reopened",
    ]
    /// What `webhook add` subscribes to without `--events`.
    public static let defaultWebhookEvents = ["order.packed", "order.shipped", "order.delivered"]
    /// The most subscribers a hub keeps: each event is copied to each of them.
    public static let maximumWebhooks = 100

    /// The tables (migration "v5-webhooks-subscribers"). `start_after`: the newest event when the
    /// subscriber was added (it gets only later ones). The cursor: the newest event already
    /// copied into every subscriber's deliveries, advanced in the same transaction as the copies.
    static let webhookTables = """
        CREATE TABLE webhook_subscribers (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            secret TEXT NOT NULL,
            old_secret TEXT,
            old_secret_until REAL,
            start_after INTEGER NOT NULL,
            created_at REAL NOT NULL);
        CREATE TABLE webhook_cursor (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last_event_id INTEGER NOT NULL);
        INSERT INTO webhook_cursor (id, last_event_id) VALUES (1, 0);
        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            subscriber_id INTEGER NOT NULL REFERENCES webhook_subscribers(id) ON DELETE CASCADE,
            event_id INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at REAL NOT NULL,
            last_status INTEGER,
            last_error TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            UNIQUE (subscriber_id, event_id));
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(subscriber_id, next_at) WHERE state = 'pending';
        CREATE INDEX webhook_deliveries_next ON webhook_deliveries(next_at) WHERE state = 'pending';
        CREATE INDEX webhook_deliveries_state ON webhook_deliveries(state, subscriber_id);
        """

    /// A subscriber as listed (never with its secret).
    public struct Webhook: Sendable, Hashable {
        /// Its id.
        public var id: Int64
        /// Where deliveries go.
        public var url: String
        /// The event types it gets.
        public var events: [String]
        /// When it was added.
        public var createdAt: Date
        /// Until when the secret before the last rotation is still signed with, if it is.
        public var oldSecretUntil: Date?
        /// Deliveries waiting (or being retried), delivered, and dead-lettered.
        public var pending: Int, delivered: Int, dead: Int

        /// As the admin API shows it.
        public var json: JSONValue {
            .object([
                ("id", .number(String(id))), ("url", .string(url)), ("events", .array(events.map { .string($0) })),
                ("created_at", .string(HubStore.timestamp(createdAt.timeIntervalSince1970))),
                ("old_secret_valid_until", .optional(oldSecretUntil.map { HubStore.timestamp($0.timeIntervalSince1970) })),
                ("pending", .int(pending)), ("delivered", .int(delivered)), ("dead", .int(dead)),
            ])
        }
    }

    /// Checks a list of event types: known, no repeats, at least one.
    public static func checkWebhookEvents(_ events: [String]) throws(HubError) -> [String] {
        let unknown = events.filter { !webhookEventTypes.contains($0) }
        guard unknown.isEmpty else {
            throw HubError(400, "bad_webhook_events", "Unknown event type(s) \(unknown.map { "'\($0.prefix(64))'" }.joined(separator: ", ")); choose from \(webhookEventTypes.joined(separator: ", ")).")
        }
        guard !events.isEmpty else { throw HubError(400, "bad_webhook_events", "Name at least one event type, e.g. \(defaultWebhookEvents.joined(separator: ",")).") }
        return webhookEventTypes.filter(events.contains)
    }

    /// Adds a subscriber; returns it and its secret (shown once). It gets the events made from now on.
    public func addWebhook(url: String, events: [String], now: Date = Date()) throws(HubError) -> (webhook: Webhook, secret: String) {
        let url = try WebhookURL(url)
        let events = try Self.checkWebhookEvents(events)
        let secret = WebhookSignature.makeSecret()
        let id = try write { db in try Self.insertWebhook(db, url: url, events: events, secret: secret, now: now) }
        return (Webhook(id: id, url: url.text, events: events, createdAt: now, oldSecretUntil: nil, pending: 0, delivered: 0, dead: 0), secret)
    }

    /// `addWebhook` off the caller's thread, for the API.
    public func addWebhookAsync(url: String, events: [String], now: Date = Date()) async throws(HubError) -> (webhook: Webhook, secret: String) {
        let url = try WebhookURL(url)
        let events = try Self.checkWebhookEvents(events)
        let secret = WebhookSignature.makeSecret()
        let id = try await writeAsync { db in try Self.insertWebhook(db, url: url, events: events, secret: secret, now: now) }
        return (Webhook(id: id, url: url.text, events: events, createdAt: now, oldSecretUntil: nil, pending: 0, delivered: 0, dead: 0), secret)
    }

    static func insertWebhook(_ db: Database, url: WebhookURL, events: [String], secret: String, now: Date) throws -> Int64 {
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_subscribers") ?? 0
        guard count < Self.maximumWebhooks else {
            throw HubError(409, "too_many_webhooks", "This hub already has \(count) webhook subscribers, the most it keeps; remove one first (`packstation-hub webhook remove ID`).")
        }
        let newest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM hub_events") ?? 0
        try db.execute(
            sql: "INSERT INTO webhook_subscribers (url, events, secret, start_after, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [url.text, events.joined(separator: ","), secret, newest, now.timeIntervalSince1970])
        return db.lastInsertedRowID
    }

    /// Every subscriber, oldest first, with its deliveries counted.
    public func listWebhooks(now: Date = Date()) throws(HubError) -> [Webhook] {
        try read { db in try Self.listWebhooks(db, now: now) }
    }

    /// `listWebhooks` off the caller's thread, for the API.
    public func listWebhooksAsync(now: Date = Date()) async throws(HubError) -> [Webhook] {
        try await readAsync { db in try Self.listWebhooks(db, now: now) }
    }

    static func listWebhooks(_ db: Database, now: Date) throws -> [Webhook] {
        try Row.fetchAll(db, sql: """
            SELECT s.id, s.url, s.events, s.created_at, s.old_secret_until,
                (SELECT COUNT(*) FROM webhook_deliveries WHERE subscriber_id = s.id AND state = 'pending') AS pending,
                (SELECT COUNT(*) FROM webhook_deliveries WHERE subscriber_id = s.id AND state = 'delivered') AS delivered,
                (SELECT COUNT(*) FROM webhook_deliveries WHERE subscriber_id = s.id AND state = 'dead') AS dead
            FROM webhook_subscribers s ORDER BY s.id
            """).map { row in
            let until = (row["old_secret_until"] as Double?).map(Date.init(timeIntervalSince1970:))
            return Webhook(
                id: row["id"], url: row["url"], events: (row["events"] as String).split(separator: ",").map(String.init),
                createdAt: Date(timeIntervalSince1970: row["created_at"]), oldSecretUntil: until.flatMap { $0 > now ? $0 : nil },
                pending: row["pending"], delivered: row["delivered"], dead: row["dead"])
        }
    }

    /// Removes a subscriber with its deliveries (pending and dead-lettered alike).
    public func removeWebhook(id: Int64) throws(HubError) {
        try write { db in
            try db.execute(sql: "DELETE FROM webhook_subscribers WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { throw Self.unknownWebhook(id) }
        }
    }

    /// `removeWebhook` off the caller's thread, for the API.
    public func removeWebhookAsync(id: Int64) async throws(HubError) {
        try await writeAsync { db in
            try db.execute(sql: "DELETE FROM webhook_subscribers WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { throw Self.unknownWebhook(id) }
        }
    }

    /// The longest grace a rotated-out secret may keep (30 days).
    public static let maximumSecretGrace: TimeInterval = 30 * 86_400

    /// Gives a subscriber a new secret (returned, shown once); the old one is still signed with,
    /// beside the new, for `keepOld` seconds (0: dropped at once), so the receiver can be switched
    /// over without refusing deliveries meanwhile.
    public func rotateWebhookSecret(id: Int64, keepOld: TimeInterval, now: Date = Date()) throws(HubError) -> (secret: String, oldValidUntil: Date?) {
        try Self.checkGrace(keepOld)
        let secret = WebhookSignature.makeSecret()
        let until = keepOld > 0 ? now.addingTimeInterval(keepOld) : nil
        try write { db in try Self.rotate(db, id: id, secret: secret, until: until) }
        return (secret, until)
    }

    /// `rotateWebhookSecret` off the caller's thread, for the API.
    public func rotateWebhookSecretAsync(id: Int64, keepOld: TimeInterval, now: Date = Date()) async throws(HubError) -> (secret: String, oldValidUntil: Date?) {
        try Self.checkGrace(keepOld)
        let secret = WebhookSignature.makeSecret()
        let until = keepOld > 0 ? now.addingTimeInterval(keepOld) : nil
        try await writeAsync { db in try Self.rotate(db, id: id, secret: secret, until: until) }
        return (secret, until)
    }

    static func checkGrace(_ keepOld: TimeInterval) throws(HubError) {
        guard keepOld >= 0, keepOld <= maximumSecretGrace else {
            throw HubError(400, "bad_grace", "The old secret may be kept from 0 to \(Int(maximumSecretGrace)) seconds (30 days), not \(keepOld).")
        }
    }

    static func rotate(_ db: Database, id: Int64, secret: String, until: Date?) throws {
        guard let old = try String.fetchOne(db, sql: "SELECT secret FROM webhook_subscribers WHERE id = ?", arguments: [id]) else {
            throw unknownWebhook(id)
        }
        try db.execute(
            sql: "UPDATE webhook_subscribers SET secret = ?, old_secret = ?, old_secret_until = ? WHERE id = ?",
            arguments: [secret, until == nil ? nil : old, until?.timeIntervalSince1970, id])
    }

    static func unknownWebhook(_ id: Int64) -> HubError {
        HubError(404, "unknown_webhook", "No webhook subscriber has id \(id); `packstation-hub webhook list` shows them.")
    }
}
