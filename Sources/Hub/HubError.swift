import PackCore

/// An API error: an HTTP status and the JSON body `{"error": {"code", "message", ...}}`.
public struct HubError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The most problems an answer describes; the rest are only counted (`problem_count`).
    public static let maximumProblems = ProblemList.defaultLimit

    /// The HTTP status code.
    public let status: Int
    /// A stable machine-readable code, e.g. `bad_token`.
    public let code: String
    /// What is wrong and what to do.
    public let message: String
    /// The batch item at fault, when one is.
    public var item: Int?
    /// Field-level problems, `path: message`: the first ``maximumProblems``.
    public private(set) var problems: [OrderError.Problem] = []
    /// How many problems there were in all (at least `problems.count`).
    public private(set) var problemCount = 0
    /// For 413: the limit the body went over, in bytes.
    public var limit: Int?
    /// Whether the answer asks the browser for credentials (the admin token).
    public var wwwAuthenticate = false

    /// Creates an error; `problems` beyond ``maximumProblems`` are dropped but counted, and
    /// `problemCount` says how many there were when the caller stopped collecting early.
    public init(_ status: Int, _ code: String, _ message: String, item: Int? = nil, problems: [OrderError.Problem] = [], problemCount: Int? = nil, limit: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.item = item
        self.problems = Array(problems.prefix(Self.maximumProblems))
        self.problemCount = max(problemCount ?? 0, problems.count)
        self.limit = limit
    }

    /// Creates an error from problems collected with a limit: the kept ones are described, all counted.
    public init(_ status: Int, _ code: String, _ message: String, item: Int? = nil, problems: ProblemList) {
        self.init(status, code, message, item: item, problems: problems.kept, problemCount: problems.count)
    }

    public var description: String { message }

    /// The response body.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("code", .string(code)), ("message", .string(message))]
        if let item { members.append(("item", .int(item))) }
        if let limit { members.append(("limit", .int(limit))) }
        if problemCount > 0 {
            members.append(("problems", .array(problems.map { .object([("path", .string($0.path)), ("message", .string($0.message))]) })))
            members.append(("problem_count", .int(problemCount)))
        }
        return .object([("error", .object(members))])
    }
}
