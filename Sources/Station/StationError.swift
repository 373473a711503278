/// An error for the person at the bench or the admin: what failed and what to do.
public struct StationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable machine-readable code, e.g. `scans.binary`.
    public let code: String
    /// The sentence shown to the person.
    public let message: String

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
