import Foundation
import Logging
import ServiceLifecycle

/// Drains the outbox to the server: batches in the order written, exponential backoff with
/// jitter after failures, `Retry-After` honoured. Packing never waits for it: results are
/// committed to the journal first and sent whenever the server answers.
public final class SyncService: Service {
    /// The journal drained.
    public let journal: Journal
    /// The server client.
    public let client: HubClient
    private let logger: Logger
    private let idleInterval: Duration

    /// Creates a service; `idleInterval` is how often it looks even without new entries.
    public init(journal: Journal, client: HubClient, logger: Logger, idleInterval: Duration = .seconds(30)) {
        self.journal = journal
        self.client = client
        self.logger = logger
        self.idleInterval = idleInterval
    }

    /// How one drain went.
    public struct DrainReport: Hashable, Sendable {
        /// Entries the server stored now.
        public var stored = 0
        /// Entries it already had.
        public var duplicates = 0
        /// Entries it refused for good (kept in the journal as rejected).
        public var rejected = 0
        /// Requests sent.
        public var requests = 0
        /// The failure that stopped the drain, if one did (the rest stays pending).
        public var failure: SyncError?
    }

    /// Sends batches until the outbox is empty or a request fails.
    public func drain(batchSize: Int? = nil) async -> DrainReport {
        let size = batchSize ?? client.configuration.batchSize
        var report = DrainReport()
        while true {
            let batch: [OutboxEntry]
            do { batch = try journal.pending(limit: size) } catch {
                report.failure = error
                return report
            }
            if batch.isEmpty { return report }
            report.requests += 1
            do {
                let receipt = try await client.postBatch(batch)
                try await journal.writer.acknowledge(receipt.stored + receipt.duplicates)
                report.stored += receipt.stored.count
                report.duplicates += receipt.duplicates.count
            } catch {
                if case .rejectedItem(let index) = error.kind, batch.indices.contains(index) {
                    // One bad entry must not hold the others back forever: keep it aside, with the reason.
                    logger.error("server refused an outbox entry", metadata: ["outbox.key": "\(batch[index].key)", "order.id": "\(batch[index].orderID ?? "")", "error.code": "\(error.serverCode ?? "")", "error": "\(error.message)"])
                    do { try await journal.writer.reject(key: batch[index].key, code: error.serverCode, reason: error.serverMessage ?? error.message) } catch {
                        // Not set aside: stop here rather than send the same refused batch again at once.
                        try? await journal.writer.noteFailure(error.message, keys: batch.map(\.key))
                        report.failure = error
                        return report
                    }
                    report.rejected += 1
                    continue
                }
                try? await journal.writer.noteFailure(error.message, keys: batch.map(\.key))
                report.failure = error
                return report
            }
        }
    }

    /// Runs until cancelled or a graceful shutdown (it is a swift-service-lifecycle `Service`):
    /// drains, then waits for a new entry (or the idle interval); after a failure waits the
    /// backoff delay (at least the server's `Retry-After`) and tries again. Whatever is not sent
    /// at shutdown stays in the journal for the next start.
    public func run() async {
        _ = await cancelWhenGracefulShutdown { await self.loop() }
    }

    private func loop() async {
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let journal = journal
        let idle = idleInterval
        wake.yield()
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await _ in journal.recorded() { wake.yield() }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: idle)
                    wake.yield()
                }
            }
            group.addTask {
                var backoff = Backoff()
                for await _ in wakes {
                    while !Task.isCancelled {
                        let report = await self.drain()
                        guard let failure = report.failure else {
                            backoff.reset()
                            break
                        }
                        let wait = backoff.nextDelay(retryAfter: failure.retryAfter)
                        self.logger.warning("sync failed; will retry", metadata: ["sync.error": "\(failure.message)", "sync.retry_in_ms": "\(wait.milliseconds)"])
                        try? await Task.sleep(for: wait)
                    }
                }
            }
        }
    }
}
