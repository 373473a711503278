/// What the session says about one scan or command: the name the packer's screen, the sound
/// and the CLI show, the line it touched and, when the order ends, the pack result.
public struct Verdict: Hashable, Sendable {
    /// The verdict names, as they appear in JSON output.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case orderOpened = "order_opened"
        case accepted
        case orderComplete = "order_complete"
        case wrongItem = "wrong_item"
        case overQuantity = "over_quantity"
        case unknownBarcode = "unknown_barcode"
        case invalidBarcode = "invalid_barcode"
        case orderBlocked = "order_blocked"
        case serialRequired = "serial_required"
        case duplicateSerial = "duplicate_serial"
        /// A product was scanned before any order.
        case noOrderOpen = "no_order_open"
        /// The open order's own barcode again; nothing changes.
        case orderAlreadyOpen = "order_already_open"
        /// Another order's barcode mid-pack: scan it again to switch, anything else to stay.
        case confirmSwitch = "confirm_switch"
        case undone
        case nothingToUndo = "nothing_to_undo"
        case quantitySet = "quantity_set"
        /// A short-ship command waits for the line it applies to.
        case shortPending = "short_pending"
        case lineShorted = "line_shorted"
        case orderAbandoned = "order_abandoned"
        /// `CMD:NEWBOX`: the box being packed is closed (its label prints), the next one is open.
        case boxClosed = "box_closed"
        /// `CMD:REPRINT`: the last finished order's package labels print again.
        case labelsReprinted = "labels_reprinted"
        /// `CMD:VOID`: the last label printed is void; its replacement prints, marked as such.
        case labelVoided = "label_voided"
        /// `CMD:REPRINT` or `CMD:VOID` waits for a supervisor badge (configured to require one).
        case supervisorRequired = "supervisor_required"
        /// `CMD:REPRINT` or `CMD:VOID` with no label printed at this bench yet.
        case nothingToReprint = "nothing_to_reprint"
        /// A reprint waiting for a supervisor badge was cancelled (another scan) or timed out.
        case reprintCancelled = "reprint_cancelled"
        case overrideAccepted = "override_accepted"
        case overrideRefused = "override_refused"
        /// A command that cannot apply now (bad quantity, unknown reason, nothing to short).
        case commandRejected = "command_rejected"
        /// A packer's badge: they are signed in at the bench (`packer` names them).
        case signedIn = "signed_in"
        /// `CMD:SIGNOUT`, or the idle timeout: nobody is signed in now.
        case signedOut = "signed_out"
        /// `station.require_packer`: nothing is packed until a packer scans their badge.
        case packerRequired = "packer_required"
        /// The server cannot be reached and the scanned order is not in the offline cache yet:
        /// not a wrong barcode; it opens once the server answers again.
        case orderUnavailable = "order_unavailable"
        /// The order is complete but a rule requires a supervisor: nothing prints until one
        /// scans their badge (Order+Rules.swift, PackSession+Approval.swift).
        case approvalRequired = "approval_required"
        /// A supervisor's badge approved the open order before it was complete.
        case approvalGiven = "approval_given"
        /// `CMD:LOAD:CARRIER` (or `bench.mode = "load"`): the bench scans packages into that carrier's trailer.
        case loadStarted = "load_started"
        /// `CMD:LOAD:END` or `CMD:PACK`: the bench packs again.
        case loadEnded = "load_ended"
        /// Load mode: the verdicts of LoadVerdict.Kind (docs/dock.md).
        case loaded
        case alreadyLoaded = "already_loaded"
        case wrongCarrier = "wrong_carrier"
        case unknownPackage = "unknown_package"
        case notPacked = "not_packed"
    }

    /// Why an order may not be packed.
    public enum BlockReason: String, Hashable, Sendable, CaseIterable {
        case cancelled
        case onHold = "on_hold"
        case paymentNotCaptured = "payment_not_captured"
        case alreadyPacked = "already_packed"
        /// The server keeps it for another station (it refused it to this one).
        case otherStation = "other_station"
        /// A rule requires a supervisor's approval (recorded in the override that gives it).
        case supervisorApproval = "supervisor_approval"

        /// Whether a supervisor may override it (cancelled and unpaid orders never ship).
        public var isOverridable: Bool { self == .onHold || self == .alreadyPacked || self == .supervisorApproval }
    }

    /// The verdict name.
    public var kind: Kind
    /// For `order_blocked`: every reason, the most serious first.
    public var blockReasons: [BlockReason] = []
    /// A sentence for the packer.
    public var message: String
    /// The order this verdict concerns.
    public var orderID: String?
    /// The line touched, with its counts after this input.
    public var sku: String?
    /// Units packed on that line after this input.
    public var packed: Int?
    /// Units the line needs.
    public var expected: Int?
    /// What the packer must notice, given when an order opens.
    public var notices: [Notice] = []
    /// For `signed_in` and `signed_out`: the packer.
    public var packer: String?
    /// The finished record, when this input completed or abandoned the order.
    public var result: PackResult?
    /// The box this input closed (`box_closed`, or the last box of a completed order).
    public var closedBox: PackResult.BoxRecord?
    /// The package labels to print now, in order: a closed box's, a completed order's, and
    /// reprints of earlier boxes whose "k of N" the final count changed.
    public var labels: [PackageLabel] = []
    /// For `labels_reprinted` and `label_voided`: what is printed again, for which order.
    public var reprint: Reprint?

    /// Creates a verdict.
    public init(kind: Kind, message: String, orderID: String? = nil) {
        self.kind = kind
        self.message = message
        self.orderID = orderID
    }
}

/// Labels printed again at the packer's command: the order they belong to (which may not be
/// the open one), and the supervisor whose badge allowed it.
public struct Reprint: Hashable, Sendable {
    /// The order whose labels print again (its `labels` are in the verdict).
    public var order: Order
    /// For `label_voided`: the label made void (its replacement is the verdict's one label).
    public var voided: PackageLabel?
    /// The supervisor badge scanned, when the configuration requires one.
    public var supervisor: String?
}

/// Something the packer must notice about an order: priority, high value, gift insert, notes, box.
public struct Notice: Hashable, Sendable {
    /// The notice kinds.
    public enum Kind: String, Hashable, Sendable {
        case priority, highValue = "high_value", giftInsert = "gift_insert", note, box, flag, override
        /// From the hub's rules: a notice, an insert to put in, a supervisor's approval needed.
        case rule, insert, supervisor
    }
    /// What kind of notice.
    public var kind: Kind
    /// The text to show.
    public var message: String

    /// Creates a notice.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
