import HummingbirdCore
import NIOCore
import Synchronization

/// Keeps the number of open connections at or below a maximum by closing, when a new one comes
/// in over it, the connection that has waited longest for a request (idle or trickling a head).
/// A flood of idle sockets thus costs the attacker their own sockets, not the server's clients.
/// When every connection is answering a request, the server stops accepting until one closes.
public final class ConnectionLimiter: Sendable {
    /// Connections held open at once.
    public let maximum: Int

    struct Entry {
        let channel: any Channel
        /// Since when it waits for a request; nil while a request is read or answered.
        var waitingSince: NIODeadline?
    }

    struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var waiting = 0
        var statistics = Statistics()
    }

    /// What the limiter and the timeouts have done so far.
    public struct Statistics: Sendable, Hashable {
        /// Connections currently open.
        public var open = 0
        /// Connections closed to make room for a new one.
        public var shed = 0
        /// Connections closed by the idle timeout.
        public var idleTimeouts = 0
        /// Connections closed by the request-head timeout.
        public var headTimeouts = 0
        /// Connections closed because a request body stalled.
        public var bodyTimeouts = 0
    }

    private let state = Mutex(State())

    /// Creates a limiter for `maximum` connections.
    public init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    /// The counts so far.
    public var statistics: Statistics {
        state.withLock { s in
            var copy = s.statistics
            copy.open = s.entries.count
            return copy
        }
    }

    /// The delegate for Hummingbird's `ApplicationConfiguration.availableConnectionsDelegate`.
    public var availableConnections: some AvailableConnectionsDelegate { Availability(limiter: self) }

    struct Availability: AvailableConnectionsDelegate {
        let limiter: ConnectionLimiter
        func connectionOpened() {}
        func connectionClosed() {}
        func isAcceptingNewConnections() -> Bool {
            limiter.state.withLock { $0.entries.count < limiter.maximum || $0.waiting > 0 }
        }
    }

    func register(_ channel: any Channel, now: NIODeadline) {
        let victim: (any Channel)? = state.withLock { s in
            s.entries[ObjectIdentifier(channel)] = Entry(channel: channel, waitingSince: now)
            s.waiting += 1
            guard s.entries.count > maximum else { return nil }
            var oldest: (key: ObjectIdentifier, since: NIODeadline)?
            for (key, entry) in s.entries where key != ObjectIdentifier(channel) {
                if let since = entry.waitingSince, since < (oldest?.since ?? .distantFuture) { oldest = (key, since) }
            }
            guard let oldest, let entry = s.entries.removeValue(forKey: oldest.key) else { return nil }
            s.waiting -= 1
            s.statistics.shed += 1
            return entry.channel
        }
        victim?.close(promise: nil)
    }

    func setWaiting(_ channel: any Channel, since: NIODeadline?) {
        state.withLock { s in
            let key = ObjectIdentifier(channel)
            guard let entry = s.entries[key] else { return }
            s.entries[key]?.waitingSince = since
            s.waiting += (since == nil ? 0 : 1) - (entry.waitingSince == nil ? 0 : 1)
        }
    }

    func unregister(_ channel: any Channel, expiry: ConnectionTimeouts.Expiry?) {
        state.withLock { s in
            if let entry = s.entries.removeValue(forKey: ObjectIdentifier(channel)), entry.waitingSince != nil { s.waiting -= 1 }
            switch expiry {
            case .idle?: s.statistics.idleTimeouts += 1
            case .head?: s.statistics.headTimeouts += 1
            case .body?: s.statistics.bodyTimeouts += 1
            case nil: break
            }
        }
    }
}
