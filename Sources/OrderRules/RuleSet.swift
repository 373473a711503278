import PackCore

/// An ordered list of automation rules, as read from a rules file (docs/rules.md).
///
/// Rules are tried in file order against the order as imported. A rule whose conditions all hold
/// applies its actions; for a single-valued action (hold, priority, station, carrier, supervisor)
/// the first rule that sets it wins and later ones are recorded as overridden; notices and
/// inserts add up. A matching rule with `stop = true` ends the evaluation.
public struct RuleSet: Hashable, Sendable {
    /// The rules, in file order.
    public var rules: [Rule]
    /// The file they came from, for messages.
    public var file: String

    /// Creates a rule set.
    public init(rules: [Rule], file: String = "rules.toml") {
        self.rules = rules
        self.file = file
    }

    /// The most rules one file may have: far beyond a warehouse's, and a bound on evaluation.
    public static let maximumRules = 1_000
}

/// One rule: when all its conditions hold, its actions apply.
public struct Rule: Hashable, Sendable {
    /// Its name, unique in the file; recorded on every order it applied to.
    public var name: String
    /// The line of its `[[rule]]` header.
    public var line: Int
    /// What must hold, all of it (none: every order).
    public var conditions: [Condition]
    /// What it does.
    public var actions: [Action]
    /// Whether a match ends the evaluation (no later rule is tried).
    public var stop: Bool

    /// Creates a rule.
    public init(name: String, line: Int = 0, conditions: [Condition], actions: [Action], stop: Bool = false) {
        self.name = name
        self.line = line
        self.conditions = conditions
        self.actions = actions
        self.stop = stop
    }
}

/// A condition on the order as imported.
public enum Condition: Hashable, Sendable {
    /// The destination country (`shipment.to.country`) is one of these ISO codes.
    case country(Set<String>)
    /// The destination postcode lies in one of the ranges given for its country.
    case postcode([String: [PostcodeRange]])
    /// The order's value, in this currency, is within [min, max] (hundredths; nil: unbounded).
    case value(min: Int?, max: Int?, currency: String)
    /// The order's priority is one of these.
    case priority(Set<Order.Priority>)
    /// The order has at least one of `any` (when given), all of `all`, and none of `none`.
    case flags(any: [String], all: [String], none: [String])
    /// At least one line has one of these SKUs.
    case sku(Set<String>)
    /// The sum of the lines' `weight_g` × quantity is within [min, max] grams (nil: unbounded).
    case weight(min: Int?, max: Int?)
    /// The sales channel (`channel`) is one of these.
    case channel(Set<String>)

    /// The condition's key in the rules file, for messages and dry runs.
    public var key: String {
        switch self {
        case .country: "country"
        case .postcode: "postcode"
        case .value: "value"
        case .priority: "priority"
        case .flags: "flags"
        case .sku: "sku"
        case .weight: "weight"
        case .channel: "channel"
        }
    }
}

/// An action of a rule.
public enum Action: Hashable, Sendable {
    /// Put the order on hold with this reason (a ready order becomes `on_hold`).
    case hold(reason: String)
    /// Set its priority.
    case priority(Order.Priority)
    /// Queue it for this station only.
    case station(String)
    /// Ship it with this carrier and service.
    case carrier(String, service: String)
    /// Show this notice to the packer.
    case notice(String)
    /// Ask the packer to put this insert in the box (added to the order's flags).
    case insert(String)
    /// The order cannot be closed until a supervisor scans their badge; the reason is shown.
    case supervisor(reason: String)

    /// What kind of action it is; one value per kind except notices and inserts, which add up.
    public var kind: Kind {
        switch self {
        case .hold: .hold
        case .priority: .priority
        case .station: .station
        case .carrier: .carrier
        case .notice: .notice
        case .insert: .insert
        case .supervisor: .supervisor
        }
    }

    /// The kinds of action, by their key in the rules file.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case hold, priority, station, carrier, notice, insert, supervisor

        /// Whether later rules add to it (notices, inserts) rather than lose to the first.
        public var isAdditive: Bool { self == .notice || self == .insert }
    }
}

/// A range of postcodes as text: `28000-28999`, `35` (every code starting 35) or, for codes that
/// have a dash themselves, `1000-000..1999-999`.
///
/// A code matches when its first `low.count` characters are at least `low` and its first
/// `high.count` characters at most `high`, compared after upper-casing and removing spaces, so
/// `SW1A-SW1Z` holds `SW1A 1AA` and `SW1Z 9ZZ`.
public struct PostcodeRange: Hashable, Sendable {
    /// The lower bound, normalized.
    public var low: String
    /// The upper bound, normalized.
    public var high: String

    /// Creates a range from normalized bounds.
    public init(low: String, high: String) {
        self.low = low
        self.high = high
    }

    /// Whether a normalized postcode lies in the range.
    public func contains(_ code: String) -> Bool {
        code.utf8.prefix(low.utf8.count).lexicographicallyPrecedes(low.utf8) == false
            && high.utf8.lexicographicallyPrecedes(code.utf8.prefix(high.utf8.count)) == false
    }

    /// A postcode as ranges compare it: upper case, no spaces.
    public static func normalize(_ code: String) -> String {
        String(code.uppercased().unicodeScalars.filter { $0 != " " && $0 != "\t" })
    }
}
