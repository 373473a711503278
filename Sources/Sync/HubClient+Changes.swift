import Foundation
import PackCore

/// One page of the server's queue changes (`GET /v1/orders/queue?since=CURSOR`, docs/sync.md,
/// "Offline cache").
public struct QueueChangesPage: Sendable {
    /// An order the station may no longer pack, why (`cancelled`, `not_your_order`, `packed`),
    /// and the barcodes that open it.
    public struct Removal: Hashable, Sendable {
        public var id: String
        public var reason: String
        public var barcodes: [String]

        /// Creates a removal.
        public init(id: String, reason: String, barcodes: [String] = []) {
            self.id = id
            self.reason = reason
            self.barcodes = barcodes
        }
    }

    /// Orders the station may pack (new or changed), as the server's JSON documents.
    public var orders: [JSONValue]
    /// Orders it may no longer pack.
    public var removed: [Removal]
    /// What to send as `since` next time.
    public var cursor: String
    /// The answer starts from nothing: cached orders the pass does not send are gone.
    public var full: Bool
    /// More changes wait: ask again at once.
    public var more: Bool

    /// Creates a page.
    public init(orders: [JSONValue], removed: [Removal] = [], cursor: String, full: Bool, more: Bool = false) {
        self.orders = orders
        self.removed = removed
        self.cursor = cursor
        self.full = full
        self.more = more
    }
}

extension HubClient {
    /// The queue's changes after `cursor` (nil: from the start, sent as `since=0`), at most `limit` entries
    /// (`GET /v1/orders/queue?since=`); `timeout` bounds the request.
    public func queueChanges(since cursor: String?, limit: Int = 1000, timeout: Duration? = nil) async throws(SyncError) -> QueueChangesPage {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&+=?#")
        // `0` is no cursor the hub hands out: the first fetch gets the whole queue.
        let since = (cursor ?? "0").addingPercentEncoding(withAllowedCharacters: allowed) ?? "0"
        let path = "/v1/orders/queue?since=\(since)&limit=\(limit)"
        let answer = try await send(.GET, path, timeout: timeout)
        let bad = SyncError(code: "sync.bad_answer", message: "The server's answer to /v1/orders/queue?since= is not what the API describes (orders, removed, cursor, full, more); update the server or check that \(configuration.serverURL) is a packstation server.", kind: .transient)
        guard case .array(let orders)? = answer["orders"], case .array(let removed)? = answer["removed"],
              case .string(let next)? = answer["cursor"], case .bool(let full)? = answer["full"]
        else { throw bad }
        var removals: [QueueChangesPage.Removal] = []
        for r in removed {
            guard case .string(let id)? = r["id"], case .string(let reason)? = r["reason"] else { throw bad }
            var codes: [String] = []
            if case .array(let items)? = r["barcodes"] { codes = items.compactMap { if case .string(let s) = $0 { s } else { nil } } }
            removals.append(.init(id: id, reason: reason, barcodes: codes))
        }
        let more: Bool = if case .bool(let m)? = answer["more"] { m } else { false }
        return QueueChangesPage(orders: orders, removed: removals, cursor: next, full: full, more: more)
    }
}
