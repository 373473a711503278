/// A problem making a label, written for the person who has to fix it (the admin editing a
/// template, or the one who sent the order).
public struct LabelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable code, e.g. `template.unknown_field`.
    public let code: String
    /// What is wrong and what to do.
    public let message: String

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
