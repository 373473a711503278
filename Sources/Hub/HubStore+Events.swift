import Foundation
internal import GRDB
import PackCore
import Synchronization

/// One change the hub made, as its consumers (webhooks, e-mail notices, the supervisor's page)
/// read it: appended in the transaction that made the change, so it exists exactly when the
/// change does, and numbered in commit order.
public struct HubEvent: Sendable, Hashable {
    /// Its number: increasing, never reused.
    public var id: Int64
    /// What happened: `order.packed`, `order.shipped`, `closeout.closed`, … (docs/architecture.md).
    public var type: String
    /// The order it is about, when there is one.
    public var orderID: String?
    /// When the change was made.
    public var at: Date
    /// The details: a JSON object (with `order_id` when there is an order).
    public var data: JSONValue

    /// Creates an event.
    public init(id: Int64, type: String, orderID: String?, at: Date, data: JSONValue) {
        self.id = id
        self.type = type
        self.orderID = orderID
        self.at = at
        self.data = data
    }
}

/// Tells readers in this process that events were committed. Each reader gets the newest event
/// id only (a slow reader skips ids, never falls behind); readers then read the events after
/// their own cursor. Events committed by another process (a second hub, the CLI) are not
/// signalled: readers also poll.
public final class HubEventSignal: Sendable {
    private let readers = Mutex<(next: Int, continuations: [Int: AsyncStream<Int64>.Continuation])>((0, [:]))

    init() {}

    /// The newest committed event id, each time events are committed, until the task is cancelled.
    public func updates() -> AsyncStream<Int64> {
        let (stream, continuation) = AsyncStream<Int64>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let key = readers.withLock { state in
            let key = state.next
            state.next += 1
            state.continuations[key] = continuation
            return key
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.readers.withLock { $0.continuations.removeValue(forKey: key) }
        }
        return stream
    }

    /// The number of readers listening now (for tests and the page's stream limit).
    public var readerCount: Int { readers.withLock { $0.continuations.count } }

    func notify(_ id: Int64) {
        for continuation in readers.withLock({ Array($0.continuations.values) }) { continuation.yield(id) }
    }
}

/// Watches inserts into `hub_events` on the writer connection and signals after each commit
/// that added some, whatever code path appended them.
final class HubEventObserver: TransactionObserver, @unchecked Sendable {
    // Only ever touched on the pool's writer (GRDB serializes it).
    private var newest: Int64?
    let signal: HubEventSignal

    init(signal: HubEventSignal) { self.signal = signal }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        if case .insert(let table) = eventKind { return table == "hub_events" }
        return false
    }

    func databaseDidChange(with event: DatabaseEvent) { newest = max(newest ?? event.rowID, event.rowID) }

    func databaseDidCommit(_ db: Database) {
        if let id = newest { signal.notify(id) }
        newest = nil
    }

    func databaseDidRollback(_ db: Database) { newest = nil }
}

extension HubStore {
    /// The event log's table (migration "v5-lead-hub-events").
    static let eventsTable = """
        CREATE TABLE hub_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            type TEXT NOT NULL,
            order_id TEXT,
            at REAL NOT NULL,
            data TEXT NOT NULL);
        CREATE INDEX hub_events_order ON hub_events(order_id, id);
        """

    /// Appends an event inside the caller's write transaction and returns its id. `data` should be
    /// a JSON object; `order_id` is added to it when missing.
    @discardableResult
    static func appendEvent(_ db: Database, type: String, orderID: String?, data: JSONValue = .object([]), at: Date) throws -> Int64 {
        var data = data
        if let orderID, case .object(var members) = data, !members.contains(where: { $0.0 == "order_id" }) {
            members.insert(("order_id", .string(orderID)), at: 0)
            data = .object(members)
        }
        try db.cachedStatement(
            sql: "INSERT INTO hub_events (type, order_id, at, data) VALUES (?, ?, ?, ?)")
            .execute(arguments: [type, orderID, at.timeIntervalSince1970, data.jsonText])
        return db.lastInsertedRowID
    }

    /// Up to `limit` events after `id`, oldest first, optionally of the given types only.
    public func events(after id: Int64, limit: Int, types: Set<String>? = nil) throws(HubError) -> [HubEvent] {
        try read { db in try Self.events(db, after: id, limit: limit, types: types) }
    }

    /// `events(after:limit:types:)` inside a transaction the caller holds.
    static func events(_ db: Database, after id: Int64, limit: Int, types: Set<String>? = nil) throws -> [HubEvent] {
        var sql = "SELECT id, type, order_id, at, data FROM hub_events WHERE id > ?"
        var arguments: StatementArguments = [id]
        if let types {
            guard !types.isEmpty else { return [] }
            sql += " AND type IN (\(Array(repeating: "?", count: types.count).joined(separator: ",")))"
            for t in types.sorted() { arguments += [t] }
        }
        sql += " ORDER BY id LIMIT ?"
        arguments += [max(0, limit)]
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map(event(from:))
    }

    /// The events of one order, oldest first.
    public func events(ofOrder orderID: String, limit: Int = 1_000) throws(HubError) -> [HubEvent] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, type, order_id, at, data FROM hub_events WHERE order_id = ? ORDER BY id LIMIT ?", arguments: [orderID, limit]).map(Self.event(from:))
        }
    }

    /// The newest event's id, 0 when there is none.
    public func lastEventID() throws(HubError) -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM hub_events") ?? 0 }
    }

    static func event(from row: Row) -> HubEvent {
        let text: String = row["data"]
        return HubEvent(
            id: row["id"], type: row["type"], orderID: row["order_id"], at: Date(timeIntervalSince1970: row["at"]),
            data: (try? JSONParser.parse(text)) ?? .object([]))
    }
}
