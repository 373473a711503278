import Foundation
internal import GRDB
import PackCore

/// Webhook deliveries: one row per (subscriber, event), made from the event log by
/// `fanOutWebhookEvents` in the same transaction that advances its cursor, so an event is copied
/// to every subscriber exactly once whatever stops the hub. A row is `pending` until a 2xx answer
/// makes it `delivered`, or its last allowed attempt fails and makes it `dead` (the dead-letter
/// list), from where `replayWebhookDeadLetters` makes it pending again.
extension HubStore {
    /// A delivery claimed for one attempt: everything the worker needs to send it.
    public struct WebhookDelivery: Sendable, Hashable {
        /// The delivery's id.
        public var id: Int64
        /// Its subscriber.
        public var subscriberID: Int64
        /// Where it goes.
        public var url: String
        /// The secrets to sign with: the current one first, then one rotated out but still honoured.
        public var secrets: [String]
        /// The event.
        public var eventID: Int64
        /// The event's type.
        public var eventType: String
        /// The body sent.
        public var body: String
        /// This attempt's number, from 1.
        public var attempt: Int
    }

    /// A dead-lettered delivery, as `webhook dead-letters` lists it.
    public struct WebhookDeadLetter: Sendable, Hashable {
        /// The delivery's id (what `webhook replay ID` takes).
        public var id: Int64
        /// Its subscriber and where it went.
        public var subscriberID: Int64, url: String
        /// The event.
        public var eventID: Int64, eventType: String
        /// Attempts made.
        public var attempts: Int
        /// The last answer's status (nil: none came) and what went wrong.
        public var lastStatus: Int?, lastError: String?
        /// When it was given up.
        public var failedAt: Date

        /// As the admin API shows it.
        public var json: JSONValue {
            .object([
                ("id", .number(String(id))), ("webhook_id", .number(String(subscriberID))), ("url", .string(url)),
                ("event_id", .number(String(eventID))), ("event_type", .string(eventType)), ("attempts", .int(attempts)),
                ("last_status", lastStatus.map { .int($0) } ?? .null), ("last_error", .optional(lastError)),
                ("failed_at", .string(HubStore.timestamp(failedAt.timeIntervalSince1970))),
            ])
        }
    }

