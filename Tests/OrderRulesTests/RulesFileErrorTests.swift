import Foundation
import OrderRules
import Testing

/// Bad rules files: each refused whole, with the file and line at fault and what to write
/// instead (the text the admin sees from `packstation-hub rules check`).
@Suite struct RulesFileErrorTests {
    static func rule(_ body: String) -> String { "[[rule]]\nname = \"r\"\n\(body)\n" }

    // (file, the full first problem as shown)
    static let files: [(String, String)] = [
        ("[[rule]]\nname = \"r\"\nname = \"s\"\n", "rules.toml:3: rule.name is set twice (first on line 2); remove one"),
        ("[rule]\nname = \"r\"\n", "rules.toml:1: rules are written [[rule]] (two brackets), one table per rule, not a table"),
        ("version = 2\n", "rules.toml:1: 'version' is not a key of a rules file; write each rule as a [[rule]] table with name, [rule.when] and [rule.then]"),
        ("[[rule]]\n[rule.then]\nnotice = \"x\"\n", "rules.toml:2: this rule has no name; add name = \"…\" under its [[rule]] (orders record the rules that applied by name)"),
        ("[[rule]]\nname = \"r\"\n[rule.when]\ncountry = \"ES\"\n", "rules.toml:2: rule \"r\" has no actions; add [rule.then] with at least one of hold, priority, station, carrier, notice, insert, supervisor"),
        (rule("[rule.then]\nnotice = \"a\"") + rule("[rule.then]\nnotice = \"b\""), "rules.toml:6: the rule name \"r\" is used twice (first on line 2); give each rule its own name, as orders record it"),
        (rule("country = \"ES\"\n[rule.then]\nnotice = \"a\""), "rules.toml:3: 'country' is not a key of [[rule]]; a rule has name, stop, [rule.when] and [rule.then]; conditions go under [rule.when]"),
        (rule("stop = \"yes\"\n[rule.then]\nnotice = \"a\""), "rules.toml:3: stop must be true or false, not a string"),
        (rule("[rule.when]\ncountry = [\"es\"]\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.country: \"es\" is not a two-letter ISO 3166 code in capitals, such as \"ES\""),
        (rule("[rule.when]\ncountry = []\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.country is an empty list, which no order matches; list at least one value or remove the key"),
        (rule("[rule.when]\ncountry = 34\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.country must be a string or an array of strings (1 to 200 characters each), e.g. country = [\"ES\", \"PT\"], not 34"),
        (rule("[rule.when]\npostcode = [\"28000-28999\"]\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.postcode takes ranges per country: postcode = { ES = [\"28000-28999\", \"35\"] }, not an array"),
        (rule("[rule.when]\npostcode = { ES = [\"28999-28000\"] }\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.postcode: the range \"28999-28000\" holds no postcode (28999 comes after 28000); write the lower bound first, and for postcodes with a dash use '..', e.g. \"1000-001..1000-999\""),
        (rule("[rule.when]\npostcode = { ES = [\"28-\"] }\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.postcode: \"28-\" is not a range; write LOW-HIGH (\"28000-28999\"), a prefix (\"35\"), or LOW..HIGH for codes with a dash (\"1000-001..1999-999\")"),
        (rule("[rule.when]\npostcode = { Spain = [\"28\"] }\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.postcode: 'Spain' is not a two-letter ISO 3166 code in capitals, such as ES"),
        (rule("[rule.when]\nvalue = { min = 100 }\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.value needs currency = \"EUR\" (orders in another currency never match: amounts are not converted)"),
        (rule("[rule.when]\nvalue = { min = \"1.999\", currency = \"EUR\" }\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.value.min must be an amount with at most two decimals, such as \"49.90\" or 50, not \"1.999\""),
        (rule("[rule.when]\nvalue = { min = 200, max = 100, currency = \"EUR\" }\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.value: min is above max, so no order matches; swap them"),
        (rule("[rule.when]\nvalue = { currency = \"EUR\" }\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.value needs min, max or both: value = { min = \"100.00\", max = \"999.99\", currency = \"EUR\" }"),
        (rule("[rule.when]\nvalue = { min = 1, currency = \"euro\" }\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.value.currency must be a three-letter ISO 4217 code in capitals, such as \"EUR\""),
        (rule("[rule.when]\npriority = \"urgent\"\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.priority: \"urgent\" is not a priority; the priorities are standard, express, same_day"),
        (rule("[rule.when]\nflags = [\"fragile\"]\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.flags must say how the flags match: flags = { any = [\"fragile\"], none = [\"gift\"] } (any, all, none)"),
        (rule("[rule.when]\nflags = { some = [\"x\"] }\n[rule.then]\nnotice = \"a\""), "rules.toml:4: 'some' is not a key of when.flags; it takes any, all and none: flags = { any = [\"fragile\"], none = [\"gift\"] }"),
        (rule("[rule.when]\nweight = 5\n[rule.then]\nnotice = \"a\""), "rules.toml:4: weights are in grams, as the lines' weight_g: write weight_g = { min = 20000, max = 31500 }"),
        (rule("[rule.when]\nweight_g = { min = 2.5 }\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.weight_g.min must be a whole number of grams, 0 or more, not 2.5"),
        (rule("[rule.when]\nweight_g = { min = 9, max = 1 }\n[rule.then]\nnotice = \"a\""), "rules.toml:4: when.weight_g: min is above max, so no order matches; swap them"),
        (rule("[rule.when]\nhold = \"x\"\n[rule.then]\nnotice = \"a\""), "rules.toml:4: 'hold' is not a condition; [rule.when] takes country, postcode, value, priority, flags, sku, weight_g, channel ('hold' is an action: put it under [rule.then])"),
        (rule("[rule.then]\nhold = true"), "rules.toml:4: then.hold takes the reason the supervisor and the packer see as text of 1 to 500 characters: hold = \"Address to check with the customer\", not true"),
        (rule("[rule.then]\npriority = \"urgent\""), "rules.toml:4: then.priority must be one of standard, express, same_day, not \"urgent\""),
        (rule("[rule.then]\nstation = \"bench 2\""), "rules.toml:4: then.station must be a station's name as `packstation-hub station add` took it (1 to 64 letters, digits, '-', '_' or '.'), not \"bench 2\""),
        (rule("[rule.then]\ncarrier = \"UPS\""), "rules.toml:4: then.carrier = \"UPS\" needs its service too, e.g. service = \"Ground\" (services are carrier-specific)"),
        (rule("[rule.then]\nservice = \"Ground\""), "rules.toml:4: then.service needs the carrier it belongs to, e.g. carrier = \"UPS\""),
        (rule("[rule.then]\nnotice = \"\""), "rules.toml:4: then.notice: each notice is 1 to 500 characters"),
        (rule("[rule.then]\nsupervisor = true"), "rules.toml:4: then.supervisor takes the reason the kiosk shows while it waits for the badge as text of 1 to 500 characters: supervisor = \"Value over 2,000 EUR: check every serial\", not true"),
        (rule("[rule.then]\ncountry = \"ES\""), "rules.toml:4: 'country' is not an action; [rule.then] takes hold, priority, station, carrier, service, notice, insert, supervisor ('country' is a condition: put it under [rule.when])"),
        (rule("[rule.then]\n"), "rules.toml:3: [rule.then] is empty; give at least one of hold, priority, station, carrier, notice, insert, supervisor"),
        ("[[rule]]\nname = \"r\n", "rules.toml:2: a string is not closed on its line; close it with \", or use \"\"\" for a multi-line string"),
    ]

    @Test(arguments: files)
    func aBadFileIsRefusedWithItsLineAndWhatToWrite(text: String, shown: String) {
        #expect(throws: RulesError.self) { try RuleSet(parsing: text, file: "rules.toml") }
        do throws(RulesError) {
            _ = try RuleSet(parsing: text, file: "rules.toml")
        } catch {
            #expect(error.problems.first?.description == shown)
        }
    }

    @Test func everyProblemOfAFileIsListedInLineOrder() {
        let text = Self.rule("[rule.when]\ncountry = \"es\"\nsku = 5\n[rule.then]\npriority = \"now\"")
        do throws(RulesError) {
            _ = try RuleSet(parsing: text, file: "r.toml")
            Issue.record("accepted")
        } catch {
            #expect(error.problems.map(\.line) == [4, 5, 7])
        }
    }

    @Test func fileProblemsNameThePath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("nope.toml").path
        #expect(throws: RulesError(file: missing, line: 0, "does not exist; check the path (docs/rules.md has an example file)")) { try RuleSet.load(path: missing) }
        let binary = dir.appendingPathComponent("bin.toml").path
        _ = FileManager.default.createFile(atPath: binary, contents: Data([0xFF, 0xFE, 0x00]))
        #expect(throws: RulesError(file: binary, line: 0, "is not UTF-8 text; save it as UTF-8")) { try RuleSet.load(path: binary) }
        let good = dir.appendingPathComponent("good.toml").path
        _ = FileManager.default.createFile(atPath: good, contents: Data(Self.rule("[rule.then]\nnotice = \"hi\"").utf8))
        #expect(try RuleSet.load(path: good).rules.map(\.name) == ["r"])
    }
}
