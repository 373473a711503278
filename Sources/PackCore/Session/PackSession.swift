import Barcodes
import Foundation

/// The pack session of one bench: a value-type state machine that takes scans and commands
/// and says at once whether each is right.
///
/// No I/O, no clock: every input carries its time, and when a scan may name an order the
/// session asks its owner to look it up (`Step.lookUpOrder`) and continues with
/// `orderLookedUp(_:at:)`. The owner must answer a lookup before the next input.
public struct PackSession: Sendable {
    /// What a bench is configured with.
    public struct Configuration: Sendable {
        /// The station (bench) name recorded in results.
        public var station: String
        /// The packer signed in at the bench.
        public var packer: String?
        /// Orders worth at least this much (in hundredths of their currency) are highlighted.
        public var highValueThreshold: Int
        /// Barcodes of supervisor badges that may override a block.
        public var supervisorBadges: Set<String>
        /// Reasons a line may be short-shipped with.
        public var shortReasons: [String]
        /// The boxes for the box suggestion.
        public var boxes: [Box]
        /// Whether `CMD:REPRINT` and `CMD:VOID` wait for a supervisor badge.
        public var reprintRequiresSupervisor = false
        /// How long a reprint waits for the supervisor badge, in seconds.
        public var supervisorWait: TimeInterval = 60
        /// Packer badges: barcode → the packer's name (the barcode itself when it has none).
        public var packerBadges: [String: String] = [:]
        /// Badges from the hub's list of packers (barcode → name), after `packerBadges`.
        public var hubPackerBadges: [String: String] = [:]
        /// Any barcode starting with this is a packer badge; the packer is the rest of it.
        public var packerBadgePrefix: String?
        /// Refuse orders and items until a packer is signed in.
        public var requirePacker = false
        /// A packer with no input for this long is signed out (nil: never).
        public var packerIdleTimeout: TimeInterval?

        /// Creates a configuration; the defaults suit a single bench.
        public init(station: String = "bench-1", packer: String? = nil, highValueThreshold: Int = 50_000, supervisorBadges: Set<String> = [], shortReasons: [String] = ["out_of_stock", "damaged", "not_found", "customer_request", "other"], boxes: [Box] = Box.standard) {
            self.station = station
            self.packer = packer
            self.highValueThreshold = highValueThreshold
            self.supervisorBadges = supervisorBadges
            self.shortReasons = shortReasons
            self.boxes = boxes
        }
    }

    /// An input: a scan (raw scanner data, AIM identifier included) or a command from a key.
    public enum Input: Hashable, Sendable {
        case scan(String)
        case command(PackCommand)
    }

    /// What the owner must do after an input.
    public enum Step: Hashable, Sendable {
        /// Show and record this verdict.
        case verdict(Verdict)
        /// Look up the order with this barcode, then call `orderLookedUp(_:at:)`.
        case lookUpOrder(barcode: String)
    }

    /// The configuration.
    public var configuration: Configuration
    /// The order being packed.
    public internal(set) var current: OrderProgress?
    /// Orders set aside by a confirmed switch, resumed by scanning them again.
    public private(set) var parked: [OrderProgress] = []

    struct PendingLookup: Sendable {
        var data: String
        var symbology: String?
        var switchCandidate: String?
        /// What the data alone is, for the verdict when no order has this barcode.
        var parsed: Result<Barcode, InvalidBarcode>
    }

    private var pendingLookup: PendingLookup?
    private var pendingSwitch: String?
    private var lastBlocked: (order: Order, reasons: [Verdict.BlockReason])?
    private var recentlyPacked: [String] = []
    /// The last finished order and all its package labels (what `CMD:REPRINT` prints).
    var lastFinished: (order: Order, labels: [PackageLabel])?
    /// The last label printed at this bench (what `CMD:VOID` replaces).
    var lastLabel: (order: Order, label: PackageLabel)?
    /// A reprint waiting for a supervisor badge, and since when.
    var pendingReprint: (command: PackCommand, at: Date)?
    /// Whether the owner's timer already said that the pending reprint's wait is over.
    var reprintWaitExpired = false
    /// Who is signed in by badge, and their last input.
    var signedIn: (packer: String, lastInput: Date)?
    /// Who the idle timeout signed out, until someone signs in: what `packer_required` tells.
    var timedOut: String?

    /// How many finished order ids the session remembers to refuse packing them twice.
    static let rememberedOrders = 1_000

