import PackCore

extension HubAPI {
    static let statusKeys: Set<String> = ["scanners", "printers", "outbox_pending", "oldest_pending_at", "agent_version"]

    /// The heartbeat body: `scanners` and `printers` arrays of {name, state, detail?}, plus the
    /// agent's outbox figures. Problems are counted in full but only the first
    /// ``HubError/maximumProblems`` are described, so a body of millions of bad entries gets a
    /// small answer.
    static func checkStatus(_ doc: JSONValue) throws(HubError) -> JSONValue {
        guard case .object(let members) = doc else { throw HubError(422, "wrong_type", "The body must be an object, not \(doc.typeDescription).") }
        var problems = ProblemList()
        for (key, _) in members where !statusKeys.contains(key) {
            problems.append(key, "unknown field; expected \(statusKeys.sorted().joined(separator: ", "))")
        }
        for key in ["scanners", "printers"] {
            guard let list = doc[key] else { continue }
            guard case .array(let devices) = list else { problems.append(key, "expected an array, found \(list.typeDescription)"); continue }
            for (i, d) in devices.enumerated() {
                for field in ["name", "state"] {
                    guard case .string? = d[field] else {
                        problems.append("\(key)[\(i)].\(field)", "expected a string, found \(d[field]?.typeDescription ?? "nothing")")
                        continue
                    }
                }
                if let detail = d["detail"], !detail.isString {
                    problems.append("\(key)[\(i)].detail", "expected a string, found \(detail.typeDescription)")
                }
            }
        }
        if let v = doc["agent_version"], !v.isString {
            problems.append("agent_version", "expected a string, found \(v.typeDescription)")
        }
        if let v = doc["oldest_pending_at"] {
            switch v {
            case .null: break
            case .string(let s) where isDateTime(s): break
            default: problems.append("oldest_pending_at", "expected a date-time such as 2026-12-04T10:00:00Z or null, found \(describe(v))")
            }
        }
        if let p = doc["outbox_pending"] {
            if let count = p.wholeNumber, count >= 0 {} else {
                problems.append("outbox_pending", "expected a whole number >= 0, found \(describe(p))")
            }
        }
        guard problems.isEmpty else {
            throw HubError(422, "wrong_type", "The status body has \(problems.count) problem(s); nothing was stored.", problems: problems)
        }
        return doc
    }

    /// An RFC 3339 date-time (`2026-12-04T10:00:00Z`, `2026-12-04T10:00:00.250+01:00`), as the
    /// OpenAPI document's `format: date-time` says.
    static func isDateTime(_ s: String) -> Bool {
        s.wholeMatch(of: /\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)/) != nil
    }
}
