import PackCore

/// A validated `POST /v1/results` body: every item checked before anything is stored.
public struct ResultBatch: Sendable {
    /// The largest batch accepted.
    public static let maximumItems = 1000

    /// One item.
    public struct Item: Sendable {
        /// The idempotency key.
        public var key: String
        /// `pack_result`, `event` or `load_scan`.
        public var type: String
        /// The order, if any.
        public var orderID: String?
        /// The body as compact JSON text.
        public var body: String
        /// For pack results: the outcome.
        public var outcome: String?
        /// For pack results: the station the body names (must be the token's).
        public var station: String?
        /// For pack results: the block reasons a supervisor overrode (`override.reasons`).
        public var overrides: Set<String> = []
        /// For load scans: the scan (ResultBatch+LoadScan.swift).
        public var loadScan: LoadScan?
        /// SHA-256 of the item without its key, members sorted (`canonicalText`): the same key
        /// sent again with this digest is a retry, with another digest a reused key.
        public var digest: String
        /// The body as parsed, for what storing it changes (the order's state: HubStore+Lifecycle).
        public var document: JSONValue = .null
    }

    /// The items, in the order sent.
    public var items: [Item]

    /// Parses and checks a body; the error names the first bad item and every problem in it.
    public init(bytes: some Collection<UInt8>) throws(HubError) {
        let document: JSONValue
        do { document = try JSONParser.parse(bytes) } catch {
            throw HubError(400, "malformed_json", "The request body is not valid JSON: \(error).")
        }
        guard case .object = document else { throw HubError(422, "wrong_type", "The body must be an object {\"items\": [...]}, not \(document.typeDescription).") }
        guard case .array(let items)? = document["items"] else {
            throw HubError(422, "wrong_type", "The body must have \"items\", an array of results and events.", problems: [.init(path: "items", message: "expected an array, found \(document["items"]?.typeDescription ?? "nothing")")])
        }
        guard (1...Self.maximumItems).contains(items.count) else {
            throw HubError(422, "batch_size", "A batch holds 1 to \(Self.maximumItems) items, not \(items.count).")
        }
        // A key used twice in one batch is taken as two sends: the second is a duplicate of the
        // first when it is the same item and 409 key_reused when it is not (HubStore.store).
        self.items = []
        for (i, item) in items.enumerated() {
            var problems = ProblemList()
            let p = "items[\(i)]"
            let key = Self.string(item["key"], "\(p).key", &problems, maxLength: 200)
            let type = Self.string(item["type"], "\(p).type", &problems)
            if let type, type != "pack_result", type != "event", type != "load_scan" { problems.append("\(p).type", "must be pack_result, event or load_scan, not '\(type)'") }
            var orderID: String?
            switch item["order_id"] {
            case .string(let s)?: orderID = s
            case .null?, nil: break
            case let other?: problems.append("\(p).order_id", "expected a string or null, found \(other.typeDescription)")
            }
            let body = item["body"]
            var outcome: String?
            var overrides: Set<String> = []
            var loadScan: LoadScan?
            if case .object? = body {
                if type == "pack_result" {
                    outcome = Self.checkPackResult(body!, "\(p).body", &problems)
                    overrides = Self.checkOverride(body!["override"], "\(p).body.override", &problems)
                }
                if type == "event" { Self.checkEvent(body!, "\(p).body", &problems) }
                if type == "load_scan" { loadScan = Self.checkLoadScan(body!, orderID: orderID, "\(p).body", &problems) }
            } else {
                problems.append("\(p).body", "expected an object, found \(body?.typeDescription ?? "nothing")")
            }
            guard problems.isEmpty, let key, let type, let body else {
                throw HubError(422, "invalid_item", "Item \(i) of the batch is invalid; nothing in the batch was stored.", item: i, problems: problems)
            }
            // Well-formed, but two order ids that disagree: a conflict (the schema cannot say
            // that they must be equal), refused like a result for another order.
            if type == "pack_result", case .string(let id)? = body["order_id"], id != orderID {
                throw HubError(409, "order_mismatch", "Item \(i): the result is for order '\(id)' but the item names order '\(orderID ?? "null")'; nothing in the batch was stored. Both must name the same order.", item: i)
            }
            var station: String?
            if case .string(let s)? = body["station"] { station = s }
            self.items.append(Item(
                key: key, type: type, orderID: orderID, body: body.jsonText, outcome: outcome, station: station, overrides: overrides, loadScan: loadScan,
                digest: Self.digest(type: type, orderID: orderID, body: body), document: body))
        }
    }