    /// Creates an idle session.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Handles one scan or command.
    public mutating func handle(_ input: Input, at time: Date) -> Step {
        _ = expireIdlePacker(at: time)
        if signedIn != nil { signedIn!.lastInput = time }
        pendingLookup = nil
        let switchCandidate = pendingSwitch
        pendingSwitch = nil
        let blocked = lastBlocked
        lastBlocked = nil
        let waiting = pendingReprint
        pendingReprint = nil
        reprintWaitExpired = false
        if let waiting, let verdict = continueReprint(waiting, input, at: time) { return .verdict(verdict) }
        switch input {
        case .command(let command):
            return .verdict(perform(command, data: commandText(command), symbology: nil, at: time))
        case .scan(let raw):
            return scan(raw, at: time, switchCandidate: switchCandidate, blocked: blocked)
        }
    }

    private mutating func scan(_ raw: String, at time: Date, switchCandidate: String?, blocked: (order: Order, reasons: [Verdict.BlockReason])?) -> Step {
        let parsed = Barcode.parse(raw)
        let barcode = try? parsed.get()
        let data = barcode?.data ?? raw
        let symbology = (barcode?.symbology ?? parsed.failureSymbology).map(\.description)

        if let command = PackCommand.parse(barcode: data) {
            switch command {
            case .success(let c): return .verdict(perform(c, data: data, symbology: symbology, at: time))
            case .failure(let e): return .verdict(record(Verdict(kind: .commandRejected, message: e.message, orderID: current?.order.id), data: data, symbology: symbology, at: time))
            }
        }
        if configuration.supervisorBadges.contains(data) {
            if blocked == nil, let approved = approve(badge: data, symbology: symbology, at: time) { return .verdict(approved) }   // PackSession+Approval.swift
            return .verdict(override(badge: data, blocked: blocked, symbology: symbology, at: time))
        }
        if let packer = packerName(forBadge: data) {
            return .verdict(signIn(packer, at: time))
        }
        if configuration.requirePacker, packer == nil {
            return .verdict(packerRequired(data: data, symbology: symbology, at: time))
        }
        if let progress = current, let hit = progress.line(for: data, barcode: barcode) {
            guard let line = hit else {
                let v = Verdict(kind: .orderAlreadyOpen, message: "Order \(progress.order.id) is already open; scan its items.", orderID: progress.order.id)
                return .verdict(record(v, data: data, symbology: symbology, at: time))
            }
            return .verdict(packLine(line, product: barcode?.productCode, data: data, symbology: symbology, at: time))
        }
        // Whatever the open order does not know may be another order's barcode (order numbers
        // can look like GTINs, totes can carry SSCCs): it is looked up, and only when no order
        // has it does the scan get the verdict its data alone deserves.
        pendingLookup = PendingLookup(data: data, symbology: symbology, switchCandidate: switchCandidate, parsed: parsed)
        return .lookUpOrder(barcode: data)
    }

    /// The verdict for a scan that is neither on the open order nor an order.
    private func fallbackVerdict(_ parsed: Result<Barcode, InvalidBarcode>, data: String) -> Verdict {
        let id = current?.order.id
        switch parsed {
        case .failure(let invalid):
            return Verdict(kind: .invalidBarcode, message: "Not a valid barcode: \(invalid.reason). Scan it again or enter the item by hand.", orderID: id)
        case .success(let barcode):
            switch barcode.content {
            case .product(let product):
                guard let id else { return Verdict(kind: .noOrderOpen, message: "Scan an order or tote before its items (item \(product.gtin)).") }
                return Verdict(kind: .wrongItem, message: "Item \(product.gtin) is not on order \(id). Put it aside.", orderID: id)
            case .logisticUnit(let sscc, _):
                return Verdict(kind: .unknownBarcode, message: "SSCC \(sscc) is a shipping unit, not an item or an order.", orderID: id)
            case .gs1:
                return Verdict(kind: .unknownBarcode, message: "GS1 data without a product number is not an item or an order.", orderID: id)
            case .text:
                let message = id.map { "\(data.debugPreview) is not on order \($0) and is not an order." } ?? "No order has barcode \(data.debugPreview). Check the pick list."
                return Verdict(kind: .unknownBarcode, message: message, orderID: id)
            }
        }
    }

