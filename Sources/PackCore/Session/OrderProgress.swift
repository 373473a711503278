import Barcodes
import Foundation

/// An order being packed: what each line still needs, and everything recorded so far.
public struct OrderProgress: Hashable, Sendable {
    /// The order.
    public let order: Order
    /// Units packed per line, in `order.lines` order.
    public internal(set) var packed: [Int]
    /// Units short-shipped per line.
    public internal(set) var short: [Int]
    /// Why each short line is short.
    public internal(set) var shortReasons: [String?]
    /// Serials captured per line.
    public internal(set) var serials: [[String]]
    /// Lots seen per line.
    public internal(set) var lots: [[String]]
    /// Every input while open.
    public internal(set) var scans: [ScanRecord] = []
    /// When it was opened.
    public let startedAt: Date
    /// The override that opened it.
    public internal(set) var override: PackResult.Override?
    /// Units the next product scan counts, set by a quantity command.
    public internal(set) var pendingQuantity: Int?
    /// A short-ship reason waiting for the line it applies to.
    public internal(set) var pendingShortReason: String?
    /// Units packed per line in each box, box 1 first; the last is the box being packed.
    public internal(set) var boxes: [[Int]]
    /// The package count the label of each closed box stated ("k of N"), box 1 first.
    public internal(set) var labelledTotals: [Int] = []

    /// Where each key leads: a line index, or nil for the order's own barcodes.
    let index: [MatchKey: Int?]
    var undoStack: [UndoEntry] = []

    enum UndoEntry: Hashable, Sendable {
        case packed(line: Int, units: Int, serial: String?, lot: String?, lotWasNew: Bool)
        case shorted(line: Int, units: Int, previousReason: String?)
    }

    init(order: Order, at time: Date) {
        self.order = order
        let n = order.lines.count
        packed = Array(repeating: 0, count: n)
        short = Array(repeating: 0, count: n)
        shortReasons = Array(repeating: nil, count: n)
        serials = Array(repeating: [], count: n)
        lots = Array(repeating: [], count: n)
        boxes = [Array(repeating: 0, count: n)]
        startedAt = time
        var index: [MatchKey: Int?] = [:]
        for code in order.barcodes { index[.text(code)] = .some(nil) }
        for (i, line) in order.lines.enumerated() {
            index[.text(line.sku)] = i
            for code in line.barcodes {
                for key in MatchKey.keys(forPrinted: code) { index[key] = i }
            }
        }
        self.index = index
    }

    /// Units still to pack (or short) on a line.
    public func remaining(_ line: Int) -> Int { order.lines[line].quantity - packed[line] - short[line] }

    /// Whether every line is packed or short-shipped.
    public var isComplete: Bool { order.lines.indices.allSatisfy { remaining($0) == 0 } }

    /// The line a barcode leads to: exact text first, then the product in any GTIN form.
    func line(for data: String, barcode: Barcode?) -> Int?? {
        if let hit = index[.text(data)] { return hit }
        guard let barcode, case .product(let product) = barcode.content else { return nil }
        for gtin in [product.gtin] + product.alternates {
            if let hit = index[.product(gtin)] { return hit }
        }
        return nil
    }

    /// A snapshot of the record so far, as if it ended now with `outcome`.
    public func result(station: String, packer: String?, outcome: PackResult.Outcome, at time: Date, box: String?) -> PackResult {
        let lines = order.lines.enumerated().map { i, line in
            PackResult.LineResult(sku: line.sku, expected: line.quantity, packed: packed[i], short: short[i], shortReason: shortReasons[i], serials: serials[i], lots: lots[i])
        }
        return PackResult(orderID: order.id, station: station, packer: packer, outcome: outcome, startedAt: startedAt, endedAt: time, lines: lines, scans: scans, override: override, box: box,
                          boxes: boxes.count > 1 ? boxRecords() : nil)
    }

    /// The box being packed, 1-based.
    public var boxNumber: Int { boxes.count }

    /// The boxes with something in them, box 1 first.
    func boxRecords() -> [PackResult.BoxRecord] {
        boxes.indices.filter { boxes[$0].contains { $0 > 0 } }.map(boxRecord)
    }

    /// Box `i` (0-based) as recorded: its lines and weight.
    func boxRecord(_ i: Int) -> PackResult.BoxRecord {
        let lines = order.lines.indices.filter { boxes[i][$0] > 0 }.map { (sku: order.lines[$0].sku, quantity: boxes[i][$0]) }
        return PackResult.BoxRecord(number: i + 1, lines: lines, weightGrams: weightGrams(box: i))
    }

    /// Box `i`'s weight: the order's for that package, else what went in when every unit's weight is known.
    func weightGrams(box i: Int) -> Int? {
        if let given = order.shipment?.weightGrams(package: i + 1) { return given }
        var grams = 0
        for (line, units) in zip(order.lines, boxes[i]) where units > 0 {
            guard let w = line.weightGrams else { return nil }
            grams += w * units
        }
        return grams > 0 ? grams : nil
    }

    /// The most boxes the shipment can have: one per carrier label when the carrier labelled
    /// the packages (a box without a carrier label cannot ship); nil when there is no limit.
    var boxLimit: Int? {
        guard let shipment = order.shipment, shipment.label != nil || shipment.hasLabelPerPackage else { return nil }
        return shipment.packages
    }
}
