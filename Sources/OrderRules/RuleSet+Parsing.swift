import PackCore
import TOML

extension RuleSet {
    /// Reads and checks a rules file's text (docs/rules.md); `file` names it in messages.
    public init(parsing text: String, file: String) throws(RulesError) {
        let document: TOMLDocument
        do { document = try TOMLDocument(parsing: text) } catch {
            throw RulesError(file: file, line: error.line, error.message)
        }
        var reader = RulesReader(file: file)
        var rules: [Rule] = []
        var names: [String: Int] = [:]
        for (key, value, line) in document.root.entries {
            guard key == "rule" else {
                reader.fail(line, "'\(key)' is not a key of a rules file; write each rule as a [[rule]] table with name, [rule.when] and [rule.then]")
                continue
            }
            guard case .tables(let tables) = value else {
                reader.fail(line, "rules are written [[rule]] (two brackets), one table per rule, not \(value.typeName)")
                continue
            }
            guard tables.count <= Self.maximumRules else {
                reader.fail(line, "the file has \(tables.count) rules; at most \(Self.maximumRules) are read. Merge rules that do the same with lists of values")
                continue
            }
            for table in tables {
                guard let rule = reader.rule(table, fallbackLine: line) else { continue }
                if let first = names[rule.name] {
                    reader.fail(rule.line, "the rule name \"\(rule.name)\" is used twice (first on line \(first)); give each rule its own name, as orders record it")
                    continue
                }
                names[rule.name] = rule.line
                rules.append(rule)
            }
        }
        guard reader.problems.isEmpty else { throw RulesError(problems: reader.problems.sorted { $0.line < $1.line }) }
        self.init(rules: rules, file: file)
    }
}

/// Reads rule tables, collecting every problem rather than stopping at the first.
struct RulesReader {
    let file: String
    var problems: [RulesError.Problem] = []

    mutating func fail(_ line: Int, _ message: String) { problems.append(.init(file: file, line: line, message: message)) }

    static let conditionKeys = ["country", "postcode", "value", "priority", "flags", "sku", "weight_g", "channel"]
    static let actionKeys = ["hold", "priority", "station", "carrier", "service", "notice", "insert", "supervisor"]
    static let priorities = Order.Priority.allCases.map(\.rawValue).joined(separator: ", ")

    mutating func rule(_ table: TOMLDocument.Table, fallbackLine: Int) -> Rule? {
        let entries = table.entries
        let line = entries.map(\.line).min() ?? fallbackLine
        let before = problems.count
        var name: String?
        var stop = false
        var conditions: [Condition] = []
        var actions: [Action] = []
        var sawThen = false
        for (key, value, at) in entries {
            switch (key, value) {
            case ("name", .string(let s)):
                let trimmed = s.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.count > 100 { fail(at, "a rule's name is 1 to 100 characters, e.g. name = \"Canary Islands by sea\"") } else { name = trimmed }
            case ("stop", .bool(let b)): stop = b
            case ("when", .table(let when)): conditions = self.conditions(when)
            case ("then", .table(let then)): sawThen = true; actions = self.actions(then, line: at)
            case ("name", _), ("stop", _), ("when", _), ("then", _):
                let want = ["name": "a string, e.g. name = \"Heavy parcels\"", "stop": "true or false", "when": "a table: [rule.when]", "then": "a table: [rule.then]"][key]!
                fail(at, "\(key) must be \(want), not \(value.typeName)")
            default:
                let hint = Self.conditionKeys.contains(key) ? "; conditions go under [rule.when]" : Self.actionKeys.contains(key) ? "; actions go under [rule.then]" : ""
                fail(at, "'\(key)' is not a key of [[rule]]; a rule has name, stop, [rule.when] and [rule.then]\(hint)")
            }
        }
        if name == nil, !problems[before...].contains(where: { $0.message.hasPrefix("a rule's name") || $0.message.hasPrefix("name must") }) {
            fail(line, "this rule has no name; add name = \"…\" under its [[rule]] (orders record the rules that applied by name)")
        }
        if !sawThen { fail(line, "rule \"\(name ?? "?")\" has no actions; add [rule.then] with at least one of \(Self.actionKeys.filter { $0 != "service" }.joined(separator: ", "))") }
        guard problems.count == before, let name else { return nil }
        return Rule(name: name, line: line, conditions: conditions, actions: actions, stop: stop)
    }

    // MARK: Conditions