    static func string(_ v: JSONValue?, _ path: @autoclosure () -> String, _ problems: inout ProblemList, maxLength: Int = 10_000, optional: Bool = false) -> String? {
        switch v {
        case .string(let s)?:
            if s.isEmpty || s.count > maxLength { problems.append(path(), "must be 1 to \(maxLength) characters"); return nil }
            return s
        case nil where optional: return nil
        case let other: problems.append(path(), "expected a string, found \(other?.typeDescription ?? "nothing")"); return nil
        }
    }

    static let outcomes: Set<String> = ["packed", "short_shipped", "abandoned", "open"]

    /// The checks of docs/schema/pack-result.schema.json that matter for storing: returns the outcome.
    static func checkPackResult(_ body: JSONValue, _ p: String, _ problems: inout ProblemList) -> String? {
        _ = string(body["order_id"], "\(p).order_id", &problems)
        _ = string(body["station"], "\(p).station", &problems)
        _ = string(body["started_at"], "\(p).started_at", &problems)
        _ = string(body["ended_at"], "\(p).ended_at", &problems)
        let outcome = string(body["outcome"], "\(p).outcome", &problems)
        if let outcome, !outcomes.contains(outcome) { problems.append("\(p).outcome", "must be one of \(outcomes.sorted().joined(separator: ", ")), not '\(outcome)'") }
        for key in ["lines", "scans"] {
            guard case .array(let list)? = body[key] else {
                problems.append("\(p).\(key)", "expected an array, found \(body[key]?.typeDescription ?? "nothing")")
                continue
            }
            for (j, element) in list.enumerated() {
                guard case .object = element else { problems.append("\(p).\(key)[\(j)]", "expected an object, found \(element.typeDescription)"); continue }
                let ints = key == "lines" ? ["expected", "packed", "short"] : ["seq"]
                for field in ints {
                    guard let value = element[field]?.wholeNumber else {
                        problems.append("\(p).\(key)[\(j)].\(field)", "expected a whole number, found \(element[field]?.typeDescription ?? "nothing")")
                        continue
                    }
                    // The schema's minimums: a line expects at least one unit, scans count from 1.
                    let least = field == "expected" || field == "seq" ? 1 : 0
                    if value < least {
                        problems.append("\(p).\(key)[\(j)].\(field)", "must be \(least) or more, not \(value)")
                    }
                }
                _ = string(element[key == "lines" ? "sku" : "data"], "\(p).\(key)[\(j)].\(key == "lines" ? "sku" : "data")", &problems)
            }
        }
        checkBoxes(body["boxes"], "\(p).boxes", &problems)
        return outcome
    }

