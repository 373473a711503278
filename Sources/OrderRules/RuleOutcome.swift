import PackCore

/// What a rule set does to one order: the rules that matched, each action's fate, and the
/// effects that result.
public struct RuleOutcome: Hashable, Sendable {
    /// A rule that matched, with its actions.
    public struct Applied: Hashable, Sendable {
        /// The rule's name.
        public var rule: String
        /// Its actions, each with why it did not take effect (nil: it did).
        public var actions: [(action: Action, skipped: String?)]

        public static func == (a: Applied, b: Applied) -> Bool {
            a.rule == b.rule && a.actions.count == b.actions.count && zip(a.actions, b.actions).allSatisfy { $0.action == $1.action && $0.skipped == $1.skipped }
        }
        public func hash(into h: inout Hasher) { h.combine(rule) }
    }

    /// The effects on the order, after conflicts are resolved.
    public struct Effects: Hashable, Sendable {
        /// Why the order is held, when a rule holds it.
        public var holdReason: String?
        /// The priority a rule set.
        public var priority: Order.Priority?
        /// The station a rule routed it to.
        public var station: String?
        /// The carrier and service a rule chose.
        public var carrier: (carrier: String, service: String)?
        /// Notices for the packer, in rule order.
        public var notices: [String] = []
        /// Inserts the packer must put in, in rule order.
        public var inserts: [String] = []
        /// Why a supervisor must approve the order before it closes.
        public var supervisor: String?

        public static func == (a: Effects, b: Effects) -> Bool {
            a.holdReason == b.holdReason && a.priority == b.priority && a.station == b.station && a.carrier?.carrier == b.carrier?.carrier
                && a.carrier?.service == b.carrier?.service && a.notices == b.notices && a.inserts == b.inserts && a.supervisor == b.supervisor
        }
        public func hash(into h: inout Hasher) { h.combine(holdReason); h.combine(station); h.combine(notices) }

        /// No effects.
        public init() {}

        /// Whether no rule changed anything.
        public var isEmpty: Bool { self == Effects() }
    }

    /// The rules that matched, in file order.
    public var applied: [Applied] = []
    /// The resolved effects.
    public var effects = Effects()

    /// An outcome where no rule applied.
    public init() {}

    /// The names of the rules that matched.
    public var ruleNames: [String] { applied.map(\.rule) }
}

extension RuleSet {
    /// Evaluates the rules, in order, against an order's facts (docs/rules.md, "Conflicts").
    public func evaluate(_ facts: RuleFacts) -> RuleOutcome {
        var outcome = RuleOutcome()
        var winner: [Action.Kind: String] = [:]
        for rule in rules where rule.conditions.allSatisfy({ $0.holds(for: facts) }) {
            var applied = RuleOutcome.Applied(rule: rule.name, actions: [])
            for action in rule.actions {
                var skipped: String?
                if !action.kind.isAdditive, let first = winner[action.kind] {
                    skipped = "rule \"\(first)\" set the \(action.kind.rawValue) first"
                } else {
                    skipped = outcome.effects.apply(action, to: facts)
                    if skipped == nil, !action.kind.isAdditive { winner[action.kind] = rule.name }
                }
                applied.actions.append((action, skipped))
            }
            outcome.applied.append(applied)
            if rule.stop { break }
        }
        return outcome
    }
}

extension RuleOutcome.Effects {
    /// Takes one action; returns why it does not apply to this order, or nil.
    mutating func apply(_ action: Action, to facts: RuleFacts) -> String? {
        switch action {
        case .hold(let reason):
            switch facts.status {
            case .cancelled: return "the order is cancelled"
            case .packed: return "the order is packed"
            case .ready, .onHold: holdReason = reason
            }
        case .priority(let p): priority = p
        case .station(let s): station = s
        case .carrier(let c, let s):
            guard facts.carrier != nil else { return "the order has no shipment" }
            carrier = (c, s)
        case .notice(let text): if !notices.contains(text) { notices.append(text) }
        case .insert(let name): if !inserts.contains(name) { inserts.append(name) }
        case .supervisor(let reason): supervisor = reason
        }
        return nil
    }
}

extension Action {
    /// What the action does to an order, for dry runs and history: `priority: standard -> express`.
    public func describe(from facts: RuleFacts) -> String {
        switch self {
        case .hold(let reason): "hold: \(reason)"
        case .priority(let p): "priority: \(facts.priority.rawValue) -> \(p.rawValue)"
        case .station(let s): "station: \(s)"
        case .carrier(let c, let s): "carrier: \(facts.carrier ?? "-") \(facts.service ?? "-") -> \(c) \(s)"
        case .notice(let text): "notice: \(text)"
        case .insert(let name): "insert: \(name)"
        case .supervisor(let reason): "supervisor: \(reason)"
        }
    }
}
