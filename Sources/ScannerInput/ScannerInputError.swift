/// An error from scanner input, written for the installer: what failed and what to do.
public struct ScannerInputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable machine-readable code, e.g. `capture.truncated`.
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
