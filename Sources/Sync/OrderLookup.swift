import Foundation
import PackCore

/// Finds orders for the pack session: from the server when it answers, from the prefetched
/// cache in the journal when it does not, so packing goes on offline.
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

    /// Creates a lookup; `timeout` bounds how long a packer waits when the server is down.
    public init(journal: Journal, client: HubClient, timeout: Duration = .seconds(1)) {
        self.journal = journal
        self.client = client
        self.timeout = timeout
    }

    /// Fetches the orders queued for this station into the cache; returns how many were cached.
    @discardableResult
    public func prefetch() async throws(SyncError) -> Int {
        let documents = try await client.queuedOrders()
        let bad = try journal.cacheOrders(documents)
        return documents.count - bad.count
    }

    /// What a lookup found.
    public enum Answer: Sendable {
        /// The order, and where it came from.
        case found(Order, Source)
        /// No order has this barcode (the server said so, or it is down and the cache has none).
        case unknown
        /// The server refused it to this station (another station's, cancelled): tell the packer;
        /// never fall back to a cached copy.
        case refused(code: String, message: String)

        /// The order, when one was found.
        public var order: Order? {
            if case .found(let order, _) = self { return order }
            return nil
        }
    }

    /// The order opened by a barcode: the server's copy when reachable, else the cached one.
    /// A refusal by the server is final: the cached copy, if any, is dropped and not used.
    public func order(barcode: String) async -> Answer {
        do {
            switch try await client.lookupOrder(barcode: barcode, timeout: timeout) {
            case .found(let document):
                _ = try? journal.cacheOrders([document])
                if let order = try? Order.decode(from: document) { return .found(order, .server) }
            case .unknown:
                return .unknown
            case .refused(let code, let message):
                try? journal.forgetCachedOrder(barcode: barcode)
                return .refused(code: code, message: message)
            }
        } catch {
            // Offline (or the server failed): fall through to the cache.
        }
        guard let cached = try? journal.cachedOrder(barcode: barcode) else { return .unknown }
        return .found(cached, .cache)
    }
}
