import Labels
import Testing
@testable import PrintRuns

/// Labels numbered as they come out of the printer, and the bytes that print any run of them.
struct LabelNumberingTests {
    /// A carrier-shaped file: a graphic downloaded first, a settings-only format, then formats of
    /// 2, 1 and 3 copies (six labels), and a trailing comment-only host command.
    static let file = Array("~DGR:LOGO.GRF,4,1,FF00FF00\r\n^XA^MCY^XZ\r\n^XA^FO0,0^XGR:LOGO.GRF,1,1^FS^FO0,50^FDone^FS^PQ2^XZ\r\n^XA^FO0,0^FDtwo^FS^XZ\r\n^XA^FO0,0^XGR:LOGO.GRF,1,1^FS^FDthree^FS^PQ3^XZ\r\n".utf8)

    static func numbered() throws -> ZPLLabelFile { ZPLLabelFile(try ZPLDocument(file)) }

    @Test func eachCopyIsALabelAndASettingsFormatIsNone() throws {
        let f = try Self.numbered()
        #expect(f.labelCount == 6)
        #expect((0..<6).map { f.position(of: $0).format } == [0, 0, 1, 2, 2, 2])
        #expect((0..<6).map { f.position(of: $0).copy } == [1, 2, 1, 1, 2, 3])
        #expect(f.describe(4) == "format 3, copy 2 of 3")
        #expect(f.describe(2) == "format 2")
    }

    @Test func theWholeFileGoesByteForByte() throws {
        #expect(try Self.numbered().bytes(0...5) == Self.file)
    }

    @Test func fromTheTopTheFileIsSentAsItIsUpToACutFormat() throws {
        let f = try Self.numbered()
        let d = f.document
        let zero = d.labels[0].range, one = d.labels[1].range
        // Labels 1–3: label 0 whole (both copies), label 1, then one copy of label 2's format.
        #expect(f.bytes(0...3) == Array(Self.file[..<one.upperBound]) + Array(Self.file[one.upperBound..<d.labels[2].range.lowerBound]) + d.bytes(of: 2, quantity: 1))
        #expect(f.bytes(0...0) == Array(Self.file[..<zero.lowerBound]) + d.bytes(of: 0, quantity: 1))
    }

    @Test func fromTheMiddleWhatTheLabelNeedsGoesFirst() throws {
        let f = try Self.numbered()
        let d = f.document
        // The second copy of label 0's format alone: its graphic and the settings before it, ^PQ1.
        let second = f.bytes(1...1)
        #expect(second == d.preamble(before: 0) + d.bytes(of: 0, quantity: 1))
        let text = String(decoding: second, as: UTF8.self)
        #expect(text.hasPrefix("~DGR:LOGO.GRF"), "the graphic is downloaded again: \(text)")
        #expect(text.contains("^MCY") && text.contains("^PQ1") && !text.contains("^PQ2"))
        // Copies 2–3 of the last format through the end of the file.
        #expect(f.bytes(4...5) == d.preamble(before: 2) + d.bytes(of: 2, quantity: 2) + Array(Self.file[d.labels[2].range.upperBound...]))
    }

    @Test(arguments: [
        ("17", [17...17]), ("40-45", [40...45]), ("17,40-45", [17...17, 40...45]), (" 40 – 45 , 17 ", [17...17, 40...45]),
        ("3-5,4-9,10", [3...10]), ("1", [1...1]),
    ])
    func labelNumbersAreReadAsPeopleTypeThem(text: String, ranges: [ClosedRange<Int>]) throws {
        let s = try LabelSelection(parsing: text)
        #expect(s.ranges == ranges)
        #expect(try LabelSelection(parsing: s.stored) == s)
    }

    @Test(arguments: ["", "0", "-3", "5-", "a", "3,,4", "9-2", "1.5"])
    func nonsenseLabelNumbersAreRefused(text: String) {
        #expect(throws: RunError.self) { try LabelSelection(parsing: text) }
    }

    @Test func aSelectionCountsAndChunksAroundItsGaps() throws {
        let s = try LabelSelection(parsing: "17,40-45")
        #expect(s.count == 7 && s.first == 17 && s.last == 45 && s.description == "17, 40–45")
        #expect(s.count(before: 17) == 0 && s.count(before: 18) == 1 && s.count(before: 30) == 1 && s.count(before: 43) == 4 && s.count(before: 46) == 7)
        #expect(RunCursor.nextChunk(next: 17, in: s, chunkSize: 50) == 17...17, "a chunk never spans a gap")
        #expect(RunCursor.nextChunk(next: 18, in: s, chunkSize: 50) == 40...45)
        #expect(RunCursor.nextChunk(next: 41, in: s, chunkSize: 3) == 41...43)
        #expect(RunCursor.nextChunk(next: 46, in: s, chunkSize: 3) == nil)
    }
}
