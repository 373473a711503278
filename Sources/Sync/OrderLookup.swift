import Foundation
import PackCore

/// Finds orders for the pack session: from the server when it answers, from the prefetched
/// cache in the journal when it does not, so packing goes on offline. While the server is
/// known to be down (`HubReachability`), the cache answers at once: no scan waits for a timeout.
public final class OrderLookup: Sendable {
    /// Where an order came from.
    public enum Source: String, Hashable, Sendable {
        /// The server answered just now (and the cache was refreshed).
        case server
        /// The server did not answer; the cached copy was used.
        case cache
    }

    /// The journal holding the cache.
    public let journal: Journal
    /// The server client.
    public let client: HubClient

    /// How long a scan waits for the server before the cache answers.
    public let timeout: Duration
    /// Without a background prober, how long a down server is left alone before a lookup tries it again.
    public let retryDown: Duration
    /// The most orders the cache keeps (`sync.order_cache_max`).
    public let cacheMaximum: Int
    /// How long a lookup runs before the server's port is probed beside it.
    public var probeAfter: Duration { .milliseconds(25) }

    /// Creates a lookup; `timeout` bounds how long a packer waits when the server goes down.
    public init(journal: Journal, client: HubClient, timeout: Duration = .seconds(1), retryDown: Duration = .seconds(10), cacheMaximum: Int? = nil) {
        self.journal = journal
        self.client = client
        self.timeout = timeout
        self.retryDown = retryDown
        self.cacheMaximum = cacheMaximum ?? client.configuration.orderCacheMaximum
    }

    /// Brings the cache up to date with the server's queue: the changes since the last fetch
    /// (the whole queue the first time, or when the server no longer knows the cursor), page
    /// by page. Returns how many orders were stored or refreshed.
    @discardableResult
    public func prefetch(timeout: Duration? = nil) async throws(SyncError) -> Int {
        var cursor = try journal.prefetchState().cursor
        var cached = 0
        // A bound on pages so a server that always says `more` cannot hold the agent.
        for _ in 0..<10_000 {
            let page = try await client.queueChanges(since: cursor, timeout: timeout)
            cached += try journal.applyQueueChanges(page, maximum: cacheMaximum).cached
            cursor = page.cursor
            if !page.more { break }
        }
        return cached
    }

    /// What a lookup found.
    public enum Answer: Sendable {
        /// The order, and where it came from.
        case found(Order, Source)
        /// No order has this barcode (the server said so, or there is no server to ask).
        case unknown
        /// The server refused it to this station (another station's, cancelled), now or when
        /// the cache learned it: tell the packer; never open it.
        case refused(code: String, message: String)
        /// The server cannot be reached and the cache does not have it: the packer must not be
        /// told the barcode is wrong.
        case unavailable

        /// The order, when one was found.
        public var order: Order? {
            if case .found(let order, _) = self { return order }
            return nil
        }
    }

    /// The order opened by a barcode: the server's copy when reachable, else the cached one.
    /// A refusal by the server is final: it is kept in the cache and the order never opens.
    /// A lookup still unanswered after `probeAfter` has the server's port probed beside it: a
    /// refused connection means the server is down (not slow), and the cache answers at once.
    public func order(barcode: String) async -> Answer {
        if client.reachability.skipServer(retry: retryDown) { return fromCache(barcode) }
        enum Outcome: Sendable { case server(Answer?), down, inconclusive }
        let outcome: Outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask { .server(await self.serverAnswer(barcode)) }
            group.addTask {
                try? await Task.sleep(for: self.probeAfter)
                if Task.isCancelled { return .inconclusive }
                return await self.client.refusesConnections() ? .down : .inconclusive
            }
            while let next = await group.next() {
                if case .inconclusive = next { continue }
                group.cancelAll()
                return next
            }
            return .server(nil)
        }
        switch outcome {
        case .server(let answer?): return answer
        case .down: client.reachability.failed()
        default: break
        }
        return fromCache(barcode)
    }

    /// The server's answer, or nil when it gave none (offline, failing, cancelled).
    private func serverAnswer(_ barcode: String) async -> Answer? {
        do {
            switch try await client.lookupOrder(barcode: barcode, timeout: timeout) {
            case .found(let document):
                _ = try? journal.cacheOrders([document])
                if let order = try? Order.decode(from: document) { return .found(order, .server) }
                return nil
            case .unknown:
                return .unknown
            case .refused(let code, let message):
                try? journal.rememberRefusal(barcode: barcode, code: code, message: message)
                return .refused(code: code, message: message)
            }
        } catch {
            return nil
        }
    }

    private func fromCache(_ barcode: String) -> Answer {
        switch try? journal.cachedAnswer(barcode: barcode) {
        case .order(let order)?: .found(order, .cache)
        case .refused(let code, let message)?: .refused(code: code, message: message)
        case nil: .unavailable
        }
    }
}
