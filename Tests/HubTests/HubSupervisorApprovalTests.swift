import Foundation
import OrderRules
import PackCore
import Testing
@testable import Hub

/// A rule's "require a supervisor" enforced by the hub (docs/rules.md, docs/sync.md): a pack
/// result that closes such an order must record the supervisor's approval (`override.reasons`
/// holds `supervisor_approval`, as the bench writes it). A station that sends one without it — an
/// old agent that does not know the requirement, or a hostile one that skips the badge — is
/// refused with 409 `supervisor_approval_missing`, and nothing is stored: no result, no event, the
/// order not packed.
@Suite struct HubSupervisorApprovalTests {
    static let rules = """
        [[rule]]
        name = "High value"
        [rule.when]
        value = { min = "1000", currency = "EUR" }
        [rule.then]
        supervisor = "Over 1,000 EUR: check every serial"

        [[rule]]
        name = "Address check"
        [rule.when]
        flags = { any = ["address_check"] }
        [rule.then]
        hold = "Address to confirm"
        """

    static func order(_ id: String, value: String, flags: [String] = []) -> String {
        let f = flags.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"id":"\#(id)","status":"ready","payment":"captured","value":{"amount":"\#(value)","currency":"EUR"},"flags":[\#(f)],"lines":[{"sku":"S-\#(id)","quantity":1,"barcodes":["4006381333931"]}]}"#
    }

    /// A hub with the rules in force and orders `HV` (needs a supervisor), `HVHOLD` (needs one and
    /// is held by a rule) and `LOW` (no rule).
    struct Hub {
        let fixture: HubFixture

        init(rules: String? = HubSupervisorApprovalTests.rules) async throws {
            fixture = try HubFixture()
            try fixture.importOrders([
                HubSupervisorApprovalTests.order("HV", value: "1500.00"),
                HubSupervisorApprovalTests.order("HVHOLD", value: "2000.00", flags: ["address_check"]),
                HubSupervisorApprovalTests.order("LOW", value: "20.00"),
            ].joined(separator: "\n"))
            try await load(rules)
        }

        func load(_ text: String?) async throws {
            _ = try await fixture.store.loadRules(text.map { try RuleSet(parsing: $0, file: "rules.toml") }, text: text, file: "rules.toml")
        }

        func post(_ body: String) async -> (status: Int, json: JSONValue?, text: String) {
            await fixture.call("POST", "/v1/results", body: body)
        }

        /// Results stored, and the orders marked packed.
        func stored() throws -> (results: Int, packed: [String]) {
            try fixture.store.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results")!,
                 try String.fetchAll(db, sql: "SELECT id FROM orders WHERE packed_at IS NOT NULL ORDER BY id"))
            }
        }

