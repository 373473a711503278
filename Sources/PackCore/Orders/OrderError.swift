/// Why an order document was refused: the first problems found (up to
/// `ProblemList.defaultLimit`), each with the path of the field, and how many there were in all.
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

    /// The first problems, in document order (at most `ProblemList.defaultLimit`).
    public let problems: [Problem]
    /// How many problems were found in all; more than `problems.count` when some were not kept.
    public let totalCount: Int

    /// Creates the error; past `ProblemList.defaultLimit`, problems are counted, not kept.
    public init(problems: [Problem]) {
        self.problems = Array(problems.prefix(ProblemList.defaultLimit))
        self.totalCount = problems.count
    }

    /// Creates the error from a bounded list.
    public init(_ list: ProblemList) {
        self.problems = list.kept
        self.totalCount = list.count
    }

    /// The problems as a bounded list, to add to another.
    public var list: ProblemList { ProblemList(kept: problems, count: totalCount) }

    /// The first 50 problems, one per line, and how many more there are.
    public var description: String {
        let shown = problems.prefix(50).map { "  \($0)" }
        let more = totalCount > 50 ? ["  … and \(totalCount - 50) more"] : []
        return "the order is not valid (\(totalCount) problem\(totalCount == 1 ? "" : "s")):\n"
            + (shown + more).joined(separator: "\n")
    }
}
