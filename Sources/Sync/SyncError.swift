/// A sync failure, written for the admin: what failed and what to do.
public struct SyncError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Whether trying again later can help.
    public enum Kind: Hashable, Sendable {
        /// The server or network is down or busy: retry with backoff.
        case transient
        /// The request itself is wrong (configuration, token): retrying as-is will not help.
        case permanent
        /// The server refused one entry of a batch (by index): the rest may go on.
        case rejectedItem(Int)
    }

    /// A stable machine-readable code, e.g. `sync.unreachable`.
    public let code: String
    /// The sentence shown to the person.
    public let message: String
    /// Whether a retry can help.
    public let kind: Kind
    /// How long the server asked us to wait (`Retry-After`), if it did.
    public let retryAfter: Duration?
    /// The server's own error code (`key_reused`, `not_your_order`, ...), when it sent one.
    public var serverCode: String?
    /// The server's own message (with its field problems), when it sent one.
    public var serverMessage: String?

    /// Creates an error.
    public init(code: String, message: String, kind: Kind = .permanent, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.kind = kind
        self.retryAfter = retryAfter
    }

    public var description: String { message }
}
