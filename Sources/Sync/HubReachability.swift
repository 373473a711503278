import Foundation
import Synchronization

/// Whether the server is known to be down, from every exchange the agent has with it (the
/// outbox drain, heartbeats, lookups, prefetches all go through one `HubClient`). While it is
/// down, order lookups answer from the cache at once instead of waiting for a timeout, and the
/// prefetch service probes in the background; the first exchange that succeeds flips it back
/// and wakes whoever waits for the server's return (the prefetch, to catch up).
public final class HubReachability: Sendable {
    struct State {
        var down = false
        var since: ContinuousClock.Instant?
        /// The last time anyone tried the server while it was down.
        var lastAttempt: ContinuousClock.Instant?
        var returns = 0
        var probed = false
        var listeners: [UUID: AsyncStream<Bool>.Continuation] = [:]
    }

    private let state = Mutex(State())

    /// Creates a state that assumes the server is up until an exchange fails.
    public init() {}

    /// True while the last exchange with the server failed for want of a server.
    public var isDown: Bool { state.withLock { $0.down } }

    /// How many times the server came back after being down.
    public var returns: Int { state.withLock { $0.returns } }

    /// An exchange reached the server.
    public func succeeded() {
        let wake: [AsyncStream<Bool>.Continuation] = state.withLock { s in
            guard s.down else { return [] }
            s.down = false
            s.since = nil
            s.returns += 1
            return Array(s.listeners.values)
        }
        for c in wake { c.yield(true) }
    }

    /// An exchange could not reach the server (no connection, timeout, a gateway's 502-504).
    public func failed() {
        let now = ContinuousClock.now
        let wake: [AsyncStream<Bool>.Continuation] = state.withLock { s in
            s.lastAttempt = now
            guard !s.down else { return [] }
            s.down = true
            s.since = now
            return Array(s.listeners.values)
        }
        for c in wake { c.yield(false) }
    }

    /// A background prober runs (the prefetch service): lookups never try a down server
    /// themselves. Without one, a lookup tries again once `retry` has passed since the last try.
    public func setProbedInBackground(_ probed: Bool) { state.withLock { $0.probed = probed } }

    /// Whether a lookup should skip the server now: it is down, and either someone probes it
    /// in the background or it was tried less than `retry` ago.
    public func skipServer(retry: Duration) -> Bool {
        let now = ContinuousClock.now
        return state.withLock { s in
            guard s.down else { return false }
            if s.probed { return true }
            if let last = s.lastAttempt, now - last < retry { return true }
            s.lastAttempt = now
            return false
        }
    }

    /// Each change: true when the server came back, false when it went down.
    public func changes() -> AsyncStream<Bool> {
        let (stream, continuation) = AsyncStream.makeStream(of: Bool.self, bufferingPolicy: .bufferingNewest(4))
        let id = UUID()
        state.withLock { $0.listeners[id] = continuation }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.listeners.removeValue(forKey: id) } }
        return stream
    }

    /// Whether an error means the server could not be reached (rather than refusing).
    public static func meansDown(_ error: SyncError) -> Bool {
        error.code == "sync.unreachable" || ["sync.http502", "sync.http503", "sync.http504"].contains(error.code)
    }
}
