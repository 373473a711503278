import OrderRules
import PackCore
import Testing

/// Every condition and every action of the rules file, each as a table: the rule as written,
/// orders it must and must not match, and what the matching order becomes.
@Suite struct RuleEvaluationTests {
    /// An order shipped to `country`/`postcode`, worth `value` EUR.
    static func order(id: String = "A-1", country: String = "ES", postcode: String? = "28013", value: String? = "120.00", currency: String = "EUR",
                      priority: Order.Priority = .standard, status: Order.Status = .ready, flags: [String] = [], skus: [String] = ["MUG-01"],
                      weights: [Int?] = [400], shipment: Bool = true, channel: String? = nil) -> Order {
        let lines = zip(skus, weights + Array(repeating: weights.last ?? nil, count: max(0, skus.count - weights.count))).map { sku, grams in
            Order.Line(sku: sku, quantity: 2, weightGrams: grams)
        }
        let to = Address(name: "Ana", street: ["Calle Mayor 1"], city: "Madrid", postalCode: postcode, country: country)
        let from = Address(name: "Shop", street: ["Polígono 3"], city: "Getafe", country: "ES")
        return Order(id: id, status: status, priority: priority, value: value.map { Money(amount: $0, currency: currency) }, flags: flags, lines: lines,
                     shipment: shipment ? Shipment(carrier: "DHL", service: "Express", from: from, to: to) : nil, channel: channel)
    }

    /// One rule from its `[rule.when]` lines, acting `then` (default: a notice).
    static func rules(_ when: String, then: String = "notice = \"matched\"") throws -> RuleSet {
        try RuleSet(parsing: "[[rule]]\nname = \"r\"\n[rule.when]\n\(when)\n[rule.then]\n\(then)\n", file: "rules.toml")
    }

    static func matches(_ when: String, _ order: Order) throws -> Bool {
        try !rules(when).evaluate(RuleFacts(order: order)).applied.isEmpty
    }

    // (condition, an order it holds for, an order it does not)
    static let conditions: [(String, Order, Order)] = [
        ("country = [\"ES\", \"PT\"]", order(country: "PT"), order(country: "FR")),
        ("country = \"ES\"", order(), order(shipment: false)),
        ("postcode = { ES = [\"28000-28999\"] }", order(postcode: "28999"), order(postcode: "29000")),
        ("postcode = { ES = [\"28000-28999\"] }", order(postcode: "28000"), order(country: "PT", postcode: "28000")),
        ("postcode = { ES = [\"35\", \"38\"] }", order(postcode: "38 400"), order(postcode: "3600")),
        ("postcode = { GB = [\"SW1A-SW1Z\"] }", order(country: "GB", postcode: "sw1z 9zz"), order(country: "GB", postcode: "SW2A 1AA")),
        ("postcode = { PT = [\"1000-001..1999-999\"] }", order(country: "PT", postcode: "1500-100"), order(country: "PT", postcode: "2000-001")),
        ("postcode = { ES = [\"28000-28999\"] }", order(postcode: "28013"), order(postcode: nil)),
        ("value = { min = \"100.00\", currency = \"EUR\" }", order(value: "100"), order(value: "99.99")),
        ("value = { max = 100, currency = \"EUR\" }", order(value: "100.00"), order(value: "100.01")),
        ("value = { min = 50.5, max = \"60\", currency = \"EUR\" }", order(value: "50.50"), order(value: "60.01")),
        ("value = { min = 1, currency = \"EUR\" }", order(value: "5"), order(value: "5", currency: "USD")),
        ("value = { min = 1, currency = \"EUR\" }", order(value: "5"), order(value: nil)),
        ("priority = [\"express\", \"same_day\"]", order(priority: .sameDay), order(priority: .standard)),
        ("flags = { any = [\"fragile\", \"glass\"] }", order(flags: ["glass"]), order(flags: ["gift"])),
        ("flags = { all = [\"fragile\", \"glass\"] }", order(flags: ["glass", "vip", "fragile"]), order(flags: ["glass"])),
        ("flags = { none = [\"gift\"] }", order(flags: ["vip"]), order(flags: ["gift"])),
        ("flags = { any = [\"vip\"], none = [\"gift\"] }", order(flags: ["vip"]), order(flags: ["vip", "gift"])),
        ("sku = [\"KNIFE-9\", \"MUG-01\"]", order(skus: ["PLATE", "MUG-01"]), order(skus: ["PLATE"])),
        ("weight_g = { min = 1600 }", order(skus: ["A", "B"], weights: [400, 400]), order(skus: ["A", "B"], weights: [400, 399])),
        ("weight_g = { max = 800 }", order(weights: [400]), order(weights: [401])),
        ("weight_g = { min = 0 }", order(weights: [0]), order(skus: ["A", "B"], weights: [400, nil])),
        ("channel = [\"amazon\", \"b2b\"]", order(channel: "amazon"), order(channel: "shopify")),
        ("channel = \"amazon\"", order(channel: "amazon"), order()),
        ("country = \"ES\"\npriority = \"standard\"", order(), order(priority: .express)),
    ]

