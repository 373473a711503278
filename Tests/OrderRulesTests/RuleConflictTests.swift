import OrderRules
import PackCore
import Testing

/// How rules that disagree resolve (docs/rules.md, "Conflicts"): the first rule to set a
/// single-valued action wins and later ones are recorded as overridden; notices and inserts add
/// up; `stop = true` ends the evaluation; conditions see the order as imported.
@Suite struct RuleConflictTests {
    static let file = """
        [[rule]]
        name = "Islands"
        [rule.when]
        postcode = { ES = ["35", "38"] }
        [rule.then]
        carrier = "SEUR"
        service = "Islas"
        notice = "Customs papers in the pouch"
        priority = "express"

        [[rule]]
        name = "Heavy"
        [rule.when]
        weight_g = { min = 20000 }
        [rule.then]
        carrier = "DHL"
        service = "Freight"
        notice = "Two-person lift"
        insert = "heavy-sticker"

        [[rule]]
        name = "Express upgrade"
        [rule.when]
        priority = "standard"
        [rule.then]
        priority = "same_day"
        notice = "Customs papers in the pouch"

        [[rule]]
        name = "VIP stops here"
        stop = true
        [rule.when]
        flags = { any = ["vip"] }
        [rule.then]
        insert = "thank-you card"

        [[rule]]
        name = "Everyone"
        [rule.then]
        insert = "catalogue"
        """

    static func evaluate(postcode: String = "28013", grams: Int = 100, flags: [String] = []) throws -> RuleOutcome {
        let set = try RuleSet(parsing: file, file: "rules.toml")
        return set.evaluate(RuleFacts(order: RuleEvaluationTests.order(postcode: postcode, flags: flags, weights: [grams])))
    }

    @Test func theFirstRuleToSetAnActionWinsAndLaterOnesAreRecordedAsOverridden() throws {
        let outcome = try Self.evaluate(postcode: "35001", grams: 15_000)
        #expect(outcome.ruleNames == ["Islands", "Heavy", "Express upgrade", "Everyone"])
        #expect(outcome.effects.carrier?.carrier == "SEUR" && outcome.effects.carrier?.service == "Islas")
        // Conditions see the imported order: "Express upgrade" still matches (priority standard),
        // but Islands set the priority first.
        #expect(outcome.effects.priority == .express)
        let heavy = try #require(outcome.applied.first { $0.rule == "Heavy" })
        #expect(heavy.actions.map(\.skipped) == ["rule \"Islands\" set the carrier first", nil, nil])
        let upgrade = try #require(outcome.applied.first { $0.rule == "Express upgrade" })
        #expect(upgrade.actions.map(\.skipped) == ["rule \"Islands\" set the priority first", nil])
        // Notices and inserts add up, in rule order, each once.
        #expect(outcome.effects.notices == ["Customs papers in the pouch", "Two-person lift"])
        #expect(outcome.effects.inserts == ["heavy-sticker", "catalogue"])
    }

    @Test func stopEndsTheEvaluation() throws {
        let outcome = try Self.evaluate(flags: ["vip"])
        #expect(outcome.ruleNames == ["Express upgrade", "VIP stops here"])
        #expect(outcome.effects.inserts == ["thank-you card"])
        #expect(outcome.effects.priority == .sameDay)
    }

    @Test func theRecordNamesEachRuleAndWhatItsActionsDid() throws {
        let outcome = try Self.evaluate(postcode: "38400", grams: 15_000)
        let facts = RuleFacts(order: RuleEvaluationTests.order(postcode: "38400", weights: [15_000]))
        let record = outcome.record(from: facts)
        #expect(record.jsonText.contains(#"{"rule":"Heavy","changes":[{"action":"carrier","change":"carrier: DHL Express -> DHL Freight","skipped":"rule \"Islands\" set the carrier first"}"#))
        #expect(record.jsonText.hasPrefix(#"[{"rule":"Islands","changes":[{"action":"carrier","change":"carrier: DHL Express -> SEUR Islas"}"#))
    }
}
