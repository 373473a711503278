import Foundation
import Testing
@testable import PackCore

/// `CMD:REPRINT` and `CMD:VOID`: which labels print again, for which order, and the wait for a
/// supervisor badge when the configuration requires one.
@Suite struct PackSessionReprintTests {
    typealias B = PackSessionBoxesTests
    static let (m, t, nb, rp, void) = (B.m, B.t, B.nb, "CMD:REPRINT", "CMD:VOID")

    static func other() -> Order {
        var o = B.order()
        o.id = "B2"
        o.barcodes = ["ORD-B2"]
        return o
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var order: Order = B.order()
        var supervisor = false
        /// Scans; "+N" lets N seconds pass instead.
        var scans: [String]
        var kinds: [Verdict.Kind]
        /// Every label to print, as "verdict#:k/N" (1-based verdict number), "r" for a reprint.
        var labels: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "nothing printed yet", scans: [rp, void], kinds: [.nothingToReprint, .nothingToReprint], labels: []),
        Case(name: "one package", scans: ["ORD-B1", m, m, t, rp],
             kinds: [.orderOpened, .accepted, .accepted, .orderComplete, .labelsReprinted], labels: ["4:1/1", "5:1/1r"]),
        Case(name: "three declared packages: all three again", order: B.order(packages: 3), scans: ["ORD-B1", m, m, t, "cmd:reprint"],
             kinds: [.orderOpened, .accepted, .accepted, .orderComplete, .labelsReprinted], labels: ["4:1/3", "4:2/3", "4:3/3", "5:1/3r", "5:2/3r", "5:3/3r"]),
        Case(name: "boxes relabelled at completion: every box with the final count", scans: ["ORD-B1", m, nb, m, nb, t, rp],
             kinds: [.orderOpened, .accepted, .boxClosed, .accepted, .boxClosed, .orderComplete, .labelsReprinted],
             labels: ["3:1/2", "5:2/3", "6:3/3", "6:1/3r", "7:1/3r", "7:2/3r", "7:3/3r"]),
        Case(name: "carrier labels: the carrier's count, only the boxes packed", order: B.order(packages: 3, carrierLabels: true), scans: ["ORD-B1", m, m, nb, t, rp],
             kinds: [.orderOpened, .accepted, .accepted, .boxClosed, .orderComplete, .labelsReprinted], labels: ["4:1/3", "5:2/3", "6:1/3r", "6:2/3r"]),
        Case(name: "void a box label mid-order; no finished order to reprint", scans: ["ORD-B1", m, nb, void, rp, m, t],
             kinds: [.orderOpened, .accepted, .boxClosed, .labelVoided, .nothingToReprint, .accepted, .orderComplete], labels: ["3:1/2", "4:1/2r", "7:2/2"]),
        Case(name: "void after completion: the label printed last", order: B.order(packages: 2), scans: ["ORD-B1", m, m, t, void],
             kinds: [.orderOpened, .accepted, .accepted, .orderComplete, .labelVoided], labels: ["4:1/2", "4:2/2", "5:2/2r"]),
        Case(name: "abandoned order: the last finished one is reprinted", scans: ["ORD-B1", m, m, t, "ORD-B2", "CMD:ABANDON", rp],
             kinds: [.orderOpened, .accepted, .accepted, .orderComplete, .orderOpened, .orderAbandoned, .labelsReprinted], labels: ["4:1/1", "7:1/1r"]),
        Case(name: "supervisor badge allows it", supervisor: true, scans: ["ORD-B1", m, m, t, rp, "SUP-1"],
             kinds: [.orderOpened, .accepted, .accepted, .orderComplete, .supervisorRequired, .labelsReprinted], labels: ["4:1/1", "6:1/1r"]),
        Case(name: "another scan cancels and is not used", supervisor: true, scans: ["ORD-B1", m, nb, void, m, m, t],
             kinds: [.orderOpened, .accepted, .boxClosed, .supervisorRequired, .reprintCancelled, .accepted, .orderComplete], labels: ["3:1/2", "7:2/2"]),
        Case(name: "a command cancels and is not done", supervisor: true, scans: ["ORD-B1", m, nb, m, void, "CMD:UNDO", t],
             kinds: [.orderOpened, .accepted, .boxClosed, .accepted, .supervisorRequired, .reprintCancelled, .orderComplete], labels: ["3:1/2", "7:2/2"]),
        Case(name: "the same command again waits anew", supervisor: true, scans: ["ORD-B1", m, m, t, rp, rp, "SUP-1"],
             kinds: [.orderOpened, .accepted, .accepted, .orderComplete, .supervisorRequired, .supervisorRequired, .labelsReprinted], labels: ["4:1/1", "7:1/1r"]),
        Case(name: "a late badge is told it timed out", supervisor: true, scans: ["ORD-B1", m, m, t, rp, "+60", "SUP-1"],
             kinds: [.orderOpened, .accepted, .accepted, .orderComplete, .supervisorRequired, .reprintCancelled], labels: ["4:1/1"]),
        Case(name: "after the wait, scans are handled as usual", supervisor: true, scans: ["ORD-B1", m, nb, void, "+60", m, t],
             kinds: [.orderOpened, .accepted, .boxClosed, .supervisorRequired, .accepted, .orderComplete], labels: ["3:1/2", "6:2/2"]),
        Case(name: "without the requirement a badge is only an override", scans: ["ORD-B1", m, m, t, rp, "SUP-1"],
             kinds: [.orderOpened, .accepted, .accepted, .orderComplete, .labelsReprinted, .overrideRefused], labels: ["4:1/1", "5:1/1r"]),
    ]

    static func bench(_ orders: [Order], supervisor: Bool) -> Bench {
        var config = PackSession.Configuration(supervisorBadges: ["SUP-1"])
        config.reprintRequiresSupervisor = supervisor
        config.supervisorWait = 30
        return Bench(orders, configuration: config)
    }

    static func run(_ bench: inout Bench, _ scans: [String]) -> [Verdict] {
        scans.compactMap { s in
            if s.hasPrefix("+") { bench.clock += Double(s.dropFirst())!; return nil }
            return bench.scan(s)
        }
    }

    @Test(arguments: cases)
    func reprint(_ c: Case) {
        var bench = Self.bench([c.order, Self.other()], supervisor: c.supervisor)
        let verdicts = Self.run(&bench, c.scans)
        #expect(verdicts.map(\.kind) == c.kinds)
        let labels = verdicts.enumerated().flatMap { i, v in v.labels.map { "\(i + 1):\($0.package)/\($0.packages)\($0.reprint ? "r" : "")" } }
        #expect(labels == c.labels)
        // A verdict with labels to print again says for which order; no other verdict does.
        for v in verdicts { #expect((v.reprint != nil) == (v.kind == .labelsReprinted || v.kind == .labelVoided)) }
    }

    @Test func aReprintWhileAnotherOrderIsOpenLeavesItAlone() throws {
        var bench = Self.bench([B.order(), Self.other()], supervisor: false)
        let v = Self.run(&bench, ["ORD-B1", Self.m, Self.m, Self.t, "ORD-B2", Self.m, Self.rp, Self.m, Self.t])
        #expect(v[6].kind == .labelsReprinted)
        #expect(v[6].reprint?.order.id == "B1")
        #expect(v[6].message == "Order B1: its label prints again.")
        let result = try #require(v[8].result)
        #expect(result.orderID == "B2")
        // Not part of B2's record: the reprint concerns B1.
        #expect(result.scans.map(\.data) == ["ORD-B2", Self.m, Self.m, Self.t])
    }

    @Test func messagesSayWhatPrintsAndWhatToDo() {
        var bench = Self.bench([B.order(packages: 2)], supervisor: true)
        let v = Self.run(&bench, ["ORD-B1", Self.m, Self.m, Self.t, Self.rp, "SUP-1", Self.void, "4006381333931", Self.void, "SUP-1", "CMD:REPRINT", "+31", "SUP-1"])
        #expect(v[4].message == "To reprint the last order's labels, a supervisor must scan their badge within 30 s. Scan anything else to cancel.")
        #expect(v[5].message == "Order B1: its 2 package labels print (1 to 2 of 2) again (supervisor SUP-1).")
        #expect(v[7].message == "Void cancelled: \"4006381333931\" is not a supervisor badge. Nothing was printed, and that scan was not used: scan it again.")
        #expect(v[9].message == "Label 2 of 2 of order B1 is void (supervisor SUP-1). Its replacement prints, marked \"REPRINT - replaces voided label\". Destroy the voided label and put the new one on the box.")
        #expect(v[11].message == "Reprint cancelled: the badge came after the 30 s wait. Scan the command again, then the badge.")
        #expect(v[9].reprint?.voided == PackageLabel(package: 2, packages: 2, weightGrams: nil))

        var fresh = Bench([B.order()])
        #expect(fresh.scan(Self.void).message == "Nothing to void: no label was printed at this bench since the agent started. Reprint an older order's labels with `packstation label`.")

        var carrier = Self.bench([B.order(packages: 2, carrierLabels: true)], supervisor: false)
        let c = Self.run(&carrier, ["ORD-B1", Self.m, Self.m, Self.t, Self.void])
        #expect(c[4].message == "Label 2 of 2 of order B1 is void. The carrier's label cannot be marked: it prints again unchanged, with the same tracking number. Destroy the voided label and put the new one on the box.")
    }

    @Test func requiredWithoutAnyBadgeSaysWhoMustFixIt() {
        var config = PackSession.Configuration()
        config.reprintRequiresSupervisor = true
        var bench = Bench([B.order()], configuration: config)
        let v = Self.run(&bench, ["ORD-B1", Self.m, Self.m, Self.t, Self.rp])
        #expect(v[4].kind == .commandRejected)
        #expect(v[4].message == "Cannot reprint the last order's labels: a supervisor badge is required but none is configured. Ask the admin to set station.supervisor_badges.")
    }

    @Test func theVerdictJSONNamesTheVoidedLabelAndTheSupervisor() {
        var bench = Self.bench([B.order()], supervisor: true)
        let v = Self.run(&bench, ["ORD-B1", Self.m, Self.nb, Self.void, "SUP-1"])
        let json = JSONValue.object(v[4].jsonMembers)
        #expect(json["verdict"] == .string("label_voided"))
        #expect(json["order"] == .string("B1"))
        #expect(json["labels"]?.jsonText == #"[{"package":1,"packages":2,"weight_g":350,"reprint":true}]"#)
        #expect(json["voided"]?.jsonText == #"{"package":1,"packages":2,"weight_g":350}"#)
        #expect(json["supervisor"] == .string("SUP-1"))
    }

    @Test(arguments: [("CMD:REPRINT", PackCommand.reprint), ("cmd:Reprint", .reprint), ("CMD:VOID", .void), ("cmd:void", .void)])
    func parsesTheCommands(text: String, command: PackCommand) {
        #expect(PackCommand.parse(barcode: text) == .success(command))
    }

    @Test(arguments: ["CMD:REPRINT:2", "CMD:VOID:1"])
    func extraPartsAreRefused(text: String) {
        guard case .failure(let error)? = PackCommand.parse(barcode: text) else {
            Issue.record("\(text) was taken")
            return
        }
        #expect(error.message == "unknown command; known: CMD:UNDO, CMD:QTY:N, CMD:SHORT:REASON[:SKU], CMD:NEWBOX, CMD:ABANDON, CMD:REPRINT, CMD:VOID, CMD:SIGNOUT")
    }
}
