import Foundation
internal import GRDB
import PackCore

/// The notice outbox (docs/notices.md): one row per (event, order) that should tell a customer
/// something, with its state, attempts and last error. States:
/// `pending` (due at `next_attempt_at`), `attempting` (connecting; nothing can have been
/// delivered), `sending` (the whole message was written and the final "." is being sent),
/// `sent`, `failed` (a permanent refusal, or out of attempts), `unknown` (the hub stopped, or the
/// connection dropped, after the final "."; maybe delivered, so never sent again by itself),
/// `skipped` (no e-mail on the order, or too old when notices were turned on).
extension HubStore {
    /// The tables of migration "v5-notices-outbox".
    static let noticesTables = """
        CREATE TABLE notice_outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id INTEGER NOT NULL,
            order_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            recipient TEXT,
            language TEXT,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            sent_at REAL,
            last_error TEXT,
            last_code INTEGER,
            server_reply TEXT,
            UNIQUE (event_id, order_id));
        CREATE INDEX notice_outbox_due ON notice_outbox(state, next_attempt_at);
        CREATE INDEX notice_outbox_order ON notice_outbox(order_id);
        CREATE TABLE notice_cursor (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            event_id INTEGER NOT NULL);
        """

    /// One row of the outbox, as `notices list` shows it.
    public struct Notice: Sendable, Hashable {
        public var id: Int64
        public var eventID: Int64
        public var orderID: String
        public var kind: String
        public var recipient: String?
        public var language: String?
        public var state: String
        public var attempts: Int
        public var nextAttemptAt: Date?
        public var updatedAt: Date
        public var sentAt: Date?
        public var lastError: String?
        public var lastCode: Int?
        public var serverReply: String?
    }

    /// What enqueueing decided for a shipped order.
    struct NoticePlan: Sendable {
        var recipient: String?
        var language: String?
        var skipReason: String?
    }

    /// Reads `order.shipped` events after the notice cursor (at most `limit`) and adds one outbox
    /// row per event, as `plan` decides from the order, moving the cursor in the same
    /// transaction. Returns how many rows were added.
    func enqueueNotices(limit: Int = 500, now: Date, plan: @escaping @Sendable (HubEvent, Order?) -> NoticePlan) async throws(HubError) -> Int {
        try await writeAsync { db in
            let cursor = try Int64.fetchOne(db, sql: "SELECT event_id FROM notice_cursor WHERE id = 1") ?? 0
            let events = try Self.events(db, after: cursor, limit: limit, types: ["order.shipped"])
            var added = 0
            for event in events {
                guard let orderID = event.orderID else { continue }
                let body = try String.fetchOne(db, sql: "SELECT body FROM orders WHERE id = ?", arguments: [orderID])
                let order = body.flatMap { try? Order.decode(from: Array($0.utf8)) }
                let p = plan(event, order)
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO notice_outbox (event_id, order_id, kind, recipient, language, state, next_attempt_at, created_at, updated_at, last_error)
                        VALUES (?, ?, 'shipped', ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [event.id, orderID, p.recipient, p.language, p.skipReason == nil ? "pending" : "skipped",
                                now.timeIntervalSince1970, now.timeIntervalSince1970, now.timeIntervalSince1970, p.skipReason])
                added += db.changesCount
            }
            // Past every shipped event read, and past the events of other types read with them.
            let newest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM hub_events") ?? cursor
            let newCursor = events.count == limit ? (events.last?.id ?? cursor) : max(cursor, newest)
            try db.execute(sql: "INSERT INTO notice_cursor (id, event_id) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET event_id = excluded.event_id", arguments: [newCursor])
            return added
        }
    }

