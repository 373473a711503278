import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import Wakeups

/// How the hub delivers webhooks (`packstation-hub serve --webhook-…`, docs/webhooks.md).
public struct WebhookConfiguration: Sendable, Hashable {
    /// Backoff and the attempts before the dead-letter list.
    public var retry = WebhookRetryPolicy()
    /// The longest one attempt may take, connecting included, before it counts as failed.
    public var timeout: Duration = .seconds(10)
    /// Deliveries in flight at once, all subscribers together.
    public var concurrency = 16
    /// Deliveries in flight at once to one subscriber.
    public var perSubscriber = 4
    /// How often the event log is looked at besides the in-process signal (events committed by
    /// another process, replays from the CLI).
    public var pollInterval: Duration = .seconds(2)
    /// How long delivered rows are kept (seconds).
    public var keepDelivered: TimeInterval = 7 * 86_400

    /// The defaults.
    public init() {}
}

/// Delivers the event log to the webhook subscribers: copies new events into each subscriber's
/// deliveries (`fanOutWebhookEvents`), claims those due and POSTs them signed, at most
/// `concurrency` at once, and records each answer. After a failure the subscriber is held back
/// for its backoff (one probe at a time, not its whole backlog against a receiver that is down),
/// and the failed delivery waits its own backoff or goes to the dead-letter list. A delivery the
/// hub dies sending is sent again when its lease ends: at least once, the event id telling the
/// receiver it has seen it (docs/webhooks.md).
public final class WebhookWorker: Service, Sendable {
    private struct State {
        var inFlight: [Int64: Int] = [:]
        var total = 0
        var failures: [Int64: Int] = [:]
        var heldUntil: [Int64: Date] = [:]
    }

    private let store: HubStore
    private let configuration: WebhookConfiguration
    private let logger: Logger
    private let state = Mutex(State())
    private let wakeup = Wakeup()
    private let stopping = Atomic<Bool>(false)

