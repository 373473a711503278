import Foundation
import GRDB
@testable import Hub
import PackCore
import Testing

/// CSV order files as spreadsheets and shop platforms write them, and broken ones: every file
/// either imports whole or fails with each problem named by line and column, nothing stored.
@Suite struct OrderImportCSVTests {
    static let header = "order_id,order_barcodes,status,payment,priority,sku,description,quantity,item_barcodes,serialized"

    /// The orders, or the error, for a CSV text.
    static func parse(_ text: String) throws(HubError) -> [Order] {
        try OrderImport.parse(Array(text.utf8), name: "wave.csv").map(\.order)
    }

    /// The error's problems as `path: message` lines.
    static func problems(_ text: String) -> (message: String, lines: [String]) {
        do {
            let orders = try parse(text)
            Issue.record("imported \(orders.count) order(s) from a bad file")
            return ("", [])
        } catch {
            #expect(error.code == "bad_file")
            return (error.message, error.problems.map { "\($0.path): \($0.message)" })
        }
    }

    /// (name, file, order ids, descriptions of all lines in order)
    static let accepted: [(String, String, [String], [String])] = [
        // Excel "CSV UTF-8": a BOM, CRLF rows, Alt+Enter in a cell is a bare LF inside quotes.
        ("Excel CSV UTF-8", "\u{FEFF}" + header + "\r\n"
            + "1001,TOTE-1,ready,captured,express,MUG-B,\"Mug, blue\",2,4006381333931,no\r\n"
            + "1001,TOTE-1,ready,captured,express,CARD,\"Gift card\nhappy birthday\",1,,no\r\n"
            + "1002,,ready,captured,,PLATE,\"12\"\" plate\",1,,\r\n",
         ["1001", "1002"], ["Mug, blue", "Gift card\nhappy birthday", "12\" plate"]),
        // LibreOffice and Google Sheets: LF or CRLF, no BOM, no final line end.
        ("LibreOffice, no final newline", header + "\n1001,,,,,MUG-B,Mug,1,,\n1002,,,,,PLATE,Plate,3,,", ["1001", "1002"], ["Mug", "Plate"]),
        ("Google Sheets CRLF, no final newline", header + "\r\n1001,,,,,MUG-B,Mug,1,,\r\n1002,,,,,PLATE,Plate,3,,", ["1001", "1002"], ["Mug", "Plate"]),
        // Shop exports quote every value, carry columns the hub ignores, and leave the order's
        // columns empty after its first row.
        ("shop export, all quoted, extra columns",
         "\"Name\",\"order_id\",\"Email\",\"status\",\"payment\",\"priority\",\"order_barcodes\",\"sku\",\"description\",\"quantity\",\"item_barcodes\",\"serialized\"\n"
            + "\"#1001\",\"1001\",\"a@example.com\",\"ready\",\"captured\",\"standard\",\"ORD-1001\",\"MUG-B\",\"Mug \"\"Blue\"\"\",\"1\",\"4006381333931\",\"false\"\n"
            + "\"#1001\",\"1001\",\"\",\"\",\"\",\"\",\"\",\"CARD\",\"Card\",\"1\",\"\",\"false\"\n",
         ["1001"], ["Mug \"Blue\"", "Card"]),
        // Classic Mac line ends (CR only) and a quoted CRLF inside a value.
        ("CR line ends", header + "\r1001,,,,,MUG-B,\"two\r\nlines\",1,,\r1002,,,,,PLATE,Plate,1,,\r", ["1001", "1002"], ["two\r\nlines", "Plate"]),
        // Blank lines, whitespace-only lines and rows of empty cells (spreadsheets write ,,, for
        // an empty row in the range) are skipped wherever they are, also before the header.
        ("blank lines and empty rows", "\n\r\n" + header + "\n\n1001,,,,,MUG-B,Mug,1,,\n,,,,,,,,,\n   \n1002,,,,,PLATE,Plate,1,,\n\n\n", ["1001", "1002"], ["Mug", "Plate"]),
        ("header in capitals with spaces", " Order_ID , SKU ,Quantity\n1001,MUG-B,1\n", ["1001"], [""]),
        ("a quoted empty value and trailing spaces after a closing quote", header + "\n1001,\"\",,,,\"MUG-B\"  ,\"\",1,,\n", ["1001"], [""]),
    ]

    @Test(arguments: accepted.indices)
    func exportsOfSpreadsheetsAndShopsImport(index: Int) throws {
        let (name, file, ids, descriptions) = Self.accepted[index]
        let orders = try Self.parse(file)
        #expect(orders.map(\.id) == ids, "\(name)")
        #expect(orders.flatMap(\.lines).map(\.description) == descriptions, "\(name)")
    }

    @Test func theOrderColumnsComeFromTheFirstRow() throws {
        let orders = try Self.parse(Self.accepted[3].1)
        #expect(orders[0].barcodes == ["ORD-1001"])
        #expect(orders[0].lines.map(\.sku) == ["MUG-B", "CARD"])
        #expect(orders[0].lines[0].barcodes == ["4006381333931"])
    }