    mutating func conditions(_ table: TOMLDocument.Table) -> [Condition] {
        var out: [Condition] = []
        for (key, value, line) in table.entries {
            let condition: Condition?
            switch key {
            case "country":
                condition = strings(value, "when.country", line, example: "[\"ES\", \"PT\"]").flatMap { list in
                    let bad = list.filter { !Self.isCode($0, length: 2) }
                    guard bad.isEmpty else { fail(line, "when.country: \(bad.map { "\"\($0)\"" }.joined(separator: ", ")) is not a two-letter ISO 3166 code in capitals, such as \"ES\""); return nil }
                    return .country(Set(list))
                }
            case "postcode": condition = postcode(value, line)
            case "value": condition = money(value, line)
            case "priority":
                condition = strings(value, "when.priority", line, example: "[\"standard\"]").flatMap { list in
                    let found = list.compactMap(Order.Priority.init(rawValue:))
                    guard found.count == list.count else {
                        fail(line, "when.priority: \(list.filter { Order.Priority(rawValue: $0) == nil }.map { "\"\($0)\"" }.joined(separator: ", ")) is not a priority; the priorities are \(Self.priorities)")
                        return nil
                    }
                    return .priority(Set(found))
                }
            case "flags": condition = flags(value, line)
            case "sku": condition = strings(value, "when.sku", line, example: "[\"MUG-01\"]").map { .sku(Set($0)) }
            case "weight_g":
                condition = bounds(value, "when.weight_g", line, example: "{ min = 20000, max = 31500 }", unit: "grams").map { .weight(min: $0.min, max: $0.max) }
            case "channel": condition = strings(value, "when.channel", line, example: "[\"amazon\"]").map { .channel(Set($0)) }
            case "weight":
                fail(line, "weights are in grams, as the lines' weight_g: write weight_g = { min = 20000, max = 31500 }")
                condition = nil
            default:
                let hint = Self.actionKeys.contains(key) ? " ('\(key)' is an action: put it under [rule.then])" : ""
                fail(line, "'\(key)' is not a condition; [rule.when] takes \(Self.conditionKeys.joined(separator: ", "))\(hint)")
                condition = nil
            }
            if let condition { out.append(condition) }
        }
        return out
    }

    private mutating func postcode(_ value: TOMLDocument.Value, _ line: Int) -> Condition? {
        guard case .table(let table) = value else {
            fail(line, "when.postcode takes ranges per country: postcode = { ES = [\"28000-28999\", \"35\"] }, not \(value.typeName)")
            return nil
        }
        var byCountry: [String: [PostcodeRange]] = [:]
        for (country, ranges, at) in table.entries {
            guard Self.isCode(country, length: 2) else { fail(at, "when.postcode: '\(country)' is not a two-letter ISO 3166 code in capitals, such as ES"); continue }
            guard let list = strings(ranges, "when.postcode.\(country)", at, example: "[\"28000-28999\"]") else { continue }
            var parsed: [PostcodeRange] = []
            for text in list {
                if let range = postcodeRange(text, at) { parsed.append(range) }
            }
            byCountry[country] = parsed
        }
        guard !byCountry.isEmpty else { fail(line, "when.postcode is empty; give ranges per country, e.g. postcode = { ES = [\"28000-28999\"] }"); return nil }
        return .postcode(byCountry)
    }

    private mutating func postcodeRange(_ text: String, _ line: Int) -> PostcodeRange? {
        let parts: [String] = if let dots = text.range(of: "..") {
            [String(text[..<dots.lowerBound]), String(text[dots.upperBound...])]
        } else if text.filter({ $0 == "-" }).count == 1 {
            text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        } else {
            [text, text]
        }
        let low = PostcodeRange.normalize(parts[0]), high = PostcodeRange.normalize(parts[1])
        guard !low.isEmpty, !high.isEmpty, low.count <= 20, high.count <= 20 else {
            fail(line, "when.postcode: \"\(text)\" is not a range; write LOW-HIGH (\"28000-28999\"), a prefix (\"35\"), or LOW..HIGH for codes with a dash (\"1000-001..1999-999\")")
            return nil
        }
        let range = PostcodeRange(low: low, high: high)
        guard !high.utf8.lexicographicallyPrecedes(low.utf8.prefix(high.utf8.count)) else {
            fail(line, "when.postcode: the range \"\(text)\" holds no postcode (\(parts[0]) comes after \(parts[1])); write the lower bound first, and for postcodes with a dash use '..', e.g. \"1000-001..1000-999\"")
            return nil
        }
        return range
    }

    private mutating func money(_ value: TOMLDocument.Value, _ line: Int) -> Condition? {
        let example = "value = { min = \"100.00\", max = \"999.99\", currency = \"EUR\" }"
        guard case .table(let table) = value else { fail(line, "when.value must be a table: \(example)"); return nil }
        var min: Int?, max: Int?, currency: String?, ok = true
        for (key, v, at) in table.entries {
            switch (key, v) {
            case ("currency", .string(let c)) where Self.isCode(c, length: 3): currency = c
            case ("currency", _): fail(at, "when.value.currency must be a three-letter ISO 4217 code in capitals, such as \"EUR\""); ok = false
            case ("min", _), ("max", _):
                let amount: Int? = switch v {
                case .integer(let n): n >= 0 && n <= Int.max / 100 ? n * 100 : nil
                case .string(let s): Money(amount: s, currency: "EUR").hundredths
                case .float(let d): d.isFinite ? Money(amount: String(d), currency: "EUR").hundredths : nil
                default: nil
                }
                guard let amount else { fail(at, "when.value.\(key) must be an amount with at most two decimals, such as \"49.90\" or 50, not \(Self.show(v))"); ok = false; continue }
                if key == "min" { min = amount } else { max = amount }
            default: fail(at, "'\(key)' is not a key of when.value; it takes min, max and currency: \(example)"); ok = false
            }
        }
        guard ok else { return nil }
        guard let currency else { fail(line, "when.value needs currency = \"EUR\" (orders in another currency never match: amounts are not converted)"); return nil }
        guard min != nil || max != nil else { fail(line, "when.value needs min, max or both: \(example)"); return nil }
        if let min, let max, min > max { fail(line, "when.value: min is above max, so no order matches; swap them"); return nil }
        return .value(min: min, max: max, currency: currency)
    }

    private mutating func flags(_ value: TOMLDocument.Value, _ line: Int) -> Condition? {
        let example = "flags = { any = [\"fragile\"], none = [\"gift\"] }"
        guard case .table(let table) = value else { fail(line, "when.flags must say how the flags match: \(example) (any, all, none)"); return nil }
        var any: [String] = [], all: [String] = [], none: [String] = [], ok = true
        for (key, v, at) in table.entries {
            guard ["any", "all", "none"].contains(key) else { fail(at, "'\(key)' is not a key of when.flags; it takes any, all and none: \(example)"); ok = false; continue }
            guard let list = strings(v, "when.flags.\(key)", at, example: "[\"fragile\"]") else { ok = false; continue }
            switch key {
            case "any": any = list
            case "all": all = list
            default: none = list
            }
        }
        guard ok else { return nil }
        guard !(any.isEmpty && all.isEmpty && none.isEmpty) else { fail(line, "when.flags names no flag; \(example)"); return nil }
        return .flags(any: any, all: all, none: none)
    }

    private mutating func bounds(_ value: TOMLDocument.Value, _ name: String, _ line: Int, example: String, unit: String) -> (min: Int?, max: Int?)? {
        guard case .table(let table) = value else { fail(line, "\(name) must be a table: \(name.split(separator: ".").last!) = \(example)"); return nil }
        var min: Int?, max: Int?, ok = true
        for (key, v, at) in table.entries {
            guard key == "min" || key == "max" else { fail(at, "'\(key)' is not a key of \(name); it takes min and max (\(unit))"); ok = false; continue }
            guard case .integer(let n) = v, n >= 0 else { fail(at, "\(name).\(key) must be a whole number of \(unit), 0 or more, not \(Self.show(v))"); ok = false; continue }
            if key == "min" { min = n } else { max = n }
        }
        guard ok else { return nil }
        guard min != nil || max != nil else { fail(line, "\(name) needs min, max or both: \(example)"); return nil }
        if let min, let max, min > max { fail(line, "\(name): min is above max, so no order matches; swap them"); return nil }
        return (min, max)
    }

    // MARK: Actions

    mutating func actions(_ table: TOMLDocument.Table, line: Int) -> [Action] {
        var out: [Action] = []
        var carrier: (String, Int)?, service: (String, Int)?
        for (key, value, at) in table.entries {
            switch key {
            case "hold":
                if let reason = text(value, "then.hold", at, example: "hold = \"Address to check with the customer\"", what: "the reason the supervisor and the packer see") { out.append(.hold(reason: reason)) }
            case "priority":
                guard case .string(let s) = value, let p = Order.Priority(rawValue: s) else {
                    fail(at, "then.priority must be one of \(Self.priorities), not \(Self.show(value))")
                    continue
                }
                out.append(.priority(p))
            case "station":
                guard case .string(let s) = value, !s.isEmpty, s.count <= 64, s.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    fail(at, "then.station must be a station's name as `packstation-hub station add` took it (1 to 64 letters, digits, '-', '_' or '.'), not \(Self.show(value))")
                    continue
                }
                out.append(.station(s))
            case "carrier", "service":
                guard let s = text(value, "then.\(key)", at, example: key == "carrier" ? "carrier = \"UPS\"" : "service = \"Ground\"", what: "its name", maxLength: 100) else { continue }
                if key == "carrier" { carrier = (s, at) } else { service = (s, at) }
                // In file order, where the second of the pair is written.
                if let (c, _) = carrier, let (s, _) = service { out.append(.carrier(c, service: s)) }
            case "notice", "insert":
                let list: [String]? = if case .string(let s) = value { [s] } else { strings(value, "then.\(key)", at, example: key == "notice" ? "\"Fragile: pack in bubble wrap\"" : "\"catalogue-es\"") }
                guard let list else { continue }
                for item in list {
                    guard !item.trimmingCharacters(in: .whitespaces).isEmpty, item.count <= (key == "insert" ? 100 : 500) else {
                        fail(at, "then.\(key): each \(key) is 1 to \(key == "insert" ? 100 : 500) characters")
                        continue
                    }
                    out.append(key == "notice" ? .notice(item) : .insert(item))
                }
            case "supervisor":
                if let reason = text(value, "then.supervisor", at, example: "supervisor = \"Value over 2,000 EUR: check every serial\"", what: "the reason the kiosk shows while it waits for the badge") {
                    out.append(.supervisor(reason: reason))
                }
            default:
                let hint = Self.conditionKeys.contains(key) ? " ('\(key)' is a condition: put it under [rule.when])" : ""
                fail(at, "'\(key)' is not an action; [rule.then] takes \(Self.actionKeys.joined(separator: ", "))\(hint)")
            }
        }
        switch (carrier, service) {
        case (_?, _?): break
        case let ((c, at)?, nil): fail(at, "then.carrier = \"\(c)\" needs its service too, e.g. service = \"Ground\" (services are carrier-specific)")
        case let (nil, (_, at)?): fail(at, "then.service needs the carrier it belongs to, e.g. carrier = \"UPS\"")
        case (nil, nil): break
        }
        if out.isEmpty, table.entries.isEmpty { fail(line, "[rule.then] is empty; give at least one of \(Self.actionKeys.filter { $0 != "service" }.joined(separator: ", "))") }
        return out
    }

    // MARK: Values

    /// A list of strings, or one string as a list of one.
    private mutating func strings(_ value: TOMLDocument.Value, _ name: String, _ line: Int, example: String) -> [String]? {
        let list: [TOMLDocument.Value] = if case .array(let items) = value { items } else { [value] }
        var out: [String] = []
        for item in list {
            guard case .string(let s) = item, !s.isEmpty, s.count <= 200 else {
                fail(line, "\(name) must be a string or an array of strings (1 to 200 characters each), e.g. \(name.split(separator: ".").last!) = \(example), not \(Self.show(value))")
                return nil
            }
            out.append(s)
        }
        guard !out.isEmpty else { fail(line, "\(name) is an empty list, which no order matches; list at least one value or remove the key"); return nil }
        guard out.count <= 10_000 else { fail(line, "\(name) lists \(out.count) values; at most 10000"); return nil }
        return out
    }

    private mutating func text(_ value: TOMLDocument.Value, _ name: String, _ line: Int, example: String, what: String, maxLength: Int = 500) -> String? {
        guard case .string(let s) = value, !s.trimmingCharacters(in: .whitespaces).isEmpty, s.count <= maxLength else {
            fail(line, "\(name) takes \(what) as text of 1 to \(maxLength) characters: \(example), not \(Self.show(value))")
            return nil
        }
        return s
    }

    static func isCode(_ s: String, length: Int) -> Bool { s.utf8.count == length && s.utf8.allSatisfy { $0 &- UInt8(ascii: "A") < 26 } }

    /// A value as a message shows it.
    static func show(_ value: TOMLDocument.Value) -> String {
        switch value {
        case .string(let s): "\"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case .integer(let n): String(n)
        case .bool(let b): String(b)
        case .float(let d): String(d)
        default: value.typeName
        }
    }
}
