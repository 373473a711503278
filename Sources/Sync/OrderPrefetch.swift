import Foundation
import Logging
import ServiceLifecycle

/// Keeps the offline order cache up to date while `packstation run` runs with a server: a
/// fetch at start, after every return of the server, and every `sync.prefetch_interval_seconds`.
/// While the server is known to be down it is the background probe: it tries every
/// `probeInterval` with a short timeout, and its first success flips the state back (and is
/// itself the catch-up fetch).
public final class OrderPrefetch: Service {
    /// The lookup whose cache is filled.
    public let lookup: OrderLookup
    private let logger: Logger
    private let interval: Duration
    private let probeInterval: Duration
    private let probeTimeout: Duration
    private let updated: @Sendable () async -> Void

    /// Creates the service; `interval` defaults to the configured `sync.prefetch_interval_seconds`;
    /// `updated` runs after each fetch that reached the server (the kiosk shows the cache).
    public init(lookup: OrderLookup, logger: Logger, interval: Duration? = nil, probeInterval: Duration = .seconds(1), probeTimeout: Duration = .seconds(2),
                updated: @escaping @Sendable () async -> Void = {}) {
        self.lookup = lookup
        self.updated = updated
        self.logger = logger
        self.interval = interval ?? lookup.client.configuration.prefetchInterval
        self.probeInterval = probeInterval
        self.probeTimeout = probeTimeout
    }

    /// Runs until a graceful shutdown.
    public func run() async {
        let reachability = lookup.client.reachability
        reachability.setProbedInBackground(true)
        defer { reachability.setProbedInBackground(false) }
        _ = await cancelWhenGracefulShutdown { await self.loop(reachability) }
    }

    private func loop(_ reachability: HubReachability) async {
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let probeInterval = probeInterval
        wake.yield()
        await withDiscardingTaskGroup { group in
            group.addTask {
                // The server came back (any exchange succeeded) or went down: look now.
                for await _ in reachability.changes() { wake.yield() }
                wake.finish()
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: probeInterval)
                    wake.yield()
                }
                wake.finish()
            }
            group.addTask {
                var last: ContinuousClock.Instant?
                var seenReturns = reachability.returns
                for await _ in wakes {
                    if Task.isCancelled { break }
                    let down = reachability.isDown
                    let returned = reachability.returns != seenReturns
                    let due = last.map { ContinuousClock.now - $0 >= self.interval } ?? true
                    guard down || returned || due else { continue }
                    seenReturns = reachability.returns
                    // Back after an outage, whichever exchange saw it first (this probe, or the
                    // results or a lookup that got through before it).
                    await self.fetch(probing: down, afterOutage: down || returned)
                    if !reachability.isDown { last = ContinuousClock.now }
                }
            }
        }
    }

    private func fetch(probing: Bool, afterOutage: Bool) async {
        let started = ContinuousClock.now
        do {
            let cached = try await lookup.prefetch(timeout: probing ? probeTimeout : nil)
            let summary = try? lookup.journal.cacheSummary()
            logger.info(afterOutage ? "server back; order cache caught up" : "order cache up to date", metadata: [
                "cache.fetched": "\(cached)", "cache.orders": "\(summary?.orders ?? 0)", "duration_ms": "\((ContinuousClock.now - started).milliseconds)",
            ])
            await updated()
        } catch {
            if !probing {
                logger.warning("order prefetch failed; packing goes on from the cache", metadata: ["sync.error": "\(error.message)"])
            }
        }
    }
}
