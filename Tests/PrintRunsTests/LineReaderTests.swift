import Foundation
import Testing
@testable import PrintRuns

@Suite struct LineReaderTests {
    /// Writes `bytes` to a fresh file and returns its path.
    static func file(_ bytes: [UInt8]) throws -> String {
        let path = try scratch("lines") + "/orders.jsonl"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every line the reader returns, as strings.
    static func lines(_ path: String, blockSize: Int, maximumLine: Int = LineReader.maximumLine) throws -> [String] {
        let reader = try LineReader(path: path, blockSize: blockSize, maximumLine: maximumLine)
        var out: [String] = []
        while let line = try reader.next() { out.append(String(decoding: line, as: UTF8.self)) }
        #expect(reader.linesRead == out.count)
        #expect(try reader.next() == nil, "the end stays the end")
        return out
    }

    static let shapes: [(name: String, text: String, lines: [String])] = [
        ("LF with a final newline", "{\"id\":1}\n{\"id\":22}\n\n{\"id\":333}\n", ["{\"id\":1}", "{\"id\":22}", "", "{\"id\":333}"]),
        ("no final newline", "first\nsecond line\nlast", ["first", "second line", "last"]),
        // The CR stays: order JSON takes it as whitespace and fingerprints hash the bytes as read.
        ("CRLF", "one\r\ntwo\r\n\r\nthree\r\n", ["one\r", "two\r", "\r", "three\r"]),
        ("CRLF without a final newline", "one\r\ntwo", ["one\r", "two"]),
        ("only newlines", "\n\n\n", ["", "", ""]),
        ("one line, no newline", "x", ["x"]),
        ("empty", "", []),
        ("UTF-8 split anywhere", "Müller 北京\nZoë\n", ["Müller 北京", "Zoë"]),
    ]

    @Test(arguments: shapes.indices)
    func linesSplitAcrossReadsAtEveryBoundaryComeBackWhole(shape: Int) throws {
        let (_, text, expected) = Self.shapes[shape]
        let path = try Self.file(Array(text.utf8))
        // Block sizes from one byte up to past the whole file put a block boundary at every offset.
        for blockSize in 1...(text.utf8.count + 2) {
            #expect(try Self.lines(path, blockSize: blockSize) == expected, "\(Self.shapes[shape].name), blocks of \(blockSize)")
        }
        #expect(try Self.lines(path, blockSize: 64 << 10) == expected)
    }

    @Test func aLineOverTheLimitIsRefusedWithItsLineNumberAtEveryBlockSize() throws {
        // Lines of 10 bytes pass a 10-byte limit; 11 do not, with or without a newline after them.
        let ok = "0123456789\n0123456789"
        let okPath = try Self.file(Array(ok.utf8))
        for text in ["0123456789\nabcdefghijk\nlast\n", "0123456789\n\nabcdefghijk"] {
            let path = try Self.file(Array(text.utf8))
            for blockSize in 1...(text.utf8.count + 1) {
                #expect(try Self.lines(okPath, blockSize: blockSize, maximumLine: 10) == ["0123456789", "0123456789"])
                let error = #expect(throws: RunError.self) { try Self.lines(path, blockSize: blockSize, maximumLine: 10) }
                #expect(error?.code == "run.bad_order")
                let line = text.hasSuffix("\n") ? 2 : 3
                #expect(error?.message.contains("\(path) line \(line) is longer than 10 bytes") == true, "\(error?.message ?? "no error"), blocks of \(blockSize)")
            }
        }
    }

    @Test func theRealLimitIsSixteenMebibytes() throws {
        let limit = LineReader.maximumLine
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: limit) + [0x0A]
        bytes += [UInt8](repeating: UInt8(ascii: "b"), count: limit + 1) + [0x0A]
        let path = try Self.file(bytes)
        let reader = try LineReader(path: path)
        #expect(try reader.next()?.count == limit)
        let error = #expect(throws: RunError.self) { try reader.next() }
        #expect(error?.message.contains("line 2 is longer than 16 MiB") == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains("one order as JSON per line") == true)
    }

    @Test func aMissingFileOrADirectorySaysWhatToGive() throws {
        let dir = try scratch("lines")
        let missing = #expect(throws: RunError.self) { try LineReader(path: dir + "/nope.jsonl") }
        #expect(missing?.code == "run.no_source")
        #expect(missing?.message.contains("does not exist") == true)
        let directory = #expect(throws: RunError.self) { try LineReader(path: dir) }
        #expect(directory?.message.contains("--labels") == true)
    }
}
