import Foundation
import LabelGraphics
import Labels
import Printing
import Station
import TestPeers
import Testing

/// `packstation print`'s core against the real test printer and a file printer.
@Suite(.serialized) struct FilePrintingTests {
    static func write(_ text: String, name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("packstation-print-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func waitsWhileOutOfLabelsTellsWhatToDoAndPrintsWhenReloaded() throws {
        let peer = try TestPrinterPeer()
        try peer.control("paper_out 1")
        let label = "^XA^FO50,50^FDwaiting^FS^XZ"
        let file = try Self.write(label, name: "a.zpl")
        let told = Lines()
        let printing = FilePrinting(printer: try openPrinter(PrinterURI(parsing: "tcp://127.0.0.1:\(peer.port)"), name: "zebra1"),
                                    waitLimit: .seconds(30), pollInterval: .milliseconds(100)) { told.append($0) }
        let reload = Thread {
            Thread.sleep(forTimeInterval: 0.8)
            _ = try? peer.control("paper_out 0")
        }
        reload.start()
        let printed = try printing.print(files: [file])
        #expect(printed.map(\.format) == [.zpl])
        #expect(peer.waitUntil { peer.printedLabels() == [label] })
        #expect(told.all == ["zebra1: out of labels — load labels and press FEED", "zebra1: ready again, printing"])
    }

    @Test func givesUpAfterTheWaitLimitWithoutSendingAnything() throws {
        let peer = try TestPrinterPeer()
        try peer.control("head_open 1")
        let file = try Self.write("^XA^FDx^FS^XZ", name: "b.zpl")
        let printing = FilePrinting(printer: try openPrinter(PrinterURI(parsing: "tcp://127.0.0.1:\(peer.port)"), name: "zebra1"),
                                    waitLimit: .milliseconds(300), pollInterval: .milliseconds(100)) { _ in }
        let error = #expect(throws: StationError.self) { try printing.print(files: [file]) }
        #expect(error?.code == "printer.not_ready")
        #expect(error?.message.hasPrefix("zebra1: the print head is open — close it") == true)
        #expect(peer.printedLabels().isEmpty)
    }

    @Test func aPDFIsRefusedByARawZPLPrinterAndTheFilesBeforeItAreNamed() throws {
        let peer = try TestPrinterPeer()
        let zpl = try Self.write("^XA^FDone^FS^XZ", name: "one.zpl")
        let pdf = try Self.write("%PDF-1.7\n%%EOF\n", name: "two.pdf")
        let printing = FilePrinting(printer: try openPrinter(PrinterURI(parsing: "tcp://127.0.0.1:\(peer.port)")), pollInterval: .milliseconds(100)) { _ in }
        let error = #expect(throws: StationError.self) { try printing.print(files: [zpl, pdf]) }
        #expect(error?.code == "printer.format")
        #expect(error?.message.contains("Already sent: \(zpl).") == true)
        #expect(peer.waitUntil { peer.printedLabels() == ["^XA^FDone^FS^XZ"] })
    }

    /// Two 4 × 6 in pages, each with a Code 128, written by cairo.
    static func twoPagePDF() throws -> [UInt8] {
        final class Sink: LabelSink { var bytes: [UInt8] = []; func write(_ chunk: ArraySlice<UInt8>) throws { bytes += chunk } }
        let writer = PDFLabelWriter(sink: Sink())
        for tracking in ["1Z999AA10123456784", "1Z999AA10123456791"] {
            let code = BarcodeBlock(frame: DotRect(x: 60, y: 100, width: 700, height: 200), symbology: .code128, data: tracking, moduleDots: 3)
            try writer.addPage(LabelLayout(size: .inches4x6, density: .dpi203, elements: [.barcode(code)]))
        }
        try writer.finish()
        return writer.sink.bytes
    }

    @Test func aPDFForARawZPLPrinterIsPrintedAsOneGFLabelPerPage() throws {
        let peer = try TestPrinterPeer()
        let pdf = try Self.write("", name: "carrier.pdf")
        try Data(try Self.twoPagePDF()).write(to: URL(fileURLWithPath: pdf))
        let told = Lines()
        let printing = FilePrinting(printer: try openPrinter(PrinterURI(parsing: "tcp://127.0.0.1:\(peer.port)"), name: "zebra1"), pollInterval: .milliseconds(100),
                                    pdfLabels: PDFLabels(reader: PopplerPDF(), density: .dpi203, labelSize: .inches4x6)) { told.append($0) }
        let printed = try printing.print(files: [pdf])
        #expect(printed.map(\.format) == [.zpl])
        #expect(peer.waitUntil { peer.printedLabels().count == 2 })
        #expect(peer.printedLabels().allSatisfy { $0.hasPrefix("^XA^CI28^PW812^LL1219") && $0.contains("^GFA,") })
        #expect(told.all == ["\(pdf): zebra1 takes ZPL only; 2 pages rasterized at 203 dpi, one ^GF label each"])
    }

    @Test func aCutOffPDFIsRefusedBeforeAnythingIsSent() throws {
        let peer = try TestPrinterPeer()
        let zpl = try Self.write("^XA^FDone^FS^XZ", name: "one.zpl")
        let pdf = try Self.write("", name: "cut.pdf")
        try Data(try Self.twoPagePDF().prefix(3000)).write(to: URL(fileURLWithPath: pdf))
        let printing = FilePrinting(printer: try openPrinter(PrinterURI(parsing: "tcp://127.0.0.1:\(peer.port)"), name: "zebra1"), pollInterval: .milliseconds(100),
                                    pdfLabels: PDFLabels(reader: PopplerPDF(), density: .dpi203, labelSize: .inches4x6)) { _ in }
        let error = #expect(throws: StationError.self) { try printing.print(files: [zpl, pdf]) }
        #expect(error?.code == "pdf.truncated")
        #expect(error?.message == "\(pdf): The PDF is cut off: it has no %%EOF at its end (3000 bytes arrived); ask the sender for the label again. Nothing of it was sent to zebra1. Already sent: \(zpl).")
        #expect(peer.waitUntil { peer.printedLabels() == ["^XA^FDone^FS^XZ"] })
    }

    @Test func aFilePrinterAppendsEachJobWhole() throws {
        let out = try Self.write("", name: "spool.zpl")
        let a = try Self.write("^XA^FDa^FS^XZ", name: "a.zpl")
        let b = try Self.write("^XA^FDb^FS^XZ", name: "b.zpl")
        let printing = FilePrinting(printer: try openPrinter(PrinterURI(parsing: "file://\(out)"))) { _ in }
        let printed = try printing.print(files: [a, b])
        #expect(printed.map(\.job.bytes) == [13, 13])
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self) == "^XA^FDa^FS^XZ^XA^FDb^FS^XZ")
    }

    @Test func aZPLFileThatWouldHarmThePrinterIsRefusedUnlessTheSiteAllowsIt() throws {
        let out = try Self.write("", name: "spool.zpl")
        let good = try Self.write("~DGR:LOGO.GRF,2,1,FF00\n^XA^FO0,0^XGR:LOGO.GRF^FS^XZ", name: "good.zpl")
        let reset = try Self.write("^XA^FDa^FS^XZ\n~JR\n", name: "reset.zpl")
        let printing = FilePrinting(printer: try openPrinter(PrinterURI(parsing: "file://\(out)"))) { _ in }
        let error = #expect(throws: StationError.self) { try printing.print(files: [good, reset]) }
        #expect(error?.code == "carrier.zpl_refused")
        #expect(error?.message.hasPrefix("\(reset): The ZPL has ~JR at byte 14, which resets the printer as if it were switched off and on; it is not printed.") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("add \"~JR\" to printer.zpl_allow in station.toml") == true)
        #expect(error?.message.hasSuffix("Nothing of it was sent to file://\(out). Already sent: \(good).") == true)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self) == "~DGR:LOGO.GRF,2,1,FF00\n^XA^FO0,0^XGR:LOGO.GRF^FS^XZ")
        // A site that allows it sends it as it is.
        var allowing = printing
        allowing.zplPolicy = ZPLPolicy(allowed: ["~JR"])
        #expect(try allowing.print(files: [reset]).map(\.job.bytes) == [18])
    }

    @Test func anEmptyOrMissingFileSendsNothing() throws {
        let out = try Self.write("", name: "spool.zpl")
        let empty = try Self.write("", name: "empty.zpl")
        let printing = FilePrinting(printer: try openPrinter(PrinterURI(parsing: "file://\(out)"))) { _ in }
        #expect(throws: StationError(code: "print.empty", message: "\(empty) is empty; nothing was sent to file://\(out).")) { try printing.print(files: [empty]) }
        let missing = #expect(throws: StationError.self) { try printing.print(files: ["/nonexistent/x.zpl"]) }
        #expect(missing?.code == "input.missing")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)).isEmpty)
    }
}

/// Lines told to the person, collected across threads.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
