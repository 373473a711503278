/// A printing failure, written for the person at the bench: what failed and what to do.
public struct PrinterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable code, e.g. `printer.paper_out`, `printer.unreachable`.
    public let code: String
    /// What failed and what to do.
    public let message: String
    /// Whether trying again later can succeed (offline, paper out) rather than needing a fix (bad URI).
    public let isTransient: Bool

    /// Creates an error.
    public init(code: String, message: String, isTransient: Bool = false) {
        self.code = code
        self.message = message
        self.isTransient = isTransient
    }

    public var description: String { message }
}
