import PackCore

extension HubAPI {
    static let statusKeys: Set<String> = ["scanners", "printers", "outbox_pending", "oldest_pending_at", "agent_version"]

    /// The heartbeat body: `scanners` and `printers` arrays of {name, state, detail?}, plus the
    /// agent's outbox figures. Problems are counted in full but only the first
    /// ``HubError/maximumProblems`` are described, so a body of millions of bad entries gets a
    /// small answer.
    static func checkStatus(_ doc: JSONValue) throws(HubError) -> JSONValue {
        guard case .object(let members) = doc else { throw HubError(422, "wrong_type", "The body must be an object, not \(doc.typeDescription).") }
        var problems = BoundedProblems()
        for (key, _) in members where !statusKeys.contains(key) {
            problems.append(key) { "unknown field; expected \(statusKeys.sorted().joined(separator: ", "))" }
        }
        for key in ["scanners", "printers"] {
            guard let list = doc[key] else { continue }
            guard case .array(let devices) = list else { problems.append(key) { "expected an array, found \(list.typeDescription)" }; continue }
            for (i, d) in devices.enumerated() {
                for field in ["name", "state"] {
                    guard case .string? = d[field] else {
                        problems.append("\(key)[\(i)].\(field)") { "expected a string, found \(d[field]?.typeDescription ?? "nothing")" }
                        continue
                    }
                }
            }
        }
        if let p = doc["outbox_pending"] {
            if case .number(let n) = p, let count = Int(n), count >= 0 {} else {
                problems.append("outbox_pending") { "expected a whole number >= 0, found \(describe(p))" }
            }
        }
        guard problems.total == 0 else {
            throw HubError(422, "wrong_type", "The status body has \(problems.total) problem(s); nothing was stored.", problems: problems.items, problemCount: problems.total)
        }
        return doc
    }
}

/// Problems collected up to ``HubError/maximumProblems`` and counted beyond: the message (and
/// its path) of a problem past the limit is never built.
struct BoundedProblems {
    private(set) var items: [OrderError.Problem] = []
    private(set) var total = 0

    mutating func append(_ path: @autoclosure () -> String, _ message: () -> String) {
        total += 1
        if items.count < HubError.maximumProblems { items.append(.init(path: path(), message: message())) }
    }
}
