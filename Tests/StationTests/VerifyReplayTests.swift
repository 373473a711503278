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

    /// CMD:NEWBOX through `packstation verify`: the box_closed line carries the closed box and
    /// the label to print; the summary's result records what went into which box.
    @Test func boxesAreReplayedAndRecorded() throws {
        let order = #"{"id":"1001","barcodes":["ORD-1001"],"status":"ready","payment":"captured","lines":[{"sku":"MUG","quantity":2,"barcodes":["4006381333931"],"weight_g":350}],"#
            + #""shipment":{"carrier":"DHL","service":"Paket","from":{"name":"W","street":["S 1"],"city":"X","country":"DE"},"to":{"name":"P","street":["A 2"],"city":"Y","country":"DE"},"packages":2}}"#
        let out = try replay(["ORD-1001", "4006381333931", "CMD:NEWBOX", "CMD:NEWBOX", "4006381333931"], orders: order)
        #expect(out.prefix(5).map { $0["verdict"] } == [.string("order_opened"), .string("accepted"), .string("box_closed"), .string("command_rejected"), .string("order_complete")])
        #expect(out[2]["box"]?.jsonText == #"{"number":1,"lines":[{"sku":"MUG","quantity":1}],"weight_g":350}"#)
        #expect(out[2]["labels"]?.jsonText == #"[{"package":1,"packages":2,"weight_g":350}]"#)
        #expect(out[3]["message"] == .string("Box 2 of order 1001 is empty: pack at least one item into it before closing it with CMD:NEWBOX."))
        #expect(out[4]["labels"]?.jsonText == #"[{"package":2,"packages":2,"weight_g":350}]"#)
        #expect(out[5]["result"]?["boxes"]?.jsonText == #"[{"number":1,"lines":[{"sku":"MUG","quantity":1}],"weight_g":350},{"number":2,"lines":[{"sku":"MUG","quantity":1}],"weight_g":350}]"#)
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
