/// Why a GS1 key or element string is not valid, worded for the person at the bench.
public struct GS1Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong ("AI (17): month 13 is not a month").
    public let reason: String

    /// Creates the error.
    public init(_ reason: String) { self.reason = reason }

    /// The reason.
    public var description: String { reason }
}