        /// Events a pack result appends (`order.packed`, the lifecycle's moves).
        func packEvents() throws -> Int {
            try fixture.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hub_events WHERE type = 'order.packed'")! }
        }
    }

    static func result(_ id: String, key: String, outcome: String = "packed", reasons: [String]? = nil) -> String {
        HubAuthorizationTests.packResult(id, key: key, outcome: outcome, override: reasons.map { $0.map { "\"\($0)\"" }.joined(separator: ",") })
    }

    @Test(arguments: [
        // An old agent: no override at all.
        (HubAuthorizationTests.batch(result("HV", key: "k1")), 0),
        (HubAuthorizationTests.batch(result("HV", key: "k1", outcome: "short_shipped")), 0),
        // A hostile station: an override, but not the approval.
        (HubAuthorizationTests.batch(result("HV", key: "k1", reasons: ["already_packed"])), 0),
        (HubAuthorizationTests.batch(result("HV", key: "k1", reasons: [])), 0),
        // The hold overridden but the approval left out: the hold passes, the approval does not.
        (HubAuthorizationTests.batch(result("HVHOLD", key: "k1", reasons: ["on_hold"])), 0),
        // A good result first does not get through either: the batch is refused whole.
        (HubAuthorizationTests.batch(result("LOW", key: "k0"), HubAuthorizationTests.event("LOW", key: "k-e"), result("HV", key: "k1")), 2),
    ])
    func aResultWithoutTheApprovalIsRefusedAndNothingIsStored(body: String, item: Int) async throws {
        let h = try await Hub()
        defer { h.fixture.remove() }
        let r = await h.post(body)
        #expect(r.status == 409, "\(r.text)")
        #expect(r.json?["error"]?["code"] == "supervisor_approval_missing")
        #expect(r.json?["error"]?["item"] == .int(item))
        let message = r.json?["error"]?["message"].flatMap { if case .string(let m) = $0 { m } else { nil } } ?? ""
        let order = body.contains("HVHOLD") ? "HVHOLD" : "HV"
        #expect(message == "Item \(item) is a pack result that closes order \(order), which a hub rule requires a supervisor for (Over 1,000 EUR: check every serial), and records no supervisor approval (`override.reasons` without `supervisor_approval`); nothing in the batch was stored. A supervisor must scan their badge at the bench before the box closes; an agent that does not know rules' supervisor requirement must be updated.")
        let after = try h.stored()
        #expect(after.results == 0 && after.packed.isEmpty, "nothing stored, no order packed: \(after)")
        #expect(try h.packEvents() == 0)
        // The admin's view agrees: the order is still open.
        #expect(await h.fixture.call("GET", "/v1/admin/summary").json?["orders_packed"] == .int(0))
    }

    @Test func theBenchsApprovalIsStoredAndThePackCounted() async throws {
        let h = try await Hub()
        defer { h.fixture.remove() }
        // As the agent writes it: the badge at any time (`approval_given`), or the override that
        // opened a held order, which approves it too.
        let r = await h.post(HubAuthorizationTests.batch(
            Self.result("HV", key: "k1", reasons: ["supervisor_approval"]), Self.result("HVHOLD", key: "k2", reasons: ["on_hold", "supervisor_approval"]),
            Self.result("LOW", key: "k3")))
        #expect(r.status == 200 && r.json?["stored"] == .int(3), "\(r.text)")
        let after = try h.stored()
        #expect(after.results == 3 && after.packed == ["HV", "HVHOLD", "LOW"])
        #expect(try h.packEvents() == 3)
    }

    @Test(arguments: ["abandoned", "open"])
    func aResultThatDoesNotCloseTheOrderNeedsNoApproval(outcome: String) async throws {
        // Abandoning needs no supervisor (docs/rules.md); a snapshot of an open order closes nothing.
        let h = try await Hub()
        defer { h.fixture.remove() }
        let r = await h.post(HubAuthorizationTests.batch(Self.result("HV", key: "k1", outcome: outcome)))
        #expect(r.status == 200 && r.json?["stored"] == .int(1), "\(r.text)")
        #expect(try h.stored().packed.isEmpty)
    }

    @Test func theRulesInForceDecideNotTheRulesWhenTheOrderWasImported() async throws {
        let h = try await Hub(rules: nil)
        defer { h.fixture.remove() }
        // No rules: the order needs nobody.
        #expect(await h.post(HubAuthorizationTests.batch(Self.result("HV", key: "k1", outcome: "open"))).status == 200)
        // The rule comes into force: the same order now needs the approval...
        try await h.load(HubSupervisorApprovalTests.rules)
        let refused = await h.post(HubAuthorizationTests.batch(Self.result("HV", key: "k2")))
        #expect(refused.status == 409 && refused.json?["error"]?["code"] == "supervisor_approval_missing", "\(refused.text)")
        // ...and once it is dropped again, it does not.
        try await h.load(nil)
        let taken = await h.post(HubAuthorizationTests.batch(Self.result("HV", key: "k2")))
        #expect(taken.status == 200 && taken.json?["stored"] == .int(1), "\(taken.text)")
        #expect(try h.stored().packed == ["HV"])
    }

    @Test func aResultStoredBeforeTheRuleIsStillADuplicateWhenSentAgain() async throws {
        // The agent resends a batch whose answer it never got: what the hub already has is not
        // checked again, so a rule loaded meanwhile does not turn the resend into a refusal.
        let h = try await Hub(rules: nil)
        defer { h.fixture.remove() }
        let batch = HubAuthorizationTests.batch(Self.result("HV", key: "k1"))
        #expect(await h.post(batch).status == 200)
        try await h.load(HubSupervisorApprovalTests.rules)
        let again = await h.post(batch)
        #expect(again.status == 200 && again.json?["duplicates"] == .int(1), "\(again.text)")
        #expect(try h.stored().results == 1)
    }
}
