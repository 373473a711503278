import Foundation
import Synchronization

/// The kiosk's live state: the latest snapshot (JSON text) and every subscriber's stream.
/// The agent publishes; each open page gets the snapshot at once, then every change.
///
/// A snapshot may carry marks: the times the scans it answers were read. They are handed to
/// `onShown` once the snapshot (or a newer one) is written on a page's event stream, or at
/// once when no page is open, so the agent can time scan → screen.
public final class KioskFeed: Sendable {
    /// One snapshot and its number (numbers grow with each publication).
    public struct Update: Sendable {
        public var version: Int
        public var text: String
    }

    private struct State {
        var snapshot: String
        var version = 0
        var subscribers: [Int: AsyncStream<Update>.Continuation] = [:]
        var next = 0
        /// Marks published and not yet written on a stream, with the version that carries them.
        var unshown: [(version: Int, scans: [Date])] = []
    }

    private let state: Mutex<State>
    /// Snapshots whose marks wait for a page's stream, at most.
    public static let maximumUnshown = 1024
    private let onShown: @Sendable ([Date]) -> Void

    /// Starts with `initial` as the snapshot; `onShown` gets the marks of each snapshot once it
    /// reached a page (or was published with none open).
    public init(initial: String = "{}", onShown: @escaping @Sendable ([Date]) -> Void = { _ in }) {
        state = Mutex(State(snapshot: initial))
        self.onShown = onShown
    }

    /// The latest snapshot.
    public var snapshot: String { state.withLock { $0.snapshot } }

    /// Replaces the snapshot and sends it to every subscriber (a slow page only ever holds the
    /// newest snapshot, never a growing backlog). `marks`: when the scans it answers were read.
    public func publish(_ snapshot: String, marks: [Date] = []) {
        let (targets, update, shownNow) = state.withLock { s in
            s.snapshot = snapshot
            s.version += 1
            let update = Update(version: s.version, text: snapshot)
            guard !s.subscribers.isEmpty else {
                // No page open: the verdict is on the stream a page gets the moment it opens.
                let shown = s.unshown.flatMap(\.scans) + marks
                s.unshown.removeAll()
                return ([AsyncStream<Update>.Continuation](), update, shown)
            }
            if !marks.isEmpty { s.unshown.append((s.version, marks)) }
            // A page that never reads its stream must not make this list grow all day: past the
            // bound, the oldest count as shown when published again with nothing newer written.
            var overflow: [Date] = []
            if s.unshown.count > Self.maximumUnshown {
                overflow = s.unshown.prefix(s.unshown.count - Self.maximumUnshown).flatMap(\.scans)
                s.unshown.removeFirst(s.unshown.count - Self.maximumUnshown)
            }
            return (Array(s.subscribers.values), update, overflow)
        }
        if !shownNow.isEmpty { onShown(shownNow) }
        for c in targets { c.yield(update) }
    }

    /// A page's event stream has written snapshot `version`: the marks it (and older ones) carry
    /// are shown.
    public func written(version: Int) {
        let shown = state.withLock { s in
            let (done, left) = (s.unshown.filter { $0.version <= version }, s.unshown.filter { $0.version > version })
            s.unshown = left
            return done.flatMap(\.scans)
        }
        if !shown.isEmpty { onShown(shown) }
    }

    /// The snapshot now, then each new one, numbered (`written(version:)` takes the number),
    /// until the stream is dropped.
    public func updates() -> AsyncStream<Update> {
        let (stream, continuation) = AsyncStream.makeStream(of: Update.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { s in
            let id = s.next
            s.next += 1
            s.subscribers[id] = continuation
            continuation.yield(Update(version: s.version, text: s.snapshot))
            return id
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) } }
        return stream
    }

    /// Open pages right now.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }
}
