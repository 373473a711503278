import Foundation

/// The record of one packing of one order: what labels are printed from and what is synced
/// to the server.
public struct PackResult: Hashable, Sendable {
    /// How the packing ended.
    public enum Outcome: String, Hashable, Sendable {
        /// Every unit packed.
        case packed
        /// Complete, with some units short-shipped.
        case shortShipped = "short_shipped"
        /// Given up (by command, or nothing left to pack).
        case abandoned
        /// Still being packed: a snapshot of an open order.
        case open
    }

    /// One line's outcome.
    public struct LineResult: Hashable, Sendable {
        /// The SKU.
        public var sku: String
        /// Units ordered.
        public var expected: Int
        /// Units packed.
        public var packed: Int
        /// Units short-shipped.
        public var short: Int
        /// Why they were short, if any were.
        public var shortReason: String?
        /// Serial numbers captured, in scan order.
        public var serials: [String]
        /// Lot numbers seen.
        public var lots: [String]
    }

    /// A supervisor's override of a block.
    public struct Override: Hashable, Sendable {
        /// The supervisor's badge.
        public var badge: String
        /// The blocks that were overridden.
        public var reasons: [Verdict.BlockReason]
        /// When.
        public var at: Date
    }

    /// The order id.
    public var orderID: String
    /// The station (bench) that packed it.
    public var station: String
    /// The packer, when known.
    public var packer: String?
    /// How it ended.
    public var outcome: Outcome
    /// When the order was opened.
    public var startedAt: Date
    /// When it ended.
    public var endedAt: Date
    /// Every line.
    public var lines: [LineResult]
    /// Every scan and command while the order was open, with its verdict.
    public var scans: [ScanRecord]
    /// The override that opened it, if one did.
    public var override: Override?
    /// The suggested box, if dimensions were known.
    public var box: String?
    /// What went into which box, when the packer closed boxes with `CMD:NEWBOX`; nil when the
    /// order was packed without it (then which item is in which box is not known).
    public var boxes: [BoxRecord]?

    /// One box of a shipment of several.
    public struct BoxRecord: Hashable, Sendable {
        /// 1-based, in the order the boxes were packed: the package number on its label.
        public var number: Int
        /// What went in: units per SKU, in the order's line order.
        public var lines: [(sku: String, quantity: Int)]
        /// The package weight in grams: the order's `package_weights`, else the sum of the unit
        /// weights of what went in when every one is known.
        public var weightGrams: Int?

        /// Creates a box record.
        public init(number: Int, lines: [(sku: String, quantity: Int)], weightGrams: Int? = nil) {
            self.number = number
            self.lines = lines
            self.weightGrams = weightGrams
        }

        /// Units in the box.
        public var units: Int { lines.reduce(0) { $0 + $1.quantity } }

        public static func == (a: BoxRecord, b: BoxRecord) -> Bool {
            a.number == b.number && a.weightGrams == b.weightGrams && a.lines.elementsEqual(b.lines) { $0.sku == $1.sku && $0.quantity == $1.quantity }
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(number)
            hasher.combine(weightGrams)
            for line in lines {
                hasher.combine(line.sku)
                hasher.combine(line.quantity)
            }
        }
    }
}

/// A package label the owner must print: package `package` of `packages` ("2 of 3").
public struct PackageLabel: Hashable, Sendable {
    /// 1-based package number.
    public var package: Int
    /// The shipment's package count as the label states it.
    public var packages: Int
    /// The package's weight in grams, when known.
    public var weightGrams: Int?
    /// A corrected label for a box already labelled with another count.
    public var reprint: Bool

    /// Creates a package label.
    public init(package: Int, packages: Int, weightGrams: Int? = nil, reprint: Bool = false) {
        self.package = package
        self.packages = packages
        self.weightGrams = weightGrams
        self.reprint = reprint
    }
}

/// One input while an order was open, as recorded in the pack result.
public struct ScanRecord: Hashable, Sendable {
    /// 1-based position in the order's packing.
    public var sequence: Int
    /// The data as scanned (or the command as a barcode text).
    public var data: String
    /// The AIM symbology, e.g. `]C1`, when the scanner sent one.
    public var symbology: String?
    /// The verdict name.
    public var verdict: Verdict.Kind
    /// The line it touched.
    public var sku: String?
    /// Units it added (or removed, negative for undo).
    public var quantity: Int
    /// Serial captured.
    public var serial: String?
    /// Lot captured.
    public var lot: String?
    /// When.
    public var at: Date
}
