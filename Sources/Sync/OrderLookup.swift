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

    /// The order opened by a barcode: the server's copy when reachable, else the cached one.
    /// Nil when neither knows it.
    public func order(barcode: String) async -> (order: Order, source: Source)? {
        do {
            if let document = try await client.lookupOrder(barcode: barcode, timeout: timeout) {
                _ = try? journal.cacheOrders([document])
                if let order = try? Order.decode(from: document) { return (order, .server) }
            } else {
                return nil
            }
        } catch {
            // Offline (or the server failed): fall through to the cache.
        }
        guard let cached = try? journal.cachedOrder(barcode: barcode) else { return nil }
        return (cached, .cache)
    }
}
