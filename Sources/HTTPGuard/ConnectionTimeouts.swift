import NIOCore

/// The timeouts of one connection as a state machine: events in, the deadline (and whether to
/// close) out. No clock and no I/O inside, so every case is a table-driven test.
struct ConnectionTimeouts: Sendable, Hashable {
    /// Where the connection is in its request/response cycle.
    enum Phase: Sendable, Hashable {
        /// Waiting for the first byte of a request (a new connection, or between requests).
        case idle
        /// Bytes of a request have come, its head has not been decoded yet.
        case readingHead
        /// The head came; the body is still arriving.
        case readingBody
        /// The request is read; the server is answering it.
        case answering
    }

    /// Why a connection was closed.
    enum Expiry: String, Sendable, Hashable {
        case idle, head, body
    }

    let headTimeout: TimeAmount
    let idleTimeout: TimeAmount
    private(set) var phase = Phase.idle
    /// When the current phase runs out; nil while the server is answering (its own business).
    private(set) var deadline: NIODeadline?
    /// Requests whose head came and whose response has not ended (HTTP/1.1 pipelining).
    private(set) var inFlight = 0

    init(headTimeout: TimeAmount, idleTimeout: TimeAmount, now: NIODeadline) {
        self.headTimeout = headTimeout
        self.idleTimeout = idleTimeout
        self.deadline = now + idleTimeout
    }

    /// Whether the connection may be closed to make room for another (nothing is being answered).
    var isWaitingForRequest: Bool { phase == .idle || phase == .readingHead }

    /// Bytes arrived from the client.
    mutating func bytesReceived(now: NIODeadline) {
        switch phase {
        case .idle:
            // The head's clock starts at its first byte and does not move as more trickle in.
            phase = .readingHead
            deadline = now + headTimeout
        case .readingBody:
            deadline = now + idleTimeout
        case .readingHead, .answering:
            break
        }
    }

    /// A request head was decoded.
    mutating func headReceived(now: NIODeadline) {
        inFlight += 1
        phase = .readingBody
        deadline = now + idleTimeout
    }

    /// The request's end (after its body) was decoded.
    mutating func requestEnded() {
        if phase == .readingBody || phase == .readingHead {
            phase = .answering
            deadline = nil
        }
    }

    /// A response ended.
    mutating func responseEnded(now: NIODeadline) {
        inFlight = max(0, inFlight - 1)
        if inFlight == 0 && phase == .answering {
            phase = .idle
            deadline = now + idleTimeout
        }
    }

    /// The timer fired: the reason to close now, or nil (the deadline moved or is gone).
    func expired(now: NIODeadline) -> Expiry? {
        guard let deadline, now >= deadline else { return nil }
        switch phase {
        case .idle: return .idle
        case .readingHead: return .head
        case .readingBody: return .body
        case .answering: return nil
        }
    }
}
