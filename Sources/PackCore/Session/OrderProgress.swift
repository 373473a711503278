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
        return PackResult(orderID: order.id, station: station, packer: packer, outcome: outcome, startedAt: startedAt, endedAt: time, lines: lines, scans: scans, override: override, box: box)
    }
}
