import Foundation
import Logging
import PackCore
@testable import Station
import Sync
import Synchronization
import TestPeers
import Testing

/// A bench as the agent runs it (journal, labels, its timer service), with timeouts of about a
/// second: the idle sign-out and the supervisor wait act without a scan, the kiosk shows it,
/// the open order keeps its counts, and a restart neither undoes nor repeats it. `CMD:REPRINT`
/// after a restart prints the order finished before it.
@Suite struct BenchTimersTests {
    /// The bench, its timers and the test's polling prefer a thread of their own: amid the whole
    /// suite the cooperative pool is busy for tens of seconds (Tests/TestPeers/QueueExecutor.swift).
    /// A `Task.sleep` still wakes on the pool, so there the timers fire late: how late they may
    /// be (under 3 s for a 1 s timeout) is checked when the suite runs alone
    /// (`PACKSTATION_ALONE_TESTS=1`, scripts/test.sh); amid the suite, that they fire without a
    /// scan, and not early.
    static let executor = QueueExecutor(label: "bench-timers-test")
    static let alone = ProcessInfo.processInfo.environment["PACKSTATION_ALONE_TESTS"] == "1"
    /// How long a test waits for a timer's verdict before it fails.
    static let patience: TimeInterval = alone ? 5 : 120

    /// Runs `body` with the test's executor preferred (the Bench actor's code follows it).
    static func offPool(_ body: () async throws -> Void) async throws {
        try await withTaskExecutorPreference(executor) { try await body() }
    }

    static let mug = "4006381333931"
    static let shipment = #""shipment":{"carrier":"DHL","service":"Paket","from":{"name":"W","street":["S 1"],"city":"X","country":"DE"},"to":{"name":"P","street":["A 2"],"city":"Y","country":"DE"}}"#

