import PackCore

extension RuleOutcome {
    /// The order stations get: the imported document with the effects written in (`status`
    /// `on_hold`, `priority`, `shipment.carrier`/`service`, inserts added to `flags`) and a `rules`
    /// member saying what applied. A `rules` member in the imported document is dropped: only
    /// the hub's rules may set it (an order system could otherwise lift a supervisor check).
    public func effectiveOrder(_ imported: JSONValue) -> JSONValue {
        guard case .object(var members) = imported else { return imported }
        members.removeAll { $0.0 == "rules" }
        guard !applied.isEmpty else { return .object(members) }
        let e = effects
        if e.holdReason != nil, case .string("ready")? = imported["status"] { members.set("status", "on_hold") }
        if let p = e.priority { members.set("priority", .string(p.rawValue)) }
        if let (carrier, service) = e.carrier, case .object(var shipment)? = imported["shipment"] {
            shipment.set("carrier", .string(carrier))
            shipment.set("service", .string(service))
            members.set("shipment", .object(shipment))
        }
        if !e.inserts.isEmpty {
            var flags: [JSONValue] = if case .array(let f)? = imported["flags"] { f } else { [] }
            for insert in e.inserts where !flags.contains(.string(insert)) { flags.append(.string(insert)) }
            members.set("flags", .array(flags))
        }
        members.append(("rules", summary))
        return .object(members)
    }

    /// The `rules` member of the effective order: what applied and what the bench must do.
    public var summary: JSONValue {
        let e = effects
        var members: [(String, JSONValue)] = [("applied", .array(ruleNames.map(JSONValue.string)))]
        if let reason = e.holdReason { members.append(("hold_reason", .string(reason))) }
        if let s = e.station { members.append(("station", .string(s))) }
        if !e.notices.isEmpty { members.append(("notices", .array(e.notices.map(JSONValue.string)))) }
        if !e.inserts.isEmpty { members.append(("inserts", .array(e.inserts.map(JSONValue.string)))) }
        if let reason = e.supervisor { members.append(("supervisor", .string(reason))) }
        return .object(members)
    }

    /// Each matched rule with what its actions did, for the order's record and history:
    /// `[{"rule": NAME, "changes": [{"action": "priority", "change": "...", "skipped": WHY?}]}]`.
    public func record(from facts: RuleFacts) -> JSONValue {
        .array(applied.map { a in
            .object([
                ("rule", .string(a.rule)),
                ("changes", .array(a.actions.map { action, skipped in
                    var m: [(String, JSONValue)] = [("action", .string(action.kind.rawValue)), ("change", .string(action.describe(from: facts)))]
                    if let skipped { m.append(("skipped", .string(skipped))) }
                    return .object(m)
                })),
            ])
        })
    }
}

extension [(String, JSONValue)] {
    /// Replaces a member's value in place, or appends it.
    mutating func set(_ key: String, _ value: JSONValue) {
        if let i = firstIndex(where: { $0.0 == key }) { self[i].1 = value } else { append((key, value)) }
    }
}
