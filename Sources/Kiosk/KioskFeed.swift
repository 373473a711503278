import Synchronization

/// The kiosk's live state: the latest snapshot (JSON text) and every subscriber's stream.
/// The agent publishes; each open page gets the snapshot at once, then every change.
public final class KioskFeed: Sendable {
    private struct State {
        var snapshot: String
        var subscribers: [Int: AsyncStream<String>.Continuation] = [:]
        var next = 0
    }

    private let state: Mutex<State>

    /// Starts with `initial` as the snapshot.
    public init(initial: String = "{}") {
        state = Mutex(State(snapshot: initial))
    }

    /// The latest snapshot.
    public var snapshot: String { state.withLock { $0.snapshot } }

    /// Replaces the snapshot and sends it to every subscriber (a slow page only ever holds the
    /// newest snapshot, never a growing backlog).
    public func publish(_ snapshot: String) {
        let targets = state.withLock { s in
            s.snapshot = snapshot
            return Array(s.subscribers.values)
        }
        for c in targets { c.yield(snapshot) }
    }

    /// The snapshot now, then each new one, until the stream is dropped.
    public func subscribe() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { s in
            let id = s.next
            s.next += 1
            s.subscribers[id] = continuation
            continuation.yield(s.snapshot)
            return id
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) } }
        return stream
    }

    /// Open pages right now.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }
}
