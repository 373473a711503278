import PackCore

/// An API error: an HTTP status and the JSON body `{"error": {"code", "message", ...}}`.
public struct HubError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The HTTP status code.
    public let status: Int
    /// A stable machine-readable code, e.g. `bad_token`.
    public let code: String
    /// What is wrong and what to do.
    public let message: String
    /// The batch item at fault, when one is.
    public var item: Int?
    /// Field-level problems, `path: message`.
    public var problems: [OrderError.Problem] = []
    /// Whether the answer asks the browser for credentials (the admin token).
    public var wwwAuthenticate = false

    /// Creates an error.
    public init(_ status: Int, _ code: String, _ message: String, item: Int? = nil, problems: [OrderError.Problem] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.item = item
        self.problems = problems
    }

    public var description: String { message }

    /// The response body.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("code", .string(code)), ("message", .string(message))]
        if let item { members.append(("item", .int(item))) }
        if !problems.isEmpty {
            members.append(("problems", .array(problems.map { .object([("path", .string($0.path)), ("message", .string($0.message))]) })))
        }
        return .object([("error", .object(members))])
    }
}
