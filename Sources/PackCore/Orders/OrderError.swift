/// Why an order document was refused: every problem found, each with the path of the field.
///
/// An order is either loaded whole or not at all; nothing half-valid gets through.
public struct OrderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One thing wrong with one field.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// Where, as a JSON path: `lines[2].quantity`, or `$` for the document itself.
        public let path: String
        /// What is wrong and, where it helps, what was found.
        public let message: String

        /// Creates a problem.
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }

        public var description: String { "\(path): \(message)" }
    }

    /// Every problem, in document order.
    public let problems: [Problem]

    /// Creates the error.
    public init(problems: [Problem]) { self.problems = problems }

    /// All problems, one per line.
    public var description: String {
        let shown = problems.prefix(50).map { "  \($0)" }
        let more = problems.count > 50 ? ["  … and \(problems.count - 50) more"] : []
        return "the order is not valid (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n"
            + (shown + more).joined(separator: "\n")
    }
}
