import Testing
@testable import PackCore

/// A hostile order gets the first 100 problems and the count of all, and no more messages are built.
@Suite struct OrderProblemLimitTests {
    @Test func aHugeBadOrderGetsTheFirstHundredProblemsAndTheCount() throws {
        // 10,000 lines (the most allowed), each with 100 barcodes that are numbers: a million
        // problems in 2.5 MB.
        let barcodes = "[" + Array(repeating: "0", count: 100).joined(separator: ",") + "]"
        let lines = (0..<Order.maximumLines).map { #"{"sku":"S\#($0)","quantity":1,"barcodes":\#(barcodes)}"# }
        let json = #"{"id":"A","status":"ready","payment":"captured","lines":["# + lines.joined(separator: ",") + "]}"
        let error = try #require(throws: OrderError.self) { try Order.decode(from: Array(json.utf8)) }
        #expect(error.totalCount == 1_000_000)
        #expect(error.problems.count == 100)
        #expect(error.problems.first?.description == "lines[0].barcodes[0]: must be a string, found a number")
        #expect(error.problems.last?.description == "lines[0].barcodes[99]: must be a string, found a number")
        #expect(error.description.hasPrefix("the order is not valid (1000000 problems):\n  lines[0].barcodes[0]: "))
        #expect(error.description.hasSuffix("\n  … and 999950 more"))
        // The tree path (hub, sync) is bounded the same way.
        let tree = try #require(throws: OrderError.self) { try Order.decode(from: try JSONParser.parse(json)) }
        #expect(tree == error)
    }

    @Test func messagesPastTheLimitAreNeverBuilt() {
        var list = ProblemList(limit: 3)
        var built = 0
        func message(_ i: Int) -> String {
            built += 1
            return "problem \(i)"
        }
        for i in 0..<1_000 { list.append("$", message(i)) }
        #expect(built == 3)
        #expect(list.count == 1_000 && list.omitted == 997)
        #expect(list.kept.map(\.message) == ["problem 0", "problem 1", "problem 2"])
    }

    @Test func listsAddUpWithTheirCounts() {
        var file = ProblemList()
        var order = ProblemList()
        for i in 0..<150 { order.append("lines[\(i)].sku", "is required") }
        file.append(contentsOf: order, prefix: "line 3: ")
        file.append(contentsOf: order, prefix: "line 9: ")
        #expect(file.count == 300)
        #expect(file.kept.count == 100)
        #expect(file.kept[99].path == "line 3: lines[99].sku")
        let error = OrderError(file)
        #expect(error.totalCount == 300 && error.problems.count == 100)
        #expect(error.list == file)
    }

    @Test func anErrorBuiltFromAnArrayKeepsTheFirstHundred() {
        let error = OrderError(problems: (0..<250).map { .init(path: "lines[\($0)]", message: "is bad") })
        #expect(error.problems.count == 100 && error.totalCount == 250)
        #expect(error.description.hasSuffix("… and 200 more"))
    }
}