    /// A worker over `store`'s event log and subscribers.
    public init(store: HubStore, configuration: WebhookConfiguration = .init(), logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until cancelled or graceful shutdown; deliveries in flight then finish (each within
    /// the timeout) and no new one starts.
    public func run() async throws {
        let timeout = TimeAmount.milliseconds(Int64(WebhookRetryPolicy.seconds(configuration.timeout) * 1000))
        var clientConfiguration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: timeout, read: timeout))
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.perSubscriber
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        await withDiscardingTaskGroup { listeners in
            // Events committed in this process wake the loop at once; others wait for the poll.
            let updates = store.eventSignal.updates()
            listeners.addTask { [wakeup] in
                for await _ in updates { wakeup.signal() }
            }
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { deliveries in
                    await self.loop(client: client, deliveries: &deliveries)
                }
            } onGracefulShutdown: {
                self.stopping.store(true, ordering: .relaxed)
                self.wakeup.signal()
            }
            listeners.cancelAll()
        }
        try? await client.shutdown()
    }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    private func loop(client: HTTPClient, deliveries: inout DiscardingTaskGroup) async {
        var lastPrune = Date.distantPast
        let poll = WebhookRetryPolicy.seconds(configuration.pollInterval)
        while !isStopping {
            var wait = poll
            do {
                while try await store.fanOutWebhookEvents(limit: 500) == 500, !isStopping {}
                let now = Date()
                let (busy, held, free) = state.withLock { s -> ([Int64: Int], Set<Int64>, Int) in
                    s.heldUntil = s.heldUntil.filter { $0.value > now }
                    return (s.inFlight, Set(s.heldUntil.keys), configuration.concurrency - s.total)
                }
                let lease = WebhookRetryPolicy.seconds(configuration.timeout) + 5
                let claimed = try await store.claimWebhookDeliveries(
                    now: now, limit: free, perSubscriber: configuration.perSubscriber, busy: busy, held: held, lease: lease)
                for delivery in claimed {
                    state.withLock { s in
                        s.inFlight[delivery.subscriberID, default: 0] += 1
                        s.total += 1
                    }
                    deliveries.addTask { await self.deliver(delivery, client: client) }
                }
                if now.timeIntervalSince(lastPrune) > 600 {
                    lastPrune = now
                    try await store.pruneDeliveredWebhooks(olderThan: configuration.keepDelivered, now: now)
                }
                wait = min(wait, try await nextWait(now: now))
            } catch {
                logger.error("Webhook deliveries failed to read or write the hub database; trying again", metadata: ["error": "\(error)"])
            }
            await wakeup.wait(upTo: .milliseconds(Int64(max(0.001, wait) * 1000)))
        }
    }

    /// Seconds until something may be claimed: the next due delivery of a subscriber neither held
    /// nor full, or the end of a hold. A full worker waits for a delivery to finish (it signals).
    private func nextWait(now: Date) async throws -> Double {
        let (excluded, holdEnd, full) = state.withLock { s in
            (Set(s.heldUntil.keys).union(s.inFlight.filter { $0.value >= configuration.perSubscriber }.keys),
             s.heldUntil.values.min(), s.total >= configuration.concurrency)
        }
        if full { return .infinity }
        var wait = Double.infinity
        if let due = try await store.nextWebhookDue(excluding: excluded) { wait = due.timeIntervalSince(now) }
        if let holdEnd { wait = min(wait, holdEnd.timeIntervalSince(now)) }
        return wait
    }

    private func deliver(_ delivery: HubStore.WebhookDelivery, client: HTTPClient) async {
        let outcome = await send(delivery, client: client)
        defer {
            state.withLock { s in
                s.inFlight[delivery.subscriberID, default: 1] -= 1
                if s.inFlight[delivery.subscriberID] == 0 { s.inFlight[delivery.subscriberID] = nil }
                s.total -= 1
            }
            wakeup.signal()
        }
        // A failure because the hub is stopping is not the receiver's: nothing is recorded, the
        // lease runs out and the delivery is sent again.
        if Task.isCancelled, case .failed = outcome { return }
        let now = Date()
        var generator = SystemRandomNumberGenerator()
        do {
            switch outcome {
            case .delivered(let status):
                try await store.webhookDelivered(id: delivery.id, status: status, now: now)
                state.withLock { s in
                    s.failures[delivery.subscriberID] = nil
                    s.heldUntil[delivery.subscriberID] = nil
                }
            case .failed(let status, let error, let retryAfter):
                let decision = configuration.retry.afterFailure(attempt: delivery.attempt, retryAfter: retryAfter, using: &generator)
                let hold = state.withLock { s -> Duration in
                    let n = s.failures[delivery.subscriberID, default: 0] + 1
                    s.failures[delivery.subscriberID] = n
                    let hold = configuration.retry.delay(failures: n, retryAfter: retryAfter, using: &generator)
                    s.heldUntil[delivery.subscriberID] = now.addingTimeInterval(WebhookRetryPolicy.seconds(hold))
                    return hold
                }
                var retryAt: Date?
                if case .retry(let after) = decision { retryAt = now.addingTimeInterval(WebhookRetryPolicy.seconds(after)) }
                try await store.webhookFailed(id: delivery.id, status: status, error: error, retryAt: retryAt, now: now)
                logger.warning(retryAt == nil ? "Webhook delivery dead-lettered" : "Webhook delivery failed; will retry", metadata: [
                    "webhook.id": "\(delivery.subscriberID)", "webhook.delivery": "\(delivery.id)", "event.id": "\(delivery.eventID)",
                    "webhook.attempt": "\(delivery.attempt)", "webhook.error": "\(error)", "webhook.hold_ms": "\(hold.components.seconds * 1000)",
                ])
            }
        } catch {
            // Not recorded: the lease runs out and the delivery is sent again (the receiver dedups).
            logger.error("Webhook delivery outcome not recorded", metadata: ["webhook.delivery": "\(delivery.id)", "error": "\(error)"])
        }
    }

    private enum Outcome {
        case delivered(status: Int)
        case failed(status: Int?, error: String, retryAfter: Duration?)
    }

    private func send(_ delivery: HubStore.WebhookDelivery, client: HTTPClient) async -> Outcome {
        let body = Array(delivery.body.utf8)
        let timestamp = Int64(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "packstation-hub-webhooks/1")
        request.headers.add(name: WebhookSignature.eventIDHeader, value: String(delivery.eventID))
        request.headers.add(name: WebhookSignature.eventTypeHeader, value: delivery.eventType)
        request.headers.add(name: WebhookSignature.timestampHeader, value: String(timestamp))
        request.headers.add(name: WebhookSignature.attemptHeader, value: String(delivery.attempt))
        request.headers.add(name: WebhookSignature.signatureHeader, value: WebhookSignature.header(secrets: delivery.secrets, timestamp: timestamp, body: body))
        request.body = .bytes(ByteBuffer(bytes: body))
        let seconds = WebhookRetryPolicy.seconds(configuration.timeout)
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(seconds * 1000)))
            // Read a little of the answer so the connection can be reused; never stored or shown.
            _ = try? await response.body.collect(upTo: 4096)
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return .delivered(status: status) }
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { Duration.seconds(max(0, $0)) }
            let what = (300..<400).contains(status) ? "HTTP \(status) (redirects are not followed; give the final address)" : "HTTP \(status)"
            return .failed(status: status, error: what, retryAfter: retryAfter)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return .failed(status: nil, error: "no answer within \(seconds) s", retryAfter: nil)
        } catch {
            return .failed(status: nil, error: "\(error)", retryAfter: nil)
        }
    }
}