    /// (name, file, the error's first problem, or its message when the file is refused whole)
    static let refused: [(String, String, String)] = [
        ("unclosed quote mid-file", header + "\n1001,,,,,MUG-B,Mug,1,,\n1002,,,,,PLATE,\"Plate, 12 in,1,,\n1003,,,,,CUP,Cup,1,,\n1004,,,,,BOWL,Bowl,1,,\n",
         "line 3, column 7 (description): a quote opened on line 3 is never closed, so lines 3–5 would be one value; close the quote"),
        ("unclosed quote on the last line, no newline", header + "\n1001,,,,,MUG-B,\"Mug,1,,",
         "line 2, column 7 (description): a quote opened on line 2 is never closed, so line 2 would be one value"),
        // Line numbers count the line breaks inside quoted values.
        ("unclosed quote after a value with line breaks", header + "\n1001,,,,,MUG-B,\"a\nb\r\nc\",1,,\n1002,,,,,PLATE,Plate,1,\"4006381333931,\n",
         "line 5, column 9 (item_barcodes): a quote opened on line 5 is never closed"),
        ("too few fields", header + "\n1001,,,,,MUG-B,\"Mug\nblue\",1,,\n1002,,,,,PLATE,Plate,1\n",
         "line 4: has 8 fields, the header has 10: no value for column 9 (item_barcodes)"),
        ("CR line ends count as lines", header + "\r1001,,,,,MUG-B,\"a\rb\",1,,\r1002,,,,,PLATE\r",
         "line 4: has 6 fields, the header has 10: no value for column 7 (description)"),
        ("an Excel file (BOM, CRLF) with a short row", "\u{FEFF}" + header + "\r\n1001,,,,,MUG-B,\"a\r\nb\",1,,\r\n\r\n1002,,,,,PLATE,Plate\r\n",
         "line 5: has 7 fields, the header has 10: no value for column 8 (quantity)"),
        ("too many fields: a comma not in quotes", header + "\n1001,,,,,MUG-B,Mug, blue,1,,\n",
         "line 2: has 11 fields, the header has 10: column 11 has no header; a value with a comma must be in quotes"),
        ("a bare quote inside a value", header + "\n1001,,,,,PLATE,12\" plate,1,,\n",
         "line 2, column 7 (description): a quote inside a value that does not start with one; put the whole value in quotes"),
        ("a space before the opening quote", header + "\n1001,,,,,MUG-B, \"Mug, blue\",1,,\n",
         "line 2, column 7 (description): a quote inside a value that does not start with one"),
        ("text after a closing quote", header + "\n1001,,,,,MUG-B,\"Mug\" blue,1,,\n",
         "line 2, column 7 (description): text ( blue) follows the closing quote"),
        ("an order's rows apart", header + "\n1001,,,,,MUG-B,Mug,1,,\n1002,,,,,PLATE,Plate,1,,\n1001,,,,,CUP,Cup,1,,\n",
         "line 4: order 1001 starts again after other orders (its first row is line 2); put the rows of one order together"),
        ("an order's rows disagree", header + "\n1001,,ready,,,MUG-B,Mug,1,,\n1001,,cancelled,,,CUP,Cup,1,,\n",
         "line 3, column 3 (status): is 'cancelled' but line 2, the order's first row, says 'ready'"),
        ("a second row sets what the first left empty", header + "\n1001,,,,,MUG-B,Mug,1,,\n1001,,on_hold,,,CUP,Cup,1,,\n",
         "line 3, column 3 (status): is 'on_hold' but line 2, the order's first row, leaves it empty"),
        ("a column twice in the header", "order_id,sku,quantity,sku\n1001,MUG-B,1,CUP\n",
         "line 1, column 4 (sku): sku is a second column of that name"),
        ("a bad quantity names its own row", header + "\n1001,,,,,MUG-B,Mug,1,,\n1001,,,,,CUP,Cup,two,,\n",
         "line 3: lines[1].quantity"),
    ]

    @Test(arguments: refused.indices)
    func brokenFilesNameTheLineAndColumnAndImportNothing(index: Int) {
        let (name, file, expected) = Self.refused[index]
        let (message, problems) = Self.problems(file)
        #expect(message.contains("nothing was imported"), "\(name): \(message)")
        #expect(problems.first?.hasPrefix(expected) == true, "\(name): \(problems)")
    }

    @Test(arguments: [
        ("", "wave.csv is empty"),
        ("\n\r\n,,,\n", "wave.csv is empty"),
        ("\"order_id,sku,quantity\n1001,MUG,1\n", "wave.csv line 1, column 1: a quote opened on line 1 is never closed"),
        ("id,thing\n1,2\n", "the header (line 1) lacks column(s) order_id, sku, quantity"),
    ])
    func aFileWithoutAHeaderSaysWhatTheFirstLineMustBe(file: String, expected: String) {
        let (message, _) = Self.problems(file)
        #expect(message.contains(expected), "\(message)")
        #expect(message.contains("order_id"), "the message lists the columns: \(message)")
    }