    /// A pack result's optional `boxes`: `[{number, lines: [{sku, quantity}], weight_g?}]`, as
    /// docs/schema/pack-result.schema.json has them.
    static func checkBoxes(_ value: JSONValue?, _ p: String, _ problems: inout ProblemList) {
        guard let value else { return }
        guard case .array(let boxes) = value, !boxes.isEmpty else {
            problems.append(p, "expected a non-empty array of boxes {number, lines, weight_g}, found \(value.typeDescription)")
            return
        }
        for (j, box) in boxes.enumerated() {
            let q = "\(p)[\(j)]"
            guard case .object(let members) = box else { problems.append(q, "expected an object {number, lines, weight_g}, found \(box.typeDescription)"); continue }
            if let extra = members.first(where: { !["number", "lines", "weight_g"].contains($0.0) }) {
                problems.append("\(q).\(extra.0)", "is not a member of a box; a box has number, lines and weight_g")
            }
            if (box["number"]?.wholeNumber ?? 0) < 1 {
                problems.append("\(q).number", "expected a whole number, at least 1, found \(box["number"].map { $0.jsonText } ?? "nothing")")
            }
            if let weight = box["weight_g"], (weight.wholeNumber ?? 0) < 1 {
                problems.append("\(q).weight_g", "expected a whole number of grams, at least 1")
            }
            guard case .array(let lines)? = box["lines"], !lines.isEmpty else {
                problems.append("\(q).lines", "expected a non-empty array of {sku, quantity}, found \(box["lines"]?.typeDescription ?? "nothing")")
                continue
            }
            for (k, line) in lines.enumerated() {
                guard case .object(let members) = line else { problems.append("\(q).lines[\(k)]", "expected an object {sku, quantity}, found \(line.typeDescription)"); continue }
                if let extra = members.first(where: { $0.0 != "sku" && $0.0 != "quantity" }) {
                    problems.append("\(q).lines[\(k)].\(extra.0)", "is not a member of a box line; a box line has sku and quantity")
                }
                _ = string(line["sku"], "\(q).lines[\(k)].sku", &problems)
                if (line["quantity"]?.wholeNumber ?? 0) < 1 {
                    problems.append("\(q).lines[\(k)].quantity", "expected a whole number, at least 1, found \(line["quantity"].map { $0.jsonText } ?? "nothing")")
                }
            }
        }
    }

    /// `supervisor_approval`: a supervisor approved an order a hub rule requires one for (docs/rules.md).
    static let overridable: Set<String> = ["on_hold", "already_packed", "supervisor_approval"]

    /// A pack result's optional `override` {badge, reasons, at}: returns the reasons overridden.
    static func checkOverride(_ value: JSONValue?, _ p: String, _ problems: inout ProblemList) -> Set<String> {
        guard let value, value != .null else { return [] }
        guard case .object = value else {
            problems.append(p, "expected an object {badge, reasons, at}, found \(value.typeDescription)")
            return []
        }
        _ = string(value["badge"], "\(p).badge", &problems)
        _ = string(value["at"], "\(p).at", &problems)
        guard case .array(let list)? = value["reasons"] else {
            problems.append("\(p).reasons", "expected an array, found \(value["reasons"]?.typeDescription ?? "nothing")")
            return []
        }
        var reasons: Set<String> = []
        for (j, reason) in list.enumerated() {
            guard case .string(let r) = reason, overridable.contains(r) else {
                problems.append("\(p).reasons[\(j)]", "must be on_hold, already_packed or supervisor_approval")
                continue
            }
            reasons.insert(r)
        }
        return reasons
    }

    /// An item's digest: SHA-256 of its type, order id and body, members sorted.
    static func digest(type: String, orderID: String?, body: JSONValue) -> String {
        SHA256.hex(canonicalText(.object([("type", .string(type)), ("order_id", .optional(orderID)), ("body", body)])))
    }

    /// JSON text with every object's members sorted by name: two bodies that differ only in
    /// member order (or whitespace) have the same text, hence the same digest.
    static func canonicalText(_ value: JSONValue) -> String {
        var out = ""
        writeCanonical(value, to: &out)
        return out
    }

    private static func writeCanonical(_ value: JSONValue, to out: inout String) {
        switch value {
        case .array(let elements):
            out += "["
            for (i, e) in elements.enumerated() {
                if i > 0 { out += "," }
                writeCanonical(e, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, m) in members.sorted(by: { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }).enumerated() {
                if i > 0 { out += "," }
                JSONValue.string(m.0).write(to: &out)
                out += ":"
                writeCanonical(m.1, to: &out)
            }
            out += "}"
        default:
            value.write(to: &out)
        }
    }

    static func checkEvent(_ body: JSONValue, _ p: String, _ problems: inout ProblemList) {
        _ = string(body["kind"], "\(p).kind", &problems, maxLength: 100)
        _ = string(body["at"], "\(p).at", &problems)
        if let data = body["data"], case .object = data {} else if body["data"] != nil {
            problems.append("\(p).data", "expected an object, found \(body["data"]!.typeDescription)")
        }
    }
}
