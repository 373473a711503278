/// Problems found in a document, kept up to a limit and counted beyond it, so a body of
/// millions of bad items costs a count, not millions of messages.
///
/// Paths and messages are autoclosures: past the limit they are never built.
public struct ProblemList: Hashable, Sendable {
    /// How many problems are kept unless told otherwise.
    public static let defaultLimit = 100

    /// The most problems kept.
    public let limit: Int
    /// The first `limit` problems, in the order they were found.
    public private(set) var kept: [OrderError.Problem] = []
    /// Every problem found, kept or not.
    public private(set) var count = 0

    /// An empty list that keeps at most `limit` problems.
    public init(limit: Int = ProblemList.defaultLimit) {
        self.limit = limit
    }

    init(kept: [OrderError.Problem], count: Int) {
        self.limit = max(ProblemList.defaultLimit, kept.count)
        self.kept = kept
        self.count = count
    }

    /// Whether no problem was found.
    public var isEmpty: Bool { count == 0 }

    /// Problems found but not kept.
    public var omitted: Int { count - kept.count }

    /// Adds a problem; its path and message are built only while under the limit.
    public mutating func append(_ path: @autoclosure () -> String, _ message: @autoclosure () -> String) {
        count += 1
        if kept.count < limit { kept.append(OrderError.Problem(path: path(), message: message())) }
    }

    /// Adds a problem.
    public mutating func append(_ problem: OrderError.Problem) {
        append(problem.path, problem.message)
    }

    /// Adds another list's problems (their count included), each path prefixed, e.g. `line 3: `.
    public mutating func append(contentsOf other: ProblemList, prefix: @autoclosure () -> String = "") {
        if kept.count < limit {
            let p = prefix()
            for problem in other.kept.prefix(limit - kept.count) { kept.append(.init(path: p + problem.path, message: problem.message)) }
        }
        count += other.count
    }
}
