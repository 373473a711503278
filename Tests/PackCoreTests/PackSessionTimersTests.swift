import Foundation
import Testing
@testable import PackCore

/// The session's timers as the agent drives them (`nextDeadline`, `expire(at:)`): an idle packer
/// is signed out and an unanswered supervisor wait cancelled without a scan; what the packer then
/// sees, and that nothing of the open order is lost. Also badges from the hub's list and the
/// reprint memory an agent restores at start.
@Suite struct PackSessionTimersTests {
    typealias R = PackSessionReprintTests
    typealias B = PackSessionBoxesTests

    static func bench(idle: TimeInterval? = 60, supervisor: Bool = false) -> Bench {
        var c = PackSession.Configuration(supervisorBadges: ["SUP-1"])
        c.packerBadges = ["B-7": "Ana"]
        c.packerBadgePrefix = "PK-"
        c.packerIdleTimeout = idle
        c.reprintRequiresSupervisor = supervisor
        c.supervisorWait = 30
        return Bench([B.order(), R.other()], configuration: c)
    }

    @Test func anIdlePackerIsSignedOutOnTimeAndTheOpenOrderKeepsItsCounts() {
        var bench = Self.bench()
        #expect(bench.session.nextDeadline == nil, "nobody signed in: nothing to time")
        _ = bench.scan("B-7")
        let signedInAt = bench.clock
        #expect(bench.session.nextDeadline == signedInAt + 60)
        _ = bench.kinds(["ORD-B1", R.m])
        let lastScan = bench.clock
        #expect(bench.session.nextDeadline == lastScan + 60, "each scan moves the deadline")
        #expect(bench.session.expire(at: lastScan + 59) == nil)
        let out = bench.session.expire(at: lastScan + 60)
        #expect(out?.kind == .signedOut && out?.packer == "Ana" && out?.orderID == "B1")
        #expect(out?.message == "Ana was signed out after 60 seconds without a scan; scan your badge to sign in again.")
        #expect(bench.session.packer == nil && bench.session.nextDeadline == nil)
        #expect(bench.session.expire(at: lastScan + 600) == nil, "signed out once")
        // Nothing lost: the order is open with its one unit; the next packer finishes it and is recorded.
        #expect(bench.session.current?.order.id == "B1" && bench.session.current?.packed == [1, 0])
        let kinds = bench.kinds(["PK-9", R.m, R.t])
        #expect(kinds == [.signedIn, .accepted, .orderComplete])
        #expect(bench.session.current == nil)
    }

    @Test func anUnansweredSupervisorWaitIsCancelledOnTimeAndPrintsNothing() {
        var bench = Self.bench(idle: nil, supervisor: true)
        _ = bench.kinds(["ORD-B1", R.m, R.m, R.t])
        #expect(bench.scan(R.rp).kind == .supervisorRequired)
        let asked = bench.clock
        #expect(bench.session.nextDeadline == asked + 30)
        #expect(bench.session.expire(at: asked + 30) == nil, "the badge may still come at 30 s")
        let cancelled = bench.session.expire(at: asked + 30.5)
        #expect(cancelled?.kind == .reprintCancelled && cancelled?.labels.isEmpty == true && cancelled?.reprint == nil)
        #expect(cancelled?.message == "Reprint cancelled: no supervisor badge within 30 s. Nothing was printed; scan the command again, then the badge.")
        #expect(bench.session.nextDeadline == nil && bench.session.expire(at: asked + 60) == nil, "said once")
        // A badge after that is still told it came late (as before the timer), and prints nothing.
        bench.clock = asked + 40
        let late = bench.scan("SUP-1")
        #expect(late.kind == .reprintCancelled && late.labels.isEmpty && late.message.contains("came after the 30 s wait"))
        // Asked again, the badge in time prints the order's label again.
        #expect(bench.kinds([R.void, "SUP-1"]) == [.supervisorRequired, .labelVoided])
    }

    @Test func bothTimersDueAtOnceAreEachSaidOnce() {
        var bench = Self.bench(idle: 60, supervisor: true)
        _ = bench.kinds(["B-7", "ORD-B1", R.m, R.m, R.t, R.rp])
        let at = bench.clock + 120
        #expect(bench.session.expire(at: at)?.kind == .reprintCancelled)
        #expect(bench.session.expire(at: at)?.kind == .signedOut)
        #expect(bench.session.expire(at: at) == nil)
    }

    @Test(arguments: [
        // (configured badges, hub badges, prefix, scan, packer)
        ([String: String](), ["H-1": "Hana"], nil as String?, "H-1", "Hana" as String?),
        (["H-1": "Local"], ["H-1": "Hana"], nil, "H-1", "Local"),
        ([:], ["PK-7": "Pia"], "PK-", "PK-7", "Pia"),
        ([:], ["PK-7": "Pia"], "PK-", "PK-8", "8"),
        ([:], ["H-1": "Hana"], nil, "H-2", nil),
    ])
    func aBadgeIsKnownFromTheHubsListAsWell(configured: [String: String], hub: [String: String], prefix: String?, scan: String, packer: String?) {
        var c = PackSession.Configuration()
        c.packerBadges = configured
        c.hubPackerBadges = hub
        c.packerBadgePrefix = prefix
        let session = PackSession(configuration: c)
        #expect(session.packerName(forBadge: scan) == packer)
    }

    @Test func theReprintMemoryComesBackAfterARestart() {
        var bench = Self.bench(idle: nil)
        _ = bench.kinds(["ORD-B1", R.m, R.m, R.t])
        let memory = try! #require(bench.session.reprintMemory)
        #expect(memory.order.id == "B1" && memory.labels.map(\.reprint) == [true] && memory.lastLabel?.reprint == false)
        var restarted = Self.bench(idle: nil)
        #expect(restarted.scan(R.rp).kind == .nothingToReprint)
        restarted.session.restoreReprint(order: memory.order, labels: memory.labels, lastLabel: memory.lastLabel)
        let again = restarted.scan(R.rp)
        #expect(again.kind == .labelsReprinted && again.orderID == "B1" && again.labels == memory.labels)
        let void = restarted.scan(R.void)
        #expect(void.kind == .labelVoided && void.reprint?.voided == memory.lastLabel)
    }
}
