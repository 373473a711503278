import Foundation
import PackCore
import Testing
@testable import Station

@Suite struct VerifyReplayTests {
    static let order = #"{"id":"1001","barcodes":["ORD-1001"],"status":"ready","payment":"captured","lines":[{"sku":"MUG","quantity":2,"barcodes":["4006381333931"]}]}"#

    private func replay(_ scans: [String], orders: String = Self.order) throws -> [JSONValue] {
        let parsed = try OrderFile.orders(bytes: Array(orders.utf8), name: "o.json")
        var replay = try VerifyReplay(orders: parsed, configuration: .init())
        var lines: [String] = []
        let entries = scans.enumerated().map { ScanFile.Entry(line: $0.offset + 1, data: $0.element) }
        replay.replay(entries, now: { Date(timeIntervalSince1970: 0) }) { lines.append($0) }
        #expect(lines.allSatisfy { !$0.contains("\n") })
        return try lines.map { try JSONParser.parse($0) }
    }

    @Test func oneLinePerScanThenASummary() throws {
        let out = try replay(["ORD-1001", "4006381333931", "NOPE", "]E04006381333931"])
        #expect(out.count == 5)
        #expect(out.prefix(4).map { $0["verdict"] } == [.string("order_opened"), .string("accepted"), .string("unknown_barcode"), .string("order_complete")])
        #expect(out[1]["scan"] == .string("4006381333931"))
        #expect(out[1]["sku"] == .string("MUG") && out[1]["packed"] == .number("1") && out[1]["expected"] == .number("2"))
        #expect(out[3]["line"] == .number("4"))
        let summary = out[4]
        #expect(summary["verdict"] == nil)
        #expect(summary["complete"] == .bool(true))
        #expect(summary["result"]?["outcome"] == .string("packed"))
        #expect(summary["result"]?["scans"].map { if case .array(let a) = $0 { a.count } else { 0 } } == 4)
    }

    @Test func anUnfinishedReplayIsNotComplete() throws {
        let out = try replay(["ORD-1001", "4006381333931"])
        #expect(out.last?["complete"] == .bool(false))
        #expect(out.last?["result"]?["outcome"] == .string("open"))
    }

    @Test func readsOrdersAsObjectArrayOrJSONLines() throws {
        let a = #"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1}]}"#
        let b = #"{"id":"B","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1}]}"#
        #expect(try OrderFile.orders(bytes: Array(a.utf8), name: "x").map(\.id) == ["A"])
        #expect(try OrderFile.orders(bytes: Array("[\(a),\(b)]".utf8), name: "x").map(\.id) == ["A", "B"])
        #expect(try OrderFile.orders(bytes: Array("\(a)\n\n\(b)\n".utf8), name: "x").map(\.id) == ["A", "B"])
    }

    @Test(arguments: [
        ("", "x.json is empty; it must hold an order as JSON."),
        ("{\"id\":", "x.json is not valid JSON: line 1, column 7: unexpected end of the document. Fix the file or export it again."),
        ("{}\n{", "x.json line 2 is not valid JSON: expected a member name in quotes, found the end of the document (column 2)."),
        (#"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":0}]}"#,
         "x.json: the order is not valid (1 problem):\n  lines[0].quantity: must be at least 1, found 0"),
    ])
    func badOrderFilesSayWhatIsWrong(text: String, message: String) {
        #expect {
            try OrderFile.orders(bytes: Array(text.utf8), name: "x.json")
        } throws: { error in
            (error as? StationError)?.message == message
        }
    }

    @Test func ordersSharingABarcodeAreRefused() throws {
        let a = #"{"id":"A","barcodes":["T1"],"status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1}]}"#
        let b = #"{"id":"B","barcodes":["T1"],"status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1}]}"#
        let orders = try OrderFile.orders(bytes: Array("[\(a),\(b)]".utf8), name: "x")
        #expect {
            try VerifyReplay(orders: orders, configuration: .init())
        } throws: { error in
            (error as? StationError)?.message == "The orders cannot be packed together: barcode \"T1\" opens both order A and order B."
        }
    }
}