    /// Rows due now, oldest due first.
    func dueNotices(now: Date, limit: Int = 20) async throws(HubError) -> [Notice] {
        try await readAsync { db in
            try Row.fetchAll(db, sql: "SELECT * FROM notice_outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                             arguments: [now.timeIntervalSince1970, limit]).map(Self.notice(from:))
        }
    }

    /// When the next pending row is due, if any is.
    func nextNoticeDue() async throws(HubError) -> Date? {
        try await readAsync { db in
            try Double.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM notice_outbox WHERE state = 'pending'").map(Date.init(timeIntervalSince1970:))
        }
    }

    /// The order and the event a notice is about, to write it.
    func noticeSubject(_ notice: Notice) async throws(HubError) -> (order: Order?, event: HubEvent?) {
        try await readAsync { db in
            let body = try String.fetchOne(db, sql: "SELECT body FROM orders WHERE id = ?", arguments: [notice.orderID])
            let event = try Row.fetchOne(db, sql: "SELECT id, type, order_id, at, data FROM hub_events WHERE id = ?", arguments: [notice.eventID]).map(Self.event(from:))
            return (body.flatMap { try? Order.decode(from: Array($0.utf8)) }, event)
        }
    }

    /// Claims a pending row for an attempt (`attempting`, one more attempt counted); false when
    /// it is no longer pending.
    func claimNotice(_ id: Int64, now: Date) async throws(HubError) -> Bool {
        try await writeAsync { db in
            try db.execute(sql: "UPDATE notice_outbox SET state = 'attempting', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = 'pending'",
                           arguments: [now.timeIntervalSince1970, id])
            return db.changesCount == 1
        }
    }

    /// Records that the whole message was written and the final "." goes next; committed (FULL
    /// sync) before it is sent.
    func markNoticeSending(_ id: Int64, now: Date) async throws(HubError) {
        try await writeAsync { db in
            try db.execute(sql: "UPDATE notice_outbox SET state = 'sending', updated_at = ? WHERE id = ? AND state = 'attempting'", arguments: [now.timeIntervalSince1970, id])
            guard db.changesCount == 1 else {
                throw HubError(409, "notice_not_claimed", "Notice \(id) is no longer being sent by this hub (another hub serves the same database?); not sending it.")
            }
        }
    }

    /// Records an attempt's end: `state` with the error or the server's reply; `retryAt` for pending.
    func finishNotice(_ id: Int64, state: String, now: Date, retryAt: Date? = nil, error: String? = nil, code: Int? = nil, reply: String? = nil) async throws(HubError) {
        try await writeAsync { db in
            try db.execute(
                sql: """
                    UPDATE notice_outbox SET state = ?, updated_at = ?, next_attempt_at = ?, last_error = COALESCE(?, last_error), last_code = COALESCE(?, last_code),
                        server_reply = COALESCE(?, server_reply), sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END
                    WHERE id = ?
                    """,
                arguments: [state, now.timeIntervalSince1970, retryAt?.timeIntervalSince1970, error, code, reply, state, now.timeIntervalSince1970, id])
        }
    }

    /// After a restart: rows left `attempting` had not sent the final "." (nothing was delivered):
    /// pending again. Rows left `sending` may have been delivered: `unknown`, never resent by
    /// themselves. Returns how many rows became unknown.
    @discardableResult
    func recoverNotices(now: Date) throws(HubError) -> Int {
        try write { db in
            try db.execute(sql: "UPDATE notice_outbox SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE state = 'attempting'",
                           arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970])
            try db.execute(
                sql: "UPDATE notice_outbox SET state = 'unknown', updated_at = ?, last_error = ? WHERE state = 'sending'",
                arguments: [now.timeIntervalSince1970, "The hub stopped after the whole message went to the SMTP server and before its answer was stored: it may have been delivered. Check with the customer or the server's log; `packstation-hub notices retry ID` sends it again."])
            return db.changesCount
        }
    }

    /// The outbox, newest first, optionally of one state or one order.
    public func listNotices(state: String? = nil, orderID: String? = nil, limit: Int = 100) throws(HubError) -> [Notice] {
        try read { db in
            var sql = "SELECT * FROM notice_outbox WHERE 1 = 1"
            var arguments: StatementArguments = []
            if let state { sql += " AND state = ?"; arguments += [state] }
            if let orderID { sql += " AND order_id = ?"; arguments += [orderID] }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [max(0, min(limit, 10_000))]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.notice(from:))
        }
    }

    /// Makes failed or unknown notices pending again, due now: the ids given, or every failed one
    /// when `ids` is empty. A sent, pending or skipped notice is refused by name. Returns the ids made pending.
    public func retryNotices(ids: [Int64], now: Date = Date()) throws(HubError) -> [Int64] {
        try write { db in
            var chosen = ids
            if ids.isEmpty { chosen = try Int64.fetchAll(db, sql: "SELECT id FROM notice_outbox WHERE state = 'failed' ORDER BY id") }
            for id in chosen {
                guard let state = try String.fetchOne(db, sql: "SELECT state FROM notice_outbox WHERE id = ?", arguments: [id]) else {
                    throw HubError(404, "unknown_notice", "No notice \(id) is in the outbox; `packstation-hub notices list` shows them.")
                }
                guard state == "failed" || state == "unknown" else {
                    throw HubError(409, "notice_not_retryable", "Notice \(id) is \(state); only failed or unknown notices are sent again (nothing was changed).")
                }
                try db.execute(sql: "UPDATE notice_outbox SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE id = ?",
                               arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, id])
            }
            return chosen
        }
    }

    static func notice(from row: Row) -> Notice {
        Notice(id: row["id"], eventID: row["event_id"], orderID: row["order_id"], kind: row["kind"], recipient: row["recipient"], language: row["language"],
               state: row["state"], attempts: row["attempts"], nextAttemptAt: (row["next_attempt_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
               updatedAt: Date(timeIntervalSince1970: row["updated_at"]), sentAt: (row["sent_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
               lastError: row["last_error"], lastCode: row["last_code"], serverReply: row["server_reply"])
    }
}
