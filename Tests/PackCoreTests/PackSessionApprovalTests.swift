import Foundation
import Testing
@testable import PackCore

/// A hub rule's "require a supervisor" (`rules.supervisor`): the order does not close, and no
/// label prints, until a supervisor's badge is scanned; the approval is recorded as the result's
/// override; the bench shows the rules' notices and inserts and why an order is held.
@Suite struct PackSessionApprovalTests {
    typealias B = PackSessionBoxesTests
    static let (m, t) = (B.m, B.t)

    static func order(supervisor: String? = "Over 1,000 EUR: check the box", status: Order.Status = .ready, hold: String? = nil) -> Order {
        var o = B.order()
        o.status = status
        o.rules = Order.RuleDecisions(applied: ["High value"], holdReason: hold, notices: ["Fragile"], inserts: ["catalogue"], supervisor: supervisor)
        o.flags = ["vip", "catalogue"]
        return o
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var order: Order = PackSessionApprovalTests.order()
        var badges: Set<String> = ["SUP-1"]
        var scans: [String]
        var kinds: [Verdict.Kind]
        /// The 1-based verdict that carries the result (and prints), nil when none does.
        var resultAt: Int?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "complete, then the badge closes it and it prints", scans: ["ORD-B1", m, m, t, "SUP-1"],
             kinds: [.orderOpened, .accepted, .accepted, .approvalRequired, .orderComplete], resultAt: 5),
        Case(name: "the badge before the last item: it closes at once", scans: ["ORD-B1", m, "SUP-1", m, t],
             kinds: [.orderOpened, .accepted, .approvalGiven, .accepted, .orderComplete], resultAt: 5),
        Case(name: "other scans while waiting change nothing", scans: ["ORD-B1", m, m, t, m, "CMD:REPRINT", "SUP-1"],
             kinds: [.orderOpened, .accepted, .accepted, .approvalRequired, .overQuantity, .nothingToReprint, .orderComplete], resultAt: 7),
        Case(name: "undo after the wait began, then the badge, then the item", scans: ["ORD-B1", m, m, t, "CMD:UNDO", "SUP-1", t],
             kinds: [.orderOpened, .accepted, .accepted, .approvalRequired, .undone, .approvalGiven, .orderComplete], resultAt: 7),
        Case(name: "a short-ship that completes it waits too", scans: ["ORD-B1", m, m, "CMD:SHORT:damaged", t, "SUP-1"],
             kinds: [.orderOpened, .accepted, .accepted, .shortPending, .approvalRequired, .orderComplete], resultAt: 6),
        Case(name: "abandoning needs no supervisor", scans: ["ORD-B1", m, "CMD:ABANDON"],
             kinds: [.orderOpened, .accepted, .orderAbandoned], resultAt: 3),
        Case(name: "no badge configured: it never closes", badges: [], scans: ["ORD-B1", m, m, t, "SUP-1"],
             kinds: [.orderOpened, .accepted, .accepted, .approvalRequired, .unknownBarcode], resultAt: nil),
        Case(name: "held by a rule: the override opens it and approves it", order: order(status: .onHold, hold: "Address to confirm"), scans: ["ORD-B1", "SUP-1", m, m, t],
             kinds: [.orderBlocked, .overrideAccepted, .accepted, .accepted, .orderComplete], resultAt: 5),
        Case(name: "no rule asks: the badge is only an override", order: order(supervisor: nil), scans: ["ORD-B1", m, "SUP-1", m, t],
             kinds: [.orderOpened, .accepted, .overrideRefused, .accepted, .orderComplete], resultAt: 5),
    ]

    @Test(arguments: cases)
    func theOrderClosesOnlyAfterASupervisorsBadge(_ c: Case) throws {
        var bench = Bench([c.order], configuration: .init(supervisorBadges: c.badges))
        let verdicts = c.scans.map { bench.scan($0) }
        #expect(verdicts.map(\.kind) == c.kinds)
        // Only the closing verdict carries the result and labels: nothing prints before it.
        #expect(verdicts.enumerated().compactMap { $0.element.result == nil ? nil : $0.offset + 1 } == (c.resultAt.map { [$0] } ?? []))
        for v in verdicts where v.result == nil { #expect(v.labels.isEmpty) }
        if let at = c.resultAt, let result = verdicts[at - 1].result, result.outcome != .abandoned, c.order.rules?.supervisor != nil {
            let override = try #require(result.override)
            #expect(override.badge == "SUP-1")
            #expect(override.reasons.contains(.supervisorApproval))
        }
    }

    @Test func messagesSayWhyAndWhatToDo() {
        var bench = Bench([Self.order()], configuration: .init(supervisorBadges: ["SUP-1"]))
        let v = ["ORD-B1", Self.m, "SUP-1", Self.m, Self.t].map { bench.scan($0) }
        #expect(v[0].notices.filter { [.rule, .insert, .supervisor, .flag].contains($0.kind) }.map(\.message) == [
            "vip", "Fragile", "Put in the box: catalogue.",
            "Needs a supervisor before it closes: Over 1,000 EUR: check the box. A supervisor may scan their badge now or when it is complete.",
        ])
        #expect(v[2].message == "Supervisor SUP-1 approved order B1; go on packing.")
        let result = v[4].result
        #expect(result?.override?.reasons == [.supervisorApproval])

        var waiting = Bench([Self.order()], configuration: .init(supervisorBadges: ["SUP-1"]))
        let w = ["ORD-B1", Self.m, Self.m, Self.t, "SUP-1"].map { waiting.scan($0) }
        #expect(w[3].message == "Order B1 is complete but needs a supervisor: Over 1,000 EUR: check the box. A supervisor must scan their badge to close it; the label prints then.")
        #expect(w[4].message == "Order B1 approved by supervisor SUP-1 and complete. Close the box; the label prints.")
        #expect(w[4].result?.scans.map(\.verdict) == [.orderOpened, .accepted, .accepted, .approvalRequired, .orderComplete])

        var none = Bench([Self.order()], configuration: .init(supervisorBadges: []))
        let n = ["ORD-B1", Self.m, Self.m, Self.t].map { none.scan($0) }
        #expect(n[3].message == "Order B1 is complete but needs a supervisor (Over 1,000 EUR: check the box), and no supervisor badge is configured at this station: nothing prints. Ask the admin to set station.supervisor_badges; put the box aside.")

        var held = Bench([Self.order(supervisor: nil, status: .onHold, hold: "Address to confirm with the customer")])
        #expect(held.scan("ORD-B1").message == "Do not pack order B1: it is on hold (Address to confirm with the customer). A supervisor may scan their badge to override.")
    }

    @Test func theRulesMemberDecodesAndIsChecked() throws {
        let base = #"{"id":"R1","status":"ready","payment":"captured","lines":[{"sku":"A","quantity":1}]"#
        let order = try Order.decode(from: Array((base + #","rules":{"applied":["High value"],"hold_reason":"Check","station":"bench-2","notices":["N"],"inserts":["I"],"supervisor":"Why"}}"#).utf8))
        #expect(order.rules == Order.RuleDecisions(applied: ["High value"], holdReason: "Check", notices: ["N"], inserts: ["I"], supervisor: "Why"))
        #expect(try Order.decode(from: Array((base + "}").utf8)).rules == nil)
        #expect(throws: OrderError.self) { try Order.decode(from: Array((base + #","rules":{"supervisor":5}}"#).utf8)) }
        do throws(OrderError) {
            _ = try Order.decode(from: Array((base + #","rules":{"notices":"x"}}"#).utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.problems.map(\.description) == ["rules.notices: must be an array of strings, found a string"])
        }
    }
}
