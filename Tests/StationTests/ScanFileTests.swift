import Testing
@testable import Station

@Suite struct ScanFileTests {
    @Test func readsLinesKeepingGSAndSkippingBlankLines() throws {
        let file = try ScanFile(bytes: Array("ORD-1\r\n\n0109506000134352\u{1D}10AB\nCMD:UNDO".utf8), name: "s.txt")
        #expect(file.entries == [.init(line: 1, data: "ORD-1"), .init(line: 3, data: "0109506000134352\u{1D}10AB"), .init(line: 4, data: "CMD:UNDO")])
    }

    @Test(arguments: [
        ([UInt8](), "s.txt has no scans. Put one scan per line."),
        (Array("\n\r\n\n".utf8), "s.txt has no scans. Put one scan per line."),
        ([0x4F, 0x4B, 0x0A, 0x00, 0x01, 0x02], "s.txt is not a scan file:\n  line 2 holds binary data (byte 0x0 at column 1); only GS, RS, FS and EOT control characters occur in barcodes\nA scan file has one scan per line in UTF-8."),
        ([0x41, 0xC3, 0x28], "s.txt is not a scan file:\n  line 1 is not valid UTF-8\nA scan file has one scan per line in UTF-8."),
        (Array(repeating: UInt8(ascii: "7"), count: 1 << 20), "s.txt is not a scan file:\n  line 1 is 1048576 bytes long; no barcode holds more than 7,089 characters\nA scan file has one scan per line in UTF-8."),
    ])
    func badFilesAreRefusedWhole(bytes: [UInt8], message: String) {
        #expect {
            try ScanFile(bytes: bytes, name: "s.txt")
        } throws: { error in
            (error as? StationError)?.message == message
        }
    }

    @Test func reportsAtMostTenBadLines() throws {
        let bytes = Array(String(repeating: "\u{7}\n", count: 25).utf8)
        do {
            _ = try ScanFile(bytes: bytes, name: "s")
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("line 10 "))
            #expect(!error.message.contains("line 11 "))
            #expect(error.message.contains("… and 15 more"))
        }
    }
}