    /// Continues a scan after the owner looked up the order it may name (nil: no such order).
    public mutating func orderLookedUp(_ order: Order?, at time: Date) -> Verdict {
        guard let pending = pendingLookup else {
            return Verdict(kind: .commandRejected, message: "No order lookup was pending.", orderID: current?.order.id)
        }
        pendingLookup = nil
        let (data, symbology) = (pending.data, pending.symbology)
        guard let order else {
            return record(fallbackVerdict(pending.parsed, data: data), data: data, symbology: symbology, at: time)
        }
        if let progress = current, progress.order.id == order.id {
            return record(Verdict(kind: .orderAlreadyOpen, message: "Order \(order.id) is already open; scan its items.", orderID: order.id), data: data, symbology: symbology, at: time)
        }
        let reasons = blockReasons(order)
        if !reasons.isEmpty {
            lastBlocked = (order, reasons)
            var v = Verdict(kind: .orderBlocked, message: blockMessage(order, reasons), orderID: order.id)
            v.blockReasons = reasons
            return current == nil ? v : record(v, data: data, symbology: symbology, at: time)
        }
        if let progress = current, pending.switchCandidate != order.id {
            pendingSwitch = order.id
            let v = Verdict(kind: .confirmSwitch, message: "Order \(progress.order.id) is still open. Scan \(order.id) again to set it aside and switch, or go on scanning items.", orderID: progress.order.id)
            return record(v, data: data, symbology: symbology, at: time)
        }
        return open(order, data: data, symbology: symbology, override: nil, at: time)
    }

    /// Continues a scan whose order the server refused to this station (another station's, or
    /// cancelled): the packer is told not to pack it; nothing opens, nothing can override it.
    public mutating func orderRefused(_ reason: Verdict.BlockReason, message: String, at time: Date) -> Verdict {
        guard let pending = pendingLookup else {
            return Verdict(kind: .commandRejected, message: "No order lookup was pending.", orderID: current?.order.id)
        }
        pendingLookup = nil
        var v = Verdict(kind: .orderBlocked, message: message, orderID: current?.order.id)
        v.blockReasons = [reason]
        return current == nil ? v : record(v, data: pending.data, symbology: pending.symbology, at: time)
    }

    /// Continues a scan whose order could not be looked up: the server cannot be reached and
    /// the offline cache does not have it. The packer is told so, never that the barcode is
    /// wrong; a product barcode (a GTIN) is still an item (not on the open order, or scanned
    /// before any order), and data that is no barcode at all is still said to be so.
    public mutating func orderUnavailable(at time: Date) -> Verdict {
        guard let pending = pendingLookup else {
            return Verdict(kind: .commandRejected, message: "No order lookup was pending.", orderID: current?.order.id)
        }
        pendingLookup = nil
        switch pending.parsed {
        case .failure: return record(fallbackVerdict(pending.parsed, data: pending.data), data: pending.data, symbology: pending.symbology, at: time)
        case .success(let barcode):
            if case .product = barcode.content {
                return record(fallbackVerdict(pending.parsed, data: pending.data), data: pending.data, symbology: pending.symbology, at: time)
            }
        }
        let v = Verdict(kind: .orderUnavailable, message: "The server cannot be reached and order \(pending.data.debugPreview) is not on this box yet. Put it aside and scan it again when the server is back.", orderID: current?.order.id)
        return current == nil ? v : record(v, data: pending.data, symbology: pending.symbology, at: time)
    }

    private func blockReasons(_ order: Order) -> [Verdict.BlockReason] {
        var reasons: [Verdict.BlockReason] = []
        if order.status == .cancelled { reasons.append(.cancelled) }
        if order.payment != .captured { reasons.append(.paymentNotCaptured) }
        if order.status == .onHold { reasons.append(.onHold) }
        if order.status == .packed || recentlyPacked.contains(order.id) { reasons.append(.alreadyPacked) }
        return reasons
    }

    private func blockMessage(_ order: Order, _ reasons: [Verdict.BlockReason]) -> String {
        let words = reasons.map { r in
            switch r {
            case .cancelled: "it is cancelled"
            case .onHold: order.rules?.holdReason.map { "it is on hold (\($0))" } ?? "it is on hold"
            case .paymentNotCaptured: "its payment is \(order.payment.rawValue), not captured"
            case .alreadyPacked: "it is already packed"
            case .otherStation: "it is queued for another station"
            case .supervisorApproval: "it needs a supervisor's approval"
            }
        }
        let advice = reasons.allSatisfy(\.isOverridable) ? " A supervisor may scan their badge to override." : " Put it aside and call a supervisor."
        return "Do not pack order \(order.id): \(words.joined(separator: " and ")).\(advice)"
    }

