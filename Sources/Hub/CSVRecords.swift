/// RFC 4180 CSV split into records in one pass over the UTF-8 bytes, each record with the
/// 1-based line it starts on (lines counted across quoted line breaks, so later lines stay right).
///
/// Accepted as spreadsheets and shop platforms write it: a UTF-8 byte order mark, CRLF, LF or CR
/// line ends, a final line end or none, quoted values holding commas, quotes (`""`) and line
/// breaks. Refused, with the line and column: a quote that is never closed (it would swallow
/// the rest of the file), a quote inside an unquoted value, and text after a closing quote.
struct CSVRecords {
    /// One record (row).
    struct Record: Equatable {
        /// The line the record starts on, 1-based.
        var line: Int
        var fields: [String]
        /// The first thing wrong in the record: the column (1-based field number) and what.
        var problem: Problem?

        /// Whether the row holds nothing but spaces: blank lines and `,,,` rows of empty cells.
        var isBlank: Bool { fields.allSatisfy { $0.allSatisfy { $0 == " " || $0 == "\t" } } }
    }

    /// A syntax problem in a record.
    struct Problem: Equatable {
        var column: Int
        var message: String
    }

    /// The records before the end of the file or before an unclosed quote.
    private(set) var records: [Record] = []
    /// A quote never closed: the record it starts (with its column) cannot be read, nor
    /// anything after it.
    private(set) var unclosed: Record?

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(0x0A), cr = UInt8(0x0D)

    /// Splits `text`.
    init(_ text: String) {
        var text = text
        text.withUTF8 { split($0) }
    }

    private mutating func split(_ b: UnsafeBufferPointer<UInt8>) {
        let n = b.count
        var i = 0
        if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
        var line = 1
        /// Whether `b[i]` ends a value.
        func atEnd(_ i: Int) -> Bool { i >= n || b[i] == Self.comma || b[i] == Self.lf || b[i] == Self.cr }
        while i < n {
            var record = Record(line: line, fields: [])
            fields: while true {
                let column = record.fields.count + 1
                if i < n, b[i] == Self.quote {
                    let openedOn = line
                    i += 1
                    var value: [UInt8] = []
                    var from = i
                    var closed = false
                    while i < n {
                        switch b[i] {
                        case Self.quote:
                            value.append(contentsOf: UnsafeBufferPointer(rebasing: b[from..<i]))
                            if i + 1 < n, b[i + 1] == Self.quote {
                                value.append(Self.quote)
                                i += 2
                                from = i
                                continue
                            }
                            i += 1
                            closed = true
                        case Self.lf: line += 1
                        case Self.cr: if i + 1 >= n || b[i + 1] != Self.lf { line += 1 }
                        default: break
                        }
                        if closed { break }
                        i += 1
                    }
                    guard closed else {
                        // The file's last line: the one before a final line end.
                        let last = b[n - 1] == Self.lf || b[n - 1] == Self.cr ? line - 1 : line
                        let lines = openedOn >= last ? "line \(openedOn)" : "lines \(openedOn)–\(last)"
                        record.problem = Problem(
                            column: column,
                            message: "a quote opened on line \(openedOn) is never closed, so \(lines) would be one value; close the quote (a quote inside a quoted value is written twice: \"\")")
                        unclosed = record
                        return
                    }
                    let after = i
                    while !atEnd(i) { i += 1 }
                    let trailing = b[after..<i]
                    if !trailing.allSatisfy({ $0 == 0x20 || $0 == 0x09 }), record.problem == nil {
                        let text = String(decoding: UnsafeBufferPointer(rebasing: trailing.prefix(20)), as: UTF8.self)
                        record.problem = Problem(column: column, message: "text (\(text)) follows the closing quote; put the whole value in quotes and write a quote inside it twice (\"\")")
                    }
                    record.fields.append(String(decoding: value, as: UTF8.self))
                } else {
                    let start = i
                    while !atEnd(i) {
                        if b[i] == Self.quote, record.problem == nil {
                            record.problem = Problem(column: column, message: "a quote inside a value that does not start with one; put the whole value in quotes and write the quote twice, e.g. \"12\"\" plate\"")
                        }
                        i += 1
                    }
                    record.fields.append(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
                }
                guard i < n else { break fields }
                if b[i] == Self.comma {
                    i += 1
                    continue
                }
                i += b[i] == Self.cr && i + 1 < n && b[i + 1] == Self.lf ? 2 : 1
                line += 1
                break fields
            }
            records.append(record)
        }
    }
}