    static func orderJSON(_ id: String, priority: String = "standard", shipBy: String? = nil, status: String = "ready", units: Int = 2) -> String {
        let ship = shipBy.map { #","ship_by":"\#($0)""# } ?? ""
        return #"{"id":"\#(id)","barcodes":["ORD-\#(id)"],"status":"\#(status)","payment":"captured","priority":"\#(priority)"\#(ship),"lines":[{"sku":"MUG","quantity":\#(units),"barcodes":["\#(mug)"]}],\#(shipment)}"#
    }

    /// A bench over the journal in `dir`, its timers, and what it needs; `changed` wakes the
    /// timers as in the agent, which starts them after the bench recovered (`start()`).
    final class Rig: Sendable {
        let journal: Journal
        let bench: Bench
        let timers: BenchTimers
        private let task = Mutex<Task<Void, any Error>?>(nil)

        init(dir: String, recover: Bool = false, configure: (inout PackSession.Configuration) -> Void) async throws {
            journal = try Journal(directory: dir)
            var config = PackSession.Configuration(station: "bench-1", supervisorBadges: ["SUP-1"])
            config.packerBadgePrefix = "PK-"
            configure(&config)
            let catalog = try OrderCatalog([try Order.decode(from: Array(BenchTimersTests.orderJSON("T1").utf8))])
            let directory = BenchDirectory()
            let timers = BenchTimers(benches: directory)
            self.timers = timers
            let labels = LabelMaker(template: try LabelMaker.template(named: "shipping"), density: .dpi203, format: .zpl)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            bench = Bench(name: "bench-1", scanners: [], configuration: config, orders: OrderFinder(local: catalog, lookup: nil, journal: journal), journal: journal,
                          labels: labels, metrics: AgentMetrics(), logger: logger, speaker: nil, labelsQueued: {}, changed: { timers.wake() })
            directory.set([bench])
            if recover { _ = await bench.recover() }
            task.withLock { $0 = Task(executorPreference: BenchTimersTests.executor) { try await timers.run() } }
        }

        func stop() { task.withLock { $0?.cancel() } }

        /// The bench's kiosk view once `done` holds, or after `patience` (the caller's #expect fails then).
        func view(until done: (JSONValue) -> Bool) async -> JSONValue {
            let deadline = Date().addingTimeInterval(BenchTimersTests.patience)
            var view = await bench.view()
            while !done(view), Date() < deadline {
                try? await Task.sleep(for: .milliseconds(20))
                view = await bench.view()
            }
            return view
        }

        func events(_ kind: String) throws -> [String] {
            try journal.pending(limit: 1000).map(\.body).filter { $0.contains(#""kind":"\#(kind)""#) }
        }
    }

    /// How many units of the open order's first line the kiosk shows packed.
    static func packed(_ view: JSONValue) -> JSONValue? {
        guard case .array(let lines)? = view["order"]?["lines"] else { return nil }
        return lines.first?["packed"]
    }

    static func scratch() -> String {
        let dir = NSTemporaryDirectory() + "packstation-timers-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func anIdlePackerIsSignedOutWithoutAScanAndARestartKeepsItThatWay() async throws {
        try await Self.offPool { try await self.anIdlePackerIsSignedOutWithoutAScanAndARestartKeepsItThatWayBody() }
    }

    func anIdlePackerIsSignedOutWithoutAScanAndARestartKeepsItThatWayBody() async throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rig = try await Rig(dir: dir) { $0.packerIdleTimeout = 1 }
        for scan in ["PK-ana", "ORD-T1"] { await rig.bench.handle(scan) }
        let lastScan = Date()
        await rig.bench.handle(Self.mug, at: lastScan)
        #expect(await rig.bench.view()["packer"] == .string("ana"))
        let view = await rig.view { $0["verdict"]?["kind"] == .string("signed_out") }
        let waited = Date().timeIntervalSince(lastScan)
        rig.stop()
        #expect(view["verdict"]?["kind"] == .string("signed_out"), "no sign-out within \(Self.patience) s: \(view)")
        #expect(waited >= 1, "signed out after \(waited) s, the timeout is 1 s")
        if Self.alone { #expect(waited < 3, "signed out after \(waited) s, the timeout is 1 s") }
        // What the packer sees: who was signed out and what to do; the order is still open with its unit.
        #expect(view["packer"] == .null)
        #expect(view["verdict"]?["message"] == .string("ana was signed out after 1 second without a scan; scan your badge to sign in again."))
        #expect(view["order"]?["id"] == .string("T1") && Self.packed(view) == .int(1))
        // The server hears of it once.
        let events = try rig.events("packer_signed_out")
        #expect(events.count == 1)
        #expect(events.first?.contains(#""data":{"bench":"bench-1","packer":"ana","reason":"idle","idle_seconds":1,"open_order":"T1"}"#) == true, "\(events)")

        // A restart mid-order: the packer stays signed out, the unit stays counted, no second event.
        let again = try await Rig(dir: dir, recover: true) { $0.packerIdleTimeout = 1 }
        defer { again.stop() }
        let restarted = await again.bench.view()
        #expect(restarted["packer"] == .null && Self.packed(restarted) == .int(1), "\(restarted)")
        #expect(await again.bench.nextDeadline() == nil)
        try await Task.sleep(for: .milliseconds(1200))
        #expect(try again.events("packer_signed_out").count == 1)
        // The next packer finishes the order and is the one recorded.
        for scan in ["PK-ben", Self.mug] { await again.bench.handle(scan) }
        let results = try again.journal.results(forOrder: "T1")
        #expect(results.count == 1 && results[0].contains(#""packer":"ben""#), "\(results)")
    }

    @Test func anUnansweredSupervisorWaitIsCancelledOnTimeAndPrintsNothing() async throws {
        try await Self.offPool { try await self.anUnansweredSupervisorWaitIsCancelledOnTimeAndPrintsNothingBody() }
    }

    func anUnansweredSupervisorWaitIsCancelledOnTimeAndPrintsNothingBody() async throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rig = try await Rig(dir: dir) {
            $0.reprintRequiresSupervisor = true
            $0.supervisorWait = 1
        }
        defer { rig.stop() }
        for scan in ["ORD-T1", Self.mug, Self.mug] { await rig.bench.handle(scan) }
        let printed = try rig.journal.pendingLabels().count
        #expect(printed == 1, "the order's label")
        let asked = Date()
        #expect(await rig.bench.handle("CMD:REPRINT", at: asked).kind == .supervisorRequired)
        let view = await rig.view { $0["verdict"]?["kind"] == .string("reprint_cancelled") }
        let waited = Date().timeIntervalSince(asked)
        #expect(view["verdict"]?["message"] == .string("Reprint cancelled: no supervisor badge within 1 s. Nothing was printed; scan the command again, then the badge."), "\(view)")
        #expect(waited >= 1, "cancelled after \(waited) s, the wait is 1 s")
        if Self.alone { #expect(waited < 3, "cancelled after \(waited) s, the wait is 1 s") }
        #expect(try rig.journal.pendingLabels().count == printed && rig.events("labels_reprinted").isEmpty, "nothing printed again")
        // The badge now is late; asked again, it prints.
        #expect(await rig.bench.handle("SUP-1").kind == .reprintCancelled)
        #expect(await rig.bench.handle("CMD:REPRINT").kind == .supervisorRequired)
        #expect(await rig.bench.handle("SUP-1").kind == .labelsReprinted)
        #expect(try rig.journal.pendingLabels().count == printed + 1 && rig.events("labels_reprinted").count == 1)
    }

    @Test func reprintAfterARestartPrintsTheOrderFinishedBeforeIt() async throws {
        try await Self.offPool { try await self.reprintAfterARestartPrintsTheOrderFinishedBeforeItBody() }
    }

    func reprintAfterARestartPrintsTheOrderFinishedBeforeItBody() async throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let rig = try await Rig(dir: dir) { _ in }
            defer { rig.stop() }
            #expect(await rig.bench.handle("CMD:REPRINT").kind == .nothingToReprint)
            for scan in ["ORD-T1", Self.mug, Self.mug] { await rig.bench.handle(scan) }
        }
        let rig = try await Rig(dir: dir, recover: true) { _ in }
        defer { rig.stop() }
        let before = try rig.journal.pendingLabels()
        let v = await rig.bench.handle("CMD:REPRINT")
        #expect(v.kind == .labelsReprinted && v.orderID == "T1" && v.message == "Order T1: its label prints again.", "\(v.message)")
        let after = try rig.journal.pendingLabels()
        #expect(after.count == before.count + 1 && after.last?.orderID == "T1")
        #expect(after.last?.document == before.last?.document, "the same label as the order's own")
        let void = await rig.bench.handle("CMD:VOID")
        #expect(void.kind == .labelVoided && void.orderID == "T1")
        #expect(try rig.events("labels_reprinted").count == 1 && rig.events("label_voided").count == 1)
    }
}
