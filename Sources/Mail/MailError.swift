/// Why a message was not sent, written for the admin: what failed, what to do, and whether
/// trying again later may help.
public struct MailError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure, which decides what a sender does next.
    public enum Kind: String, Hashable, Sendable {
        /// A 4xx reply, or the connection failed or timed out before the message was complete:
        /// nothing was delivered; try again later.
        case transient
        /// A 5xx reply, or a refusal on this side (bad address, no TLS where required, a
        /// certificate not trusted): trying again the same way fails the same way.
        case permanent
        /// The connection failed or timed out after the end of the message was sent and
        /// before the server answered: it may have been delivered. Sending again may send it twice.
        case unknownOutcome = "unknown_outcome"
    }

    /// Stable codes for callers and tests.
    public enum Code: String, Hashable, Sendable {
        case badAddress = "bad_address"
        case badMessage = "bad_message"
        case connect
        case timeout
        case connectionLost = "connection_lost"
        case protocolError = "protocol"
        case tls
        case auth
        case reply
        case tooLarge = "too_large"
    }

    /// What kind of failure.
    public let kind: Kind
    /// Which failure.
    public let code: Code
    /// What failed and what to do.
    public let message: String
    /// The server's reply code, when a reply caused it.
    public let replyCode: Int?

    /// Creates an error; `kind` defaults from the reply code (4xx transient, else permanent).
    public init(_ code: Code, _ message: String, kind: Kind? = nil, replyCode: Int? = nil) {
        self.code = code
        self.message = message
        self.replyCode = replyCode
        self.kind = kind ?? (replyCode.map { (400..<500).contains($0) } == true ? .transient : .permanent)
    }

    public var description: String { message }
}