    @Test(arguments: conditions)
    func eachConditionHoldsExactlyForTheOrdersItNames(when: String, yes: Order, no: Order) throws {
        #expect(try Self.matches(when, yes), "\(when) should hold")
        #expect(try !Self.matches(when, no), "\(when) should not hold")
    }

    @Test func aRuleWithoutConditionsAppliesToEveryOrder() throws {
        let set = try RuleSet(parsing: "[[rule]]\nname = \"all\"\n[rule.then]\ninsert = \"flyer\"\n", file: "r.toml")
        #expect(set.evaluate(RuleFacts(order: Self.order(shipment: false))).effects.inserts == ["flyer"])
    }

    // (action lines, what the effective order's JSON then has)
    static let actions: [(String, [(path: [String], value: JSONValue)])] = [
        ("hold = \"Check the address\"", [(["status"], "on_hold"), (["rules", "hold_reason"], "Check the address")]),
        ("priority = \"same_day\"", [(["priority"], "same_day")]),
        ("station = \"bench-2\"", [(["rules", "station"], "bench-2"), (["priority"], "standard")]),
        ("carrier = \"SEUR\"\nservice = \"Islas\"", [(["shipment", "carrier"], "SEUR"), (["shipment", "service"], "Islas")]),
        ("notice = \"Fragile: bubble wrap\"", [(["rules", "notices"], ["Fragile: bubble wrap"])]),
        ("notice = [\"One\", \"Two\"]", [(["rules", "notices"], ["One", "Two"])]),
        ("insert = \"catalogue-es\"", [(["rules", "inserts"], ["catalogue-es"]), (["flags"], ["vip", "catalogue-es"])]),
        ("supervisor = \"Over 1,000 EUR\"", [(["rules", "supervisor"], "Over 1,000 EUR"), (["status"], "ready")]),
    ]

    @Test(arguments: actions)
    func eachActionWritesTheEffectiveOrder(then: String, expected: [(path: [String], value: JSONValue)]) throws {
        let set = try Self.rules("country = \"ES\"", then: then)
        let order = Self.order(flags: ["vip"])
        let imported: JSONValue = ["id": "A-1", "status": "ready", "priority": "standard", "flags": ["vip"],
                                   "shipment": ["carrier": "DHL", "service": "Express", "to": ["country": "ES"]]]
        let effective = set.evaluate(RuleFacts(order: order)).effectiveOrder(imported)
        for (path, value) in expected {
            let found = path.reduce(Optional(effective)) { $0?[$1] }
            #expect(found == value, "\(then): \(path.joined(separator: ".")) is \(String(describing: found?.jsonText)), expected \(value.jsonText)")
        }
        #expect(effective["rules"]?["applied"] == ["r"])
        #expect(effective["id"] == "A-1")
    }

    @Test func holdDoesNotReopenACancelledOrderAndCarrierNeedsAShipment() throws {
        let set = try Self.rules("priority = \"standard\"", then: "hold = \"x\"\ncarrier = \"UPS\"\nservice = \"Ground\"")
        let outcome = set.evaluate(RuleFacts(order: Self.order(status: .cancelled, shipment: false)))
        #expect(outcome.applied.first?.actions.map(\.skipped) == ["the order is cancelled", "the order has no shipment"])
        #expect(outcome.effects.isEmpty)
        let cancelled: JSONValue = ["id": "A-1", "status": "cancelled"]
        #expect(outcome.effectiveOrder(cancelled)["status"] == "cancelled")
    }

    @Test func anImportedRulesMemberIsDroppedSoOnlyTheHubSetsIt() throws {
        let set = try Self.rules("country = \"FR\"")
        let imported: JSONValue = ["id": "A-1", "rules": ["supervisor": "forged"]]
        let outcome = set.evaluate(RuleFacts(order: Self.order()))
        #expect(outcome.applied.isEmpty)
        #expect(outcome.effectiveOrder(imported) == ["id": "A-1"])
    }

    @Test func actionsDescribeWhatTheyChange() throws {
        let facts = RuleFacts(order: Self.order(priority: .express))
        #expect(Action.priority(.sameDay).describe(from: facts) == "priority: express -> same_day")
        #expect(Action.carrier("UPS", service: "Ground").describe(from: facts) == "carrier: DHL Express -> UPS Ground")
        #expect(Action.hold(reason: "Why").describe(from: facts) == "hold: Why")
    }
}
