import Foundation
import Logging
import PackCore
import Sync

/// One packing bench: its pack session, fed one input at a time; every input is journaled
/// (an agent killed mid-order rebuilds the open order from the journal), every finished order's
/// result and labels are committed together before the packer sees the verdict's effects.
actor Bench {
    let name: String
    /// Scanner ids or VID:PID bound to it; empty: every scanner no other bench claims.
    let scanners: [String]
    var session: PackSession
    let orders: OrderFinder
    let journal: Journal
    private let labels: LabelMaker?
    private let metrics: AgentMetrics
    let logger: Logger
    let changed: @Sendable () -> Void
    private let labelsQueued: @Sendable () -> Void
    private let speaker: Speaker?

    var lastVerdict: (verdict: Verdict, scan: String, seq: Int)?
    /// When the scans whose verdicts no published snapshot shows yet were read (scan → screen).
    var unpublishedScans: [Date] = []
    var seq = 0
    /// Packing, or loading a carrier's trailer at the dock (Bench+Load.swift).
    var mode: BenchMode = .packing
    /// Set when the station has a server: what load mode needs.
    var dock: DockContext?
    /// Load scans the package list did not know, looked at again after its next fetch.
    var unresolved: [UnresolvedLoadScan] = []
    /// Labels printed again at this bench since the agent started (the kiosk shows it).
    private var reprints = 0
    private(set) var label: LabelStatus?
    private(set) var attachedScanners: [String] = []

    /// What the kiosk shows about the last order's label.
    struct LabelStatus: Sendable {
        var orderID: String
        var jobID: Int64?
        var state: String   // queued, printed, waiting, failed, none
        var message: String
    }

    init(name: String, scanners: [String], configuration: PackSession.Configuration, orders: OrderFinder, journal: Journal, labels: LabelMaker?, metrics: AgentMetrics, logger: Logger, speaker: Speaker?,
         dock: DockContext? = nil, labelsQueued: @escaping @Sendable () -> Void, changed: @escaping @Sendable () -> Void) {
        self.name = name
        self.dock = dock
        self.scanners = scanners
        session = PackSession(configuration: configuration)
        self.orders = orders
        self.journal = journal
        self.labels = labels
        self.metrics = metrics
        self.logger = logger
        self.changed = changed
        self.labelsQueued = labelsQueued
        self.speaker = speaker
    }

    /// Rebuilds the open order (and parked ones) from the inputs journaled since the bench was
    /// last idle. Their results were committed when they happened, so nothing is recorded again.
    func recover(loadByDefault: Bool = false) async -> Int {
        restoreReprintMemory()
        restoreMode(loadByDefault: loadByDefault)
        if isLoadingTrailer { dock?.request() }
        let inputs = (try? journal.openInputs(bench: name)) ?? []
        for (input, at) in inputs {
            _ = await step(input, at: at)
        }
        if !inputs.isEmpty {
            logger.notice("bench state recovered from the journal", metadata: ["bench": "\(name)", "inputs": "\(inputs.count)", "order.id": "\(session.current?.order.id ?? "-")"])
        }
        return inputs.count
    }

    private func step(_ input: String, at time: Date) async -> Verdict {
        switch session.handle(.scan(input), at: time) {
        case .verdict(let v): return v
        case .lookUpOrder(let code):
            switch await orders.find(barcode: code) {
            case .order(let order): return session.orderLookedUp(order, at: time)
            case .none: return session.orderLookedUp(nil, at: time)
            case .refused(let reason, let message): return session.orderRefused(reason, message: message, at: time)
            case .unavailable: return session.orderUnavailable(at: time)
            }
        }
    }

    /// Handles one scan: the verdict, the journal, the labels of a finished order.
    @discardableResult
    func handle(_ input: String, at time: Date = Date()) async -> Verdict {
        let started = ContinuousClock.now
        let open = session.current?.order
        if let verdict = await loadStep(input, at: time) {
            metrics.verdict(verdict.kind.rawValue, seconds: (ContinuousClock.now - started).seconds)
            show(verdict, scan: input, at: time)
            return verdict
        }
        var verdict = await step(input, at: time)
        metrics.verdict(verdict.kind.rawValue, seconds: (ContinuousClock.now - started).seconds)
        // Journal writes run on the journal's writer thread (commit and fsync), not on a thread of
        // the cooperative pool, which the kiosk's event stream and the printer need meanwhile.
        do {
            if let reprint = verdict.reprint {
                try await reprinted(verdict, reprint, at: time)
            } else if Self.notReplayed.contains(verdict.kind) {
                // Waiting for or refusing a reprint changes no open order: nothing to replay.
            } else if let result = verdict.result {
                var queued: [Journal.QueuedLabel] = []
                var labelProblem: String?
                if result.outcome == .packed || result.outcome == .shortShipped, let order = open, order.id == result.orderID {
                    (queued, labelProblem) = render(order, verdict.labels, packingSlip: true)
                }
                let idle = session.current == nil && session.parked.isEmpty
                // What CMD:REPRINT prints changes only when an order finishes with labels.
                let finished = result.outcome == .packed || result.outcome == .shortShipped
                let ids = try await journal.writer.recordResult(result, bench: name, input: input, labels: queued, benchIdle: idle, reprint: finished ? reprintRecord() : nil, at: time)
                if result.outcome == .packed || result.outcome == .shortShipped { metrics.orderPacked() }
                metrics.awaitPrinter(labels: ids, scanAt: time)
                labelsRecorded(ids, verdict.labels, problem: labelProblem, order: result.orderID)
            } else if !verdict.labels.isEmpty, let order = session.current?.order {
                try await boxClosed(verdict, order: order, input: input, at: time)
            } else {
                try await journal.writer.recordInput(bench: name, input: input, at: time)
            }
        } catch {
            // The packer must know: this scan's effect is not on disk.
            logger.critical("journal write failed", metadata: ["bench": "\(name)", "error": "\(error.message)"])
            verdict = Verdict(kind: .commandRejected, message: "NOT SAVED — \(error.message) Call a supervisor before packing on.", orderID: verdict.orderID)
        }
        speaker?.play(Speaker.tone(verdict.kind))
        seq += 1
        lastVerdict = (verdict, input, seq)
        unpublishedScans.append(time)
        logger.debug("verdict", metadata: ["bench": "\(name)", "seq": "\(seq)", "verdict": "\(verdict.kind.rawValue)", "verdict.reason": "\(verdict.blockReasons.first?.rawValue ?? "-")", "order.id": "\(verdict.orderID ?? "-")"])
        changed()
        return verdict
    }

    /// Shows a load-mode verdict (Bench+Load.swift) as a scan's.
    private func show(_ verdict: Verdict, scan: String, at time: Date) {
        speaker?.play(Speaker.tone(verdict.kind))
        seq += 1
        lastVerdict = (verdict, scan, seq)
        unpublishedScans.append(time)
        changed()
    }

    /// Shows a verdict no scan made just now (a timer's, or a load scan's looked at again after
    /// a fetch of the package list: `scan` names it) on the kiosk and the speaker.
    func show(_ verdict: Verdict, scan: String = "") {
        speaker?.play(Speaker.tone(verdict.kind))
        seq += 1
        lastVerdict = (verdict, scan, seq)
        logger.debug("verdict", metadata: ["bench": "\(name)", "seq": "\(seq)", "verdict": "\(verdict.kind.rawValue)", "order.id": "\(verdict.orderID ?? "-")", "why": "\(scan.isEmpty ? "timer" : "list_fetched")"])
        changed()
    }

    /// A box closed mid-order: its label is queued with the input, in one transaction.
    private func boxClosed(_ verdict: Verdict, order: Order, input: String, at time: Date) async throws(SyncError) {
        let (queued, problem) = render(order, verdict.labels, packingSlip: false)
        let ids = try await journal.writer.recordInput(bench: name, input: input, orderID: order.id, labels: queued, at: time)
        labelsRecorded(ids, verdict.labels, problem: problem, order: order.id)
    }

    /// Verdicts whose input is not kept for replay after a restart (they change no open order).
    static let notReplayed: Set<Verdict.Kind> = [.supervisorRequired, .reprintCancelled, .nothingToReprint]

    /// Labels printed again (`CMD:REPRINT`, `CMD:VOID`): queued with the event for the server,
    /// counted, and shown on the kiosk.
    private func reprinted(_ verdict: Verdict, _ reprint: Reprint, at time: Date) async throws(SyncError) {
        let (queued, problem) = render(reprint.order, verdict.labels, packingSlip: false, voidNote: reprint.voided != nil)
        let kind = reprint.voided == nil ? "labels_reprinted" : "label_voided"
        var data: [(String, JSONValue)] = [("bench", .string(name)), ("labels", .array(verdict.labels.map(\.json)))]
        if let voided = reprint.voided { data.append(("voided", voided.json)) }
        if let supervisor = reprint.supervisor { data.append(("supervisor", .string(supervisor))) }
        let ids = try await journal.writer.recordReprint(bench: name, orderID: reprint.order.id, labels: queued, event: kind, data: .object(data), at: time)
        metrics.reprinted(reprint.voided == nil ? "reprint" : "void", labels: ids.count)
        reprints += ids.count
        labelsRecorded(ids, verdict.labels, problem: problem, order: reprint.order.id)
    }

    /// The documents of these package labels (each on its own, so one that cannot be made does
    /// not keep the others from printing) and the packing slip; what could not be made, said.
    private func render(_ order: Order, _ packages: [PackageLabel], packingSlip: Bool, voidNote: Bool = false) -> ([Journal.QueuedLabel], String?) {
        guard let labels else { return ([], nil) }
        var queued: [Journal.QueuedLabel] = []
        var problems: [String] = []
        for batch in packages.map({ [$0] }) + (packingSlip ? [[]] : []) {
            do {
                queued += try labels.documents(for: order, labels: batch, packingSlip: batch.isEmpty, note: voidNote ? LabelMaker.voidNote : nil).map { Journal.QueuedLabel(format: $0.format.rawValue, document: $0.bytes, preview: $0.preview) }
            } catch {
                problems.append(error.message)
                metrics.printFailure()
            }
        }
        return (queued, problems.isEmpty ? nil : problems.joined(separator: " "))
    }

    private func labelsRecorded(_ ids: [Int64], _ packages: [PackageLabel], problem: String?, order: String) {
        if !ids.isEmpty { labelsQueued() }
        if let problem {
            label = LabelStatus(orderID: order, jobID: nil, state: "failed", message: "No label for order \(order): \(problem)")
        } else if let first = ids.first {
            label = LabelStatus(orderID: order, jobID: first, state: "queued", message: "\(Self.describe(packages, order: order)) printing…")
        }
    }

    /// "Label 2 of 3 for order 1001 is", "Labels 1 of 2, 2 of 2 for order 1001 are".
    static func describe(_ labels: [PackageLabel], order: String) -> String {
        guard labels.count != 1 || labels[0].packages != 1 else { return "Label for order \(order) is" }
        let names = labels.map { "\($0.package) of \($0.packages)" }.joined(separator: ", ")
        return labels.count == 1 ? "Label \(names) for order \(order) is" : "Labels \(names) for order \(order) are"
    }

    func labelChanged(jobID: Int64, state: String, message: String) {
        guard let current = label, current.jobID == jobID else { return }
        label = LabelStatus(orderID: current.orderID, jobID: jobID, state: state, message: message)
        changed()
    }

    /// A scanner's input could not become a scan: the packer must scan again.
    func fault(_ message: String) {
        speaker?.play(.bad)
        seq += 1
        lastVerdict = (Verdict(kind: .invalidBarcode, message: "Scan again — \(message)", orderID: session.current?.order.id), "", seq)
        changed()
    }

    func scannerAttached(_ id: String) {
        if !attachedScanners.contains(id) { attachedScanners.append(id) }
        changed()
    }

    func scannerDetached(_ id: String) {
        attachedScanners.removeAll { $0 == id }
        changed()
    }

    /// The view, and when the scans it answers for the first time were read: one actor turn,
    /// so no verdict is counted as shown before a snapshot holding it is built.
    func viewForPublishing() -> (JSONValue, [Date]) {
        defer { unpublishedScans.removeAll() }
        return (view(), unpublishedScans)
    }

    /// The bench as the kiosk shows it.
    func view() -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name)), ("scanners", .array(attachedScanners.map(JSONValue.string))), ("reprints", .int(reprints)), ("packer", .optional(session.packer))]
        if let progress = session.current {
            let order = progress.order
            let highValue = (order.value?.hundredths ?? 0) >= session.configuration.highValueThreshold
            members.append(("order", .object([
                ("id", .string(order.id)), ("box", .int(progress.boxNumber)), ("priority", .string(order.priority.rawValue)), ("high_value", .bool(highValue)),
                ("gift", .bool(order.isGift)), ("gift_message", .optional(order.giftMessage)), ("notes", .optional(order.notes)),
                ("rules", Self.rulesView(progress)),
                ("lines", .array(order.lines.indices.map { i in
                    .object([("sku", .string(order.lines[i].sku)), ("description", .string(order.lines[i].description)),
                             ("packed", .int(progress.packed[i])), ("expected", .int(order.lines[i].quantity)), ("short", .int(progress.short[i]))])
                })),
            ])))
        } else {
            members.append(("order", .null))
        }
        if let (verdict, scan, seq) = lastVerdict {
            members.append(("verdict", .object([
                ("kind", .string(verdict.kind.rawValue)), ("message", .string(verdict.message)), ("scan", .string(scan)), ("seq", .int(seq)),
                ("order_id", .optional(verdict.orderID)),
                ("notices", .array(verdict.notices.map { .object([("kind", .string($0.kind.rawValue)), ("message", .string($0.message))]) })),
            ])))
        } else {
            members.append(("verdict", .null))
        }
        if let label {
            members.append(("label", .object([
                ("order_id", .string(label.orderID)), ("state", .string(label.state)), ("message", .string(label.message)),
                ("preview", label.jobID.map { .string("/labels/\($0)") } ?? .null),
            ])))
        } else {
            members.append(("label", .null))
        }
        members.append(("load", loadView()))
        return .object(members)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