    @Test func anUnclosedQuoteStoresNothingEvenThoughEarlierRowsAreGood() throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let rows = (1...50).map { "\($0),,,,,SKU-\($0),Item \($0),1,," }
        let file = Self.header + "\n" + rows[..<25].joined(separator: "\n") + "\n26,,,,,SKU-26,\"Item 26,1,,\n" + rows[26...].joined(separator: "\n") + "\n"
        let error = #expect(throws: HubError.self) { _ = try hub.store.importOrders(OrderImport.parse(Array(file.utf8), name: "wave.csv")) }
        #expect(error?.problems.map(\.path) == ["line 27, column 7 (description)"])
        #expect(error?.problems.first?.message.contains("lines 27–51 would be one value") == true, "\(error?.problems ?? [])")
        #expect(try hub.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders") } == 0)
    }

    @Test func manyBadRowsListTheFirstHundredAndCountAll() {
        let file = Self.header + "\n" + String(repeating: "1001,MUG\n", count: 5000)
        let r = Self.problems(file)
        #expect(r.lines.count == 100)
        #expect(r.lines.first == "line 2: has 2 fields, the header has 10: no value for column 3 (status)")
        #expect(r.lines.last?.hasPrefix("line 101:") == true)
        #expect(r.message == "wave.csv: 5000 problem(s) (the first 100 are listed); nothing was imported.")
    }

    @Test func aHugeQuotedValueIsReadWholeAndLaterLinesKeepTheirNumbers() throws {
        // 8 MiB of text with quotes, commas and line breaks in one cell (a product description
        // pasted from a web page), then a broken row: its line number counts the breaks.
        let chunk = "He said \"\"hi\"\", then left.\r\nNext line, with a comma.\n"
        let repeats = (8 << 20) / chunk.utf8.count
        let file = Self.header + "\n1001,,,,,MUG-B,\"" + String(repeating: chunk, count: repeats) + "\",1,,\n1002,,,,,PLATE\n"
        let csv = CSVRecords(file)
        #expect(csv.records.map(\.line) == [1, 2, 2 + 2 * repeats + 1])
        #expect(csv.records[1].fields[6] == String(repeating: "He said \"hi\", then left.\r\nNext line, with a comma.\n", count: repeats))
        // Orders take descriptions of up to 1,000 characters: the row is refused by that rule,
        // and the broken row after it is named by its own line.
        let bad = Self.problems(file)
        #expect(bad.lines.count == 2)
        #expect(bad.lines.contains { $0.hasPrefix("line 2: lines[0].description") }, "\(bad.lines)")
        #expect(bad.lines.contains("line \(2 + 2 * repeats + 1): has 6 fields, the header has 10: no value for column 7 (description)"), "\(bad.lines)")
    }

    @Test func parsingIsOnePassOverTheBytes() {
        // A scanner that rescans (for the closing quote, the line end or the line count) takes
        // minutes on 16 MiB of short rows or on one 16 MiB value; one pass takes seconds
        // even in a debug build.
        let row = "1001,,,,,MUG-B,\"a, \"\"b\"\"\nc\",1,,\n"
        let file = Self.header + "\n" + String(repeating: row, count: (16 << 20) / row.utf8.count)
            + "1002,,,,,CUP,\"" + String(repeating: "x\"\",\n", count: 4 << 20) + "\",1,,\n"
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = CSVRecords(file) }
        #expect(elapsed < .seconds(60), "\(elapsed)")
        // The whole file became records; the last starts on the right line.
        let csv = CSVRecords(Self.header + "\n" + String(repeating: row, count: 1000))
        #expect(csv.records.count == 1001)
        #expect(csv.records.last?.line == 2 + 2 * 999)
        #expect(csv.unclosed == nil)
    }

    @Test func valuesWrittenByPythonsCSVWriterComeBackExactly() throws {
        // An independent writer: Python's csv module in its Excel dialects, quoting minimal and
        // all, with line ends CRLF and LF, writes tricky values; each must come back as written.
        let script = #"""
            import csv, io, sys
            values = ["Mug, blue", 'Say "hi"', "two\r\nlines", "one\nline break", "  spaced  ", "", "Zoë 北京", '"', ",", "semi;colon"]
            for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL):
                for end in ("\r\n", "\n"):
                    out = io.StringIO(newline="")
                    w = csv.writer(out, quoting=quoting, lineterminator=end)
                    w.writerow(["order_id", "sku", "quantity", "description"])
                    for i, v in enumerate(values):
                        w.writerow([str(1000 + i), "SKU", "1", v])
                    sys.stdout.write(out.getvalue() + "\x00")
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let files = String(decoding: output, as: UTF8.self).split(separator: "\0").map(String.init)
        #expect(files.count == 4)
        let values = ["Mug, blue", "Say \"hi\"", "two\r\nlines", "one\nline break", "  spaced  ", "", "Zoë 北京", "\"", ",", "semi;colon"]
        for file in files {
            let orders = try Self.parse(file)
            #expect(orders.map(\.id) == values.indices.map { String(1000 + $0) })
            #expect(orders.map { $0.lines[0].description } == values, "\(file.debugDescription)")
        }
    }
}
