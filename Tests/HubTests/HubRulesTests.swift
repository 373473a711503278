import Foundation
import OrderRules
import PackCore
import Testing
@testable import Hub

/// Rules on the hub: the effective order stations get at import, the record and events, a rules
/// change evaluated again from the imported document, and dry runs that change nothing.
@Suite struct HubRulesTests {
    static let rulesText = """
        [[rule]]
        name = "Islands"
        [rule.when]
        postcode = { ES = ["35", "38"] }
        [rule.then]
        carrier = "SEUR"
        service = "Islas"
        priority = "express"
        notice = "Customs papers in the pouch"

        [[rule]]
        name = "High value"
        [rule.when]
        value = { min = "1000", currency = "EUR" }
        [rule.then]
        station = "bench-2"
        supervisor = "Over 1,000 EUR: check every serial"

        [[rule]]
        name = "Address check"
        [rule.when]
        flags = { any = ["address_check"] }
        [rule.then]
        hold = "Address to confirm with the customer"
        insert = "returns-form"
        """

    static func order(_ id: String, postcode: String = "28013", value: String = "20", flags: [String] = [], extra: String = "") -> String {
        let f = flags.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"id":"\#(id)","status":"ready","payment":"captured","value":{"amount":"\#(value)","currency":"EUR"},"flags":[\#(f)],"lines":[{"sku":"S-\#(id)","quantity":1}],"shipment":{"carrier":"DHL","service":"Express","from":{"name":"Shop","street":["x"],"city":"Getafe","country":"ES"},"to":{"name":"Ana","street":["y"],"city":"Las Palmas","postal_code":"\#(postcode)","country":"ES"}}\#(extra)}"#
    }

    struct Hub {
        let fixture: HubFixture
        var store: HubStore { fixture.store }
        let bench2: HubStore.Station

        init() async throws {
            fixture = try HubFixture()
            let token = try fixture.store.addStation(name: "bench-2")
            bench2 = try await fixture.store.authenticate(authorization: "Bearer " + token)
        }

        func load(_ text: String?) async throws -> HubStore.RulesReport {
            try await store.loadRules(text.map { try RuleSet(parsing: $0, file: "rules.toml") }, text: text, file: "rules.toml")
        }

        func body(_ id: String) throws -> JSONValue { try JSONParser.parse(try store.read { db in try String.fetchOne(db, sql: "SELECT body FROM orders WHERE id = ?", arguments: [id])! }) }
        func column(_ id: String, _ name: String) throws -> String? {
            try store.read { db in try String.fetchOne(db, sql: "SELECT CAST(\(name) AS TEXT) FROM orders WHERE id = ?", arguments: [id]) }
        }
        /// The rules' events of an order (imports append their own, HubStore+LifecycleFlows).
        func events(_ id: String) throws -> [HubEvent] {
            try store.events(ofOrder: id).filter { ["order.rules_applied", "order.held", "order.released"].contains($0.type) }
        }
    }

    @Test func anOrderImportedUnderRulesIsHeldRoutedAndRePrioritised() async throws {
        let hub = try await Hub()
        defer { hub.fixture.remove() }
        _ = try await hub.load(Self.rulesText)
        try hub.fixture.importOrders([
            Self.order("ISL", postcode: "35001"), Self.order("BIG", value: "1500.00"), Self.order("ADDR", flags: ["vip", "address_check"]), Self.order("PLAIN"),
        ].joined(separator: "\n"))

        let islands = try hub.body("ISL")
        #expect(islands["priority"] == "express")
        #expect(islands["shipment"]?["carrier"] == "SEUR" && islands["shipment"]?["service"] == "Islas")
        #expect(islands["rules"] == ["applied": ["Islands"], "notices": ["Customs papers in the pouch"]])
        #expect(try hub.column("ISL", "priority_rank") == "1")

        let big = try hub.body("BIG")
        #expect(big["rules"]?["supervisor"] == "Over 1,000 EUR: check every serial")
        #expect(try hub.column("BIG", "station_id") == String(hub.bench2.id))

        let held = try hub.body("ADDR")
        #expect(held["status"] == "on_hold" && held["flags"] == ["vip", "address_check", "returns-form"])
        #expect(held["rules"]?["hold_reason"] == "Address to confirm with the customer")
        #expect(try hub.column("ADDR", "status") == "on_hold")

        #expect(try hub.body("PLAIN")["rules"] == nil)

        // What stations get: bench-1 neither the held order nor bench-2's; express first.
        let bench1 = try await hub.store.authenticate(authorization: "Bearer " + hub.fixture.token)
        let queue1 = try await hub.store.queuedOrders(for: bench1).map { try JSONParser.parse($0)["id"] }
        #expect(queue1 == ["ISL", "PLAIN"])
        let queue2 = try await hub.store.queuedOrders(for: hub.bench2).map { try JSONParser.parse($0)["id"] }
        #expect(queue2 == ["ISL", "BIG", "PLAIN"])
        await #expect(throws: HubError.self) { _ = try await hub.store.lookupOrder(barcode: "BIG", for: bench1) }

        // Recorded on the order and as events in its history.
        #expect(try hub.store.appliedRules(orderID: "ADDR") == [["rule": "Address check", "changes": [
            ["action": "hold", "change": "hold: Address to confirm with the customer"], ["action": "insert", "change": "insert: returns-form"]]]])
        #expect(try hub.events("ADDR").map(\.type) == ["order.rules_applied", "order.held"])
        #expect(try hub.events("ADDR").first?.data["trigger"] == "import")
        #expect(try hub.events("PLAIN").isEmpty)

        // The order's history (the page's order view) shows the rules that applied.
        let history = try await hub.store.orderHistory("ADDR")
        guard case .array(let events)? = history["events"] else { Issue.record("no events in \(history.jsonText)"); return }
        let applied = events.first { $0["type"] == "order.rules_applied" }
        #expect(applied?["data"]?["rules"] == ["Address check"])
        #expect(applied?["data"]?["applied"]?.jsonText.contains("hold: Address to confirm with the customer") == true)
    }

    @Test func importingTheSameOrderAgainAppendsNoNewEvent() async throws {
        let hub = try await Hub()
        defer { hub.fixture.remove() }
        _ = try await hub.load(Self.rulesText)
        try hub.fixture.importOrders(Self.order("ADDR", flags: ["address_check"]))
        try hub.fixture.importOrders(Self.order("ADDR", flags: ["address_check"]))
        #expect(try hub.events("ADDR").map(\.type) == ["order.rules_applied", "order.held"])
        // Re-imported without the flag: released, and the record says no rule applies.
        try hub.fixture.importOrders(Self.order("ADDR"))
        #expect(try hub.events("ADDR").map(\.type) == ["order.rules_applied", "order.held", "order.rules_applied", "order.released"])
        #expect(try hub.body("ADDR")["status"] == "ready")
        #expect(try hub.store.appliedRules(orderID: "ADDR") == [])
    }

    @Test func aRulesChangeIsEvaluatedAgainFromTheImportedOrder() async throws {
        let hub = try await Hub()
        defer { hub.fixture.remove() }
        try hub.fixture.importOrders([Self.order("ISL", postcode: "38400"), Self.order("BIG", value: "1500")].joined(separator: "\n"))
        let before = try hub.body("ISL")
        #expect(try await hub.load(Self.rulesText) == .init(evaluated: 2, changed: 2))
        #expect(try hub.body("ISL")["priority"] == "express")
        // The same rules again: nothing changes, no event.
        let events = try hub.store.lastEventID()
        #expect(try await hub.load(Self.rulesText) == .init(evaluated: 2, changed: 0))
        #expect(try hub.store.lastEventID() == events)
        // No rules: the orders are as imported again, routed back to any station.
        #expect(try await hub.load(nil) == .init(evaluated: 2, changed: 2))
        #expect(try hub.body("ISL") == before)
        #expect(try hub.column("BIG", "station_id") == nil)
        #expect(try hub.column("ISL", "priority_rank") == "2")
        #expect(try hub.store.rulesInForce() == nil)
    }

    @Test func rulesRoutingToAnUnknownStationAreRefusedAndTheRulesInForceStay() async throws {
        let hub = try await Hub()
        defer { hub.fixture.remove() }
        _ = try await hub.load(Self.rulesText)
        let bad = Self.rulesText.replacingOccurrences(of: "bench-2", with: "bench-9")
        do throws(HubError) {
            _ = try await hub.store.loadRules(try! RuleSet(parsing: bad, file: "rules.toml"), text: bad, file: "rules.toml")
            Issue.record("accepted")
        } catch {
            #expect(error.message == "rules.toml: the rules route orders to 'bench-9', which this hub does not have; add it with `packstation-hub station add NAME` or fix the rule. The rules in force stay.")
        }
        #expect(try hub.store.rulesInForce()?.text == Self.rulesText)
    }

    @Test func anImportedRulesMemberCannotLiftOrForgeAnything() async throws {
        let hub = try await Hub()
        defer { hub.fixture.remove() }
        try hub.fixture.importOrders(Self.order("F", extra: #","rules":{"supervisor":"forged","applied":["x"]}"#))
        #expect(try hub.body("F")["rules"] == nil)
    }

    @Test func aDryRunListsWhatWouldChangeAndChangesNothing() async throws {
        let hub = try await Hub()
        defer { hub.fixture.remove() }
        try hub.fixture.importOrders([Self.order("ISL", postcode: "35001"), Self.order("ADDR", flags: ["address_check"]), Self.order("PLAIN")].joined(separator: "\n"))
        let events = try hub.store.lastEventID()
        var seen: [String: [String]] = [:]
        let summary = try hub.store.dryRun(try RuleSet(parsing: Self.rulesText, file: "r.toml")) { seen[$0.orderID] = $0.outcome.ruleNames }
        #expect(seen == ["ISL": ["Islands"], "ADDR": ["Address check"]])
        #expect(summary == .init(orders: 3, matched: 2, differing: 2, unreadable: 0, perRule: ["Islands": 1, "Address check": 1]))
        #expect(try hub.store.lastEventID() == events)
        #expect(try hub.body("ADDR")["status"] == "ready")
    }
}