    private mutating func override(badge: String, blocked: (order: Order, reasons: [Verdict.BlockReason])?, symbology: String?, at time: Date) -> Verdict {
        guard let blocked else {
            return Verdict(kind: .overrideRefused, message: "Nothing to override: scan the badge right after a blocked order.", orderID: current?.order.id)
        }
        guard blocked.reasons.allSatisfy(\.isOverridable) else {
            var v = Verdict(kind: .overrideRefused, message: "Order \(blocked.order.id) cannot be overridden: \(blockMessage(blocked.order, blocked.reasons.filter { !$0.isOverridable }))", orderID: blocked.order.id)
            v.blockReasons = blocked.reasons
            return v
        }
        let override = PackResult.Override(badge: badge, reasons: overrideReasons(blocked.order, blocked.reasons), at: time)
        var v = open(blocked.order, data: badge, symbology: symbology, override: override, at: time)
        v.kind = .overrideAccepted
        v.blockReasons = blocked.reasons
        return v
    }

    /// Opens (or resumes) an order, parking the current one.
    private mutating func open(_ order: Order, data: String, symbology: String?, override: PackResult.Override?, at time: Date) -> Verdict {
        if let progress = current { parked.append(progress) }
        var progress: OrderProgress
        var message: String
        if let i = parked.firstIndex(where: { $0.order.id == order.id }) {
            progress = parked.remove(at: i)
            message = "Order \(order.id) resumed."
        } else {
            progress = OrderProgress(order: order, at: time)
            message = "Order \(order.id) opened: \(order.lines.reduce(0) { $0 + $1.quantity }) units on \(order.lines.count) line\(order.lines.count == 1 ? "" : "s")."
        }
        if let previous = current { message += " Order \(previous.order.id) is set aside." }
        if let override { progress.override = override }
        current = progress
        var v = Verdict(kind: .orderOpened, message: message, orderID: order.id)
        v.notices = notices(for: order, override: override)
        return record(v, data: data, symbology: symbology, at: time)
    }

    /// Appends the input to the open order's record and returns the verdict.
    mutating func record(_ verdict: Verdict, data: String, symbology: String?, quantity: Int = 0, serial: String? = nil, lot: String? = nil, at time: Date) -> Verdict {
        guard current != nil, verdict.result == nil else { return verdict }
        let entry = ScanRecord(sequence: current!.scans.count + 1, data: data, symbology: symbology, verdict: verdict.kind, sku: verdict.sku, quantity: quantity, serial: serial, lot: lot, at: time)
        current!.scans.append(entry)
        return verdict
    }

    /// Ends the open order, remembering it so it is not packed twice.
    mutating func finish(_ outcome: PackResult.Outcome, verdict: Verdict, data: String, symbology: String?, quantity: Int = 0, serial: String? = nil, lot: String? = nil, at time: Date) -> Verdict {
        if outcome != .abandoned, let progress = current, needsApproval(progress) {
            // A rule requires a supervisor: the order stays open, nothing prints (PackSession+Approval.swift).
            var waiting = verdict
            waiting.kind = .approvalRequired
            waiting.message = approvalMessage(progress.order)
            return record(waiting, data: data, symbology: symbology, quantity: quantity, serial: serial, lot: lot, at: time)
        }
        var v = record(verdict, data: data, symbology: symbology, quantity: quantity, serial: serial, lot: lot, at: time)
        let progress = current!
        let box = outcome == .abandoned ? nil : Box.suggest(for: progress.order.lines, from: configuration.boxes)?.name
        v.result = progress.result(station: configuration.station, packer: packer, outcome: outcome, at: time, box: box)
        if outcome != .abandoned {
            closeLastBox(progress, verdict: &v)
            rememberLabels(progress, verdict: v)
        }
        current = nil
        if outcome != .abandoned {
            recentlyPacked.append(progress.order.id)
            if recentlyPacked.count > Self.rememberedOrders { recentlyPacked.removeFirst() }
        }
        return v
    }
}

extension Result where Failure == InvalidBarcode {
    var failureSymbology: SymbologyIdentifier? {
        if case .failure(let e) = self { return e.symbology }
        return nil
    }
}

extension Barcode {
    var productCode: ProductCode? {
        if case .product(let p) = content { return p }
        return nil
    }
}

extension String {
    /// The text for a message: quoted, control characters shown, long data cut.
    var debugPreview: String {
        let cut = unicodeScalars.count > 60 ? String(String.UnicodeScalarView(unicodeScalars.prefix(60))) + "…" : self
        return "\"" + cut.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "<\(String($0.value, radix: 16, uppercase: true))>" : String($0) }.joined() + "\""
    }
}
