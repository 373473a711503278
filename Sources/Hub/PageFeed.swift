import Foundation
import ServiceLifecycle
import Synchronization

/// The page's live updates: one renderer for every open page. On each hub event (the store's
/// event signal), every ``interval`` (station health ages, and events committed by another
/// process) and when a page opens, it reads the figures once, renders the live section once,
/// and hands that text to every open stream; a stream that has not taken the previous one gets
/// only the newest (nothing queues up behind a slow page). Renders are at least
/// ``minimumGap`` apart, however fast events come. A service of the hub (HubServer runs it).
public final class PageFeed: Service, Sendable {
    /// One rendered update: the newest hub event it includes and the live section's HTML.
    public struct Update: Sendable, Hashable {
        public var eventID: Int64
        public var html: String
        public var rendered: ContinuousClock.Instant
    }

    /// The store read.
    public let store: HubStore
    /// The page's language.
    public let language: PageLanguage
    /// Event streams open at once, at most; beyond, `GET /events` is answered 503.
    public let maximumStreams: Int
    /// How often the page is refreshed without events.
    public let interval: Duration
    /// Renders are at least this far apart.
    public let minimumGap: Duration
    /// A stream whose client has not taken an update within this time is closed.
    public let writeTimeout: Duration
    /// A stream ends after this long (the browser reconnects at once), so no connection is held forever.
    public let maximumStreamDuration: Duration

    private struct State {
        var latest: Update?
        var subscribers: [Int: AsyncStream<Update>.Continuation] = [:]
        var nextID = 0
        var streams = 0
        var finished = false
    }

    private let state = Mutex(State())
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>

    /// A feed of `store`'s page in `language`.
    public init(store: HubStore, language: PageLanguage = .en, maximumStreams: Int = 64, interval: Duration = .seconds(5),
                minimumGap: Duration = .milliseconds(250), writeTimeout: Duration = .seconds(10), maximumStreamDuration: Duration = .seconds(600)) {
        self.store = store
        self.language = language
        self.maximumStreams = maximumStreams
        self.interval = interval
        self.minimumGap = minimumGap
        self.writeTimeout = writeTimeout
        self.maximumStreamDuration = maximumStreamDuration
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Renders while pages are open, until graceful shutdown; then every stream ends.
    public func run() async throws {
        let wake = self.wake
        let signal = store.eventSignal
        let interval = self.interval
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await _ in signal.updates().cancelOnGracefulShutdown() { wake.yield() }
            }
            group.addTask {
                while !Task.isCancelled, !Task.isShuttingDownGracefully {
                    try? await Task.sleep(for: interval)
                    wake.yield()
                }
            }
            for await _ in wakes.cancelOnGracefulShutdown() {
                guard subscriberCount > 0 else { continue }
                await renderNow()
                try? await Task.sleep(for: minimumGap)
            }
            group.cancelAll()
        }
        finishAll()
    }

    /// Reads, renders and publishes one update now (what `run` does on each wake-up).
    public func renderNow() async {
        guard let snapshot = try? await PageSnapshot.read(store) else { return }
        let update = Update(eventID: snapshot.figures.lastEventID, html: PageLive.render(snapshot, language: language), rendered: .now)
        let targets = state.withLock { s in
            s.latest = update
            return Array(s.subscribers.values)
        }
        for c in targets { c.yield(update) }
    }

    /// The newest live section when it is fresher than ``interval`` (a page load need not render it again).
    public var freshHTML: String? {
        state.withLock { s in s.latest.flatMap { ContinuousClock.now - $0.rendered < interval ? $0.html : nil } }
    }

    /// Open pages right now.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Streams admitted and not ended yet.
    public var openStreams: Int { state.withLock { $0.streams } }

    /// Admits one more stream, or nil at the limit; the stream's slot is freed when the returned
    /// ticket is released (or dropped).
    func admit() -> StreamTicket? {
        let admitted = state.withLock { s in
            guard !s.finished, s.streams < maximumStreams else { return false }
            s.streams += 1
            return true
        }
        return admitted ? StreamTicket(feed: self) : nil
    }

    fileprivate func release() {
        state.withLock { $0.streams -= 1 }
    }

    /// The newest update at once when it is fresh (else the next one, rendered now), then each
    /// new one, until the stream is dropped or the hub shuts down.
    func updates() -> AsyncStream<Update> {
        let (stream, continuation) = AsyncStream.makeStream(of: Update.self, bufferingPolicy: .bufferingNewest(1))
        let (id, fresh) = state.withLock { s -> (Int?, Bool) in
            guard !s.finished else { return (nil, false) }
            let id = s.nextID
            s.nextID += 1
            s.subscribers[id] = continuation
            if let latest = s.latest, ContinuousClock.now - latest.rendered < interval {
                continuation.yield(latest)
                return (id, true)
            }
            return (id, false)
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        if !fresh { wake.yield() }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) } }
        return stream
    }

    private func finishAll() {
        let all = state.withLock { s in
            s.finished = true
            defer { s.subscribers.removeAll() }
            return Array(s.subscribers.values)
        }
        for c in all { c.finish() }
    }
}

/// A stream's place under the limit, given back once (by `release()` or when dropped).
final class StreamTicket: Sendable {
    private let feed: PageFeed
    private let released = Atomic<Bool>(false)

    init(feed: PageFeed) { self.feed = feed }

    func release() {
        if !released.exchange(true, ordering: .relaxed) { feed.release() }
    }

    deinit { release() }
}