    /// Copies up to `limit` events after the cursor into the deliveries of each subscriber that
    /// asked for their type (and was added before them), and advances the cursor past them, in
    /// one transaction. Returns how many events it passed (0: caught up).
    public func fanOutWebhookEvents(limit: Int = 500, now: Date = Date()) async throws(HubError) -> Int {
        try await writeAsync { db in
            let cursor = try Int64.fetchOne(db, sql: "SELECT last_event_id FROM webhook_cursor WHERE id = 1") ?? 0
            let events = try Row.fetchAll(db, sql: "SELECT id, type FROM hub_events WHERE id > ? ORDER BY id LIMIT ?", arguments: [cursor, limit])
            guard let last = events.last?["id"] as Int64? else { return 0 }
            let subscribers = try Row.fetchAll(db, sql: "SELECT id, events, start_after FROM webhook_subscribers").map { row in
                (id: row["id"] as Int64, events: Set((row["events"] as String).split(separator: ",").map(String.init)), after: row["start_after"] as Int64)
            }
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO webhook_deliveries (subscriber_id, event_id, next_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                """)
            let t = now.timeIntervalSince1970
            for event in events {
                let id: Int64 = event["id"], type: String = event["type"]
                for s in subscribers where id > s.after && s.events.contains(type) {
                    try insert.execute(arguments: [s.id, id, t, t, t])
                }
            }
            try db.execute(sql: "UPDATE webhook_cursor SET last_event_id = ? WHERE id = 1", arguments: [last])
            return events.count
        }
    }

    /// Claims up to `limit` due deliveries for one attempt each: at most `perSubscriber` minus
    /// what `busy` says is in flight for a subscriber, none of the subscribers in `held`. Each is
    /// counted as an attempt and leased until `now + lease` (so one the hub dies sending is sent
    /// again then), before it is sent.
    public func claimWebhookDeliveries(now: Date, limit: Int, perSubscriber: Int, busy: [Int64: Int], held: Set<Int64>, lease: TimeInterval) async throws(HubError) -> [WebhookDelivery] {
        guard limit > 0 else { return [] }
        return try await writeAsync { db in
            let t = now.timeIntervalSince1970
            var candidates: [(id: Int64, next: Double)] = []
            for subscriber in try Int64.fetchAll(db, sql: "SELECT id FROM webhook_subscribers") where !held.contains(subscriber) {
                let room = perSubscriber - (busy[subscriber] ?? 0)
                guard room > 0 else { continue }
                candidates += try Row.fetchAll(db, sql: """
                    SELECT id, next_at FROM webhook_deliveries WHERE subscriber_id = ? AND state = 'pending' AND next_at <= ?
                    ORDER BY next_at, id LIMIT ?
                    """, arguments: [subscriber, t, room]).map { ($0["id"], $0["next_at"]) }
            }
            let chosen = candidates.sorted { ($0.next, $0.id) < ($1.next, $1.id) }.prefix(limit)
            var claimed: [WebhookDelivery] = []
            for c in chosen {
                try db.execute(
                    sql: "UPDATE webhook_deliveries SET attempts = attempts + 1, next_at = ?, updated_at = ? WHERE id = ?",
                    arguments: [t + lease, t, c.id])
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT d.id, d.subscriber_id, d.attempts, s.url, s.secret, s.old_secret, s.old_secret_until,
                        e.id AS event_id, e.type, e.at, e.data
                    FROM webhook_deliveries d JOIN webhook_subscribers s ON s.id = d.subscriber_id JOIN hub_events e ON e.id = d.event_id
                    WHERE d.id = ?
                    """, arguments: [c.id]) else { continue }
                var secrets: [String] = [row["secret"]]
                if let old = row["old_secret"] as String?, let until = row["old_secret_until"] as Double?, until > t { secrets.append(old) }
                let eventID: Int64 = row["event_id"], type: String = row["type"]
                claimed.append(WebhookDelivery(
                    id: row["id"], subscriberID: row["subscriber_id"], url: row["url"], secrets: secrets, eventID: eventID, eventType: type,
                    body: WebhookSignature.body(eventID: eventID, type: type, at: Date(timeIntervalSince1970: row["at"]), dataText: row["data"]),
                    attempt: row["attempts"]))
            }
            return claimed
        }
    }

    /// Records a delivery's 2xx answer.
    public func webhookDelivered(id: Int64, status: Int, now: Date = Date()) async throws(HubError) {
        try await writeAsync { db in
            try db.execute(
                sql: "UPDATE webhook_deliveries SET state = 'delivered', last_status = ?, last_error = NULL, updated_at = ? WHERE id = ? AND state = 'pending'",
                arguments: [status, now.timeIntervalSince1970, id])
        }
    }

    /// Records a failed attempt: tried again at `retryAt`, or dead-lettered when it is nil.
    /// `error` is the hub's own description (never the receiver's answer body).
    public func webhookFailed(id: Int64, status: Int?, error: String, retryAt: Date?, now: Date = Date()) async throws(HubError) {
        try await writeAsync { db in
            try db.execute(sql: """
                UPDATE webhook_deliveries SET state = ?, next_at = ?, last_status = ?, last_error = ?, updated_at = ?
                WHERE id = ? AND state = 'pending'
                """, arguments: [retryAt == nil ? "dead" : "pending", (retryAt ?? now).timeIntervalSince1970, status, String(error.prefix(500)), now.timeIntervalSince1970, id])
        }
    }

    /// When the next pending delivery is due, of subscribers other than `excluded` (nil: none is).
    public func nextWebhookDue(excluding excluded: Set<Int64> = []) async throws(HubError) -> Date? {
        try await readAsync { db in
            let skip = excluded.isEmpty ? "" : " AND subscriber_id NOT IN (\(excluded.sorted().map(String.init).joined(separator: ",")))"
            return try Double.fetchOne(db, sql: "SELECT MIN(next_at) FROM webhook_deliveries WHERE state = 'pending'" + skip)
                .map(Date.init(timeIntervalSince1970:))
        }
    }

    /// Forgets delivered rows older than `age` seconds (at most `limit` at a time), so the table
    /// holds days, not years. Returns how many went.
    @discardableResult
    public func pruneDeliveredWebhooks(olderThan age: TimeInterval, now: Date = Date(), limit: Int = 10_000) async throws(HubError) -> Int {
        try await writeAsync { db in
            try db.execute(sql: """
                DELETE FROM webhook_deliveries WHERE id IN
                    (SELECT id FROM webhook_deliveries WHERE state = 'delivered' AND updated_at < ? LIMIT ?)
                """, arguments: [now.timeIntervalSince1970 - age, limit])
            return db.changesCount
        }
    }

    /// The dead-letter list, oldest failure first.
    public func webhookDeadLetters(subscriber: Int64? = nil, limit: Int = 1_000) throws(HubError) -> [WebhookDeadLetter] {
        try read { db in try Self.deadLetters(db, subscriber: subscriber, limit: limit) }
    }

    /// `webhookDeadLetters` off the caller's thread, for the API.
    public func webhookDeadLettersAsync(subscriber: Int64? = nil, limit: Int = 1_000) async throws(HubError) -> [WebhookDeadLetter] {
        try await readAsync { db in try Self.deadLetters(db, subscriber: subscriber, limit: limit) }
    }

    static func deadLetters(_ db: Database, subscriber: Int64?, limit: Int) throws -> [WebhookDeadLetter] {
        try Row.fetchAll(db, sql: """
            SELECT d.id, d.subscriber_id, s.url, d.event_id, e.type, d.attempts, d.last_status, d.last_error, d.updated_at
            FROM webhook_deliveries d JOIN webhook_subscribers s ON s.id = d.subscriber_id JOIN hub_events e ON e.id = d.event_id
            WHERE d.state = 'dead' AND (?1 IS NULL OR d.subscriber_id = ?1) ORDER BY d.updated_at, d.id LIMIT ?2
            """, arguments: [subscriber, limit]).map { row in
            WebhookDeadLetter(
                id: row["id"], subscriberID: row["subscriber_id"], url: row["url"], eventID: row["event_id"], eventType: row["type"],
                attempts: row["attempts"], lastStatus: row["last_status"], lastError: row["last_error"], failedAt: Date(timeIntervalSince1970: row["updated_at"]))
        }
    }

    /// The most dead letters one replay names.
    public static let maximumReplayIDs = 1_000

    /// Sends dead-lettered deliveries again from the first attempt: those named (each must be a
    /// dead letter; nothing is replayed otherwise), or with `ids` nil every one (of `subscriber`
    /// when given). Returns how many. A running hub picks them up within its poll interval.
    public func replayWebhookDeadLetters(ids: [Int64]?, subscriber: Int64? = nil, now: Date = Date()) throws(HubError) -> Int {
        try write { db in try Self.replay(db, ids: ids, subscriber: subscriber, now: now) }
    }

    /// `replayWebhookDeadLetters` off the caller's thread, for the API.
    public func replayWebhookDeadLettersAsync(ids: [Int64]?, subscriber: Int64? = nil, now: Date = Date()) async throws(HubError) -> Int {
        try await writeAsync { db in try Self.replay(db, ids: ids, subscriber: subscriber, now: now) }
    }

    static func replay(_ db: Database, ids: [Int64]?, subscriber: Int64?, now: Date) throws -> Int {
        let t = now.timeIntervalSince1970
        guard let ids else {
            try db.execute(sql: """
                UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_at = ?1, updated_at = ?1
                WHERE state = 'dead' AND (?2 IS NULL OR subscriber_id = ?2)
                """, arguments: [t, subscriber])
            return db.changesCount
        }
        guard ids.count <= maximumReplayIDs else {
            throw HubError(400, "too_many_ids", "Replay at most \(maximumReplayIDs) dead letters by id at a time (or all of them with --all), not \(ids.count).")
        }
        let unique = Array(Set(ids)).sorted()
        var missing: [Int64] = []
        for id in unique {
            let state = try String.fetchOne(db, sql: "SELECT state FROM webhook_deliveries WHERE id = ?", arguments: [id])
            if state != "dead" { missing.append(id) }
        }
        guard missing.isEmpty else {
            throw HubError(404, "not_dead_letter", "No dead letter has id \(missing.prefix(20).map(String.init).joined(separator: ", "))\(missing.count > 20 ? " …" : ""); `packstation-hub webhook dead-letters` lists them. Nothing was replayed.")
        }
        for id in unique {
            try db.execute(sql: "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_at = ?1, updated_at = ?1 WHERE id = ?2", arguments: [t, id])
        }
        return unique.count
    }
}
