import PackCore
import Testing
@testable import Station

/// Order files decoded in place (no JSONValue tree): the same orders and the same messages.
@Suite struct OrderFileTests {
    static func order(_ id: String, quantity: Int = 1) -> String {
        #"{"id":"\#(id)","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":\#(quantity)}]}"#
    }

    @Test func everyElementOfAnArrayIsAnOrder() throws {
        let text = "[\n" + (0..<1_000).map { Self.order("SO-\($0)") }.joined(separator: ",\n") + "\n]"
        let orders = try OrderFile.orders(bytes: Array(text.utf8), name: "all.json")
        #expect(orders.map(\.id) == (0..<1_000).map { "SO-\($0)" })
    }

    @Test func manyBadOrdersShowFiveAndCountTheRest() {
        let text = "[" + (0..<10_000).map { Self.order("SO-\($0)", quantity: 0) }.joined(separator: ",") + "]"
        let problem = "the order is not valid (1 problem):\n  lines[0].quantity: must be at least 1, found 0"
        let expected = (0..<5).map { "bad.json [\($0)]: \(problem)" }.joined(separator: "\n") + "\n… and 9995 more invalid orders"
        #expect {
            try OrderFile.orders(bytes: Array(text.utf8), name: "bad.json")
        } throws: { error in
            (error as? StationError)?.code == "orders.invalid" && (error as? StationError)?.message == expected
        }
    }

    @Test func jsonLinesAreLabelledByLine() {
        let text = Self.order("A") + "\n\n" + Self.order("B", quantity: 0) + "\n"
        #expect {
            try OrderFile.orders(bytes: Array(text.utf8), name: "o.jsonl")
        } throws: { error in
            (error as? StationError)?.message == "o.jsonl:3: the order is not valid (1 problem):\n  lines[0].quantity: must be at least 1, found 0"
        }
    }
}
