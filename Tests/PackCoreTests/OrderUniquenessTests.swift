import Foundation
import Testing
@testable import PackCore

/// Repeated SKUs and barcodes claimed twice are found in large orders too, where the lookups
/// switch from arrays to hashing (`SmallMap`).
@Suite struct OrderUniquenessTests {
    static func order(lines: Int, sku: (Int) -> String, barcode: (Int) -> String) -> String {
        let body = (0..<lines).map { #"{"sku":"\#(sku($0))","quantity":1,"barcodes":["\#(barcode($0))"]}"# }
        return #"{"id":"A","barcodes":["ORD-1"],"status":"ready","payment":"captured","lines":["# + body.joined(separator: ",") + "]}"
    }

    static func gtin13(_ n: Int) -> String {
        let digits = String(format: "400%09d", n)
        let sum = digits.enumerated().reduce(0) { $0 + Int(String($1.element))! * ($1.offset % 2 == 0 ? 1 : 3) }
        return digits + String((10 - sum % 10) % 10)
    }

    func problems(_ json: String) -> [String] {
        do {
            _ = try Order.decode(from: Array(json.utf8))
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test(arguments: [3, 40])
    func aBarcodeOfTwoLinesIsRefusedAtAnySize(lines: Int) {
        // The last line's barcode is line 1's in its 14-digit form.
        let json = Self.order(lines: lines, sku: { "S\($0)" }, barcode: { $0 == lines - 1 ? "0" + Self.gtin13(1) : Self.gtin13($0) })
        #expect(problems(json) == [#"lines[\#(lines - 1)].barcodes[0]: "0\#(Self.gtin13(1))" is also claimed by lines[1]; a barcode must lead to one line"#])
    }

    @Test(arguments: [3, 40])
    func aRepeatedSKUIsRefusedAtAnySize(lines: Int) {
        let json = Self.order(lines: lines, sku: { $0 == lines - 1 ? "S0" : "S\($0)" }, barcode: { Self.gtin13($0) })
        #expect(problems(json) == [#"lines[\#(lines - 1)].sku: "S0" is already the SKU of lines[0]; put all units of one SKU on one line"#])
    }

    @Test func anOrderBarcodeUsedAsASKUIsRefusedInALargeOrder() {
        let json = Self.order(lines: 40, sku: { $0 == 30 ? "ORD-1" : "S\($0)" }, barcode: { Self.gtin13($0) })
        #expect(problems(json) == [#"lines[30].sku: "ORD-1" is also claimed by barcodes[0]; a barcode must lead to one line"#])
    }

    @Test func manyDistinctLinesAreAccepted() throws {
        let order = try Order.decode(from: Array(Self.order(lines: 500, sku: { "S\($0)" }, barcode: { Self.gtin13($0) }).utf8))
        #expect(order.lines.count == 500)
    }
}
