import Foundation
import TestPeers
import Testing

/// Carriers' PDFs through the CLI: `print` to a raw ZPL printer rasterizes each page, and
/// `label --format png` of an order carrying a PDF shows page 1 as the printer's dots.
struct PDFCLITests {
    @Test func printingAPDFToARawZPLPrinterSendsOneGFLabelPerPage() throws {
        let peer = try TestPrinterPeer()
        let dir = try LabelCLITests.scratch()
        let pdf = dir + "/cairo.pdf"
        try Data(try CarrierCorpus.bytes("cairo.pdf")).write(to: URL(fileURLWithPath: pdf))
        let run = try CLI.run(["print", "--printer", peer.uri, "--dpi", "203", pdf])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("\(pdf): ") && run.stderr.contains(" takes ZPL only; 3 pages rasterized at 203 dpi, one ^GF label each"), "\(run.stderr)")
        #expect(run.stdout.hasPrefix("\(pdf): zpl, "), "\(run.stdout)")
        #expect(peer.waitUntil { peer.printedLabels().count == 3 })
        #expect(peer.printedLabels().allSatisfy { $0.contains("^GFA,") })
    }

    @Test func aLabelPNGOfAnOrdersCarrierPDFDecodes() throws {
        let dir = try LabelCLITests.scratch()
        let pdf = try CarrierCorpus.bytes("cairo.pdf")
        let order = LabelRefusalTests.order(status: "ready", payment: "captured")
            .replacingOccurrences(of: "\"shipment\": {", with: "\"shipment\": {\"label\": {\"format\": \"pdf\", \"data\": \"\(Data(pdf).base64EncodedString())\"}, ")
        try #require(order.contains("\"format\": \"pdf\""))
        try order.write(toFile: dir + "/o.json", atomically: true, encoding: .utf8)
        let run = try CLI.run(["label", "--order", dir + "/o.json", "--format", "png", "--out", dir + "/l.png"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("The carrier's PDF has 3 pages; the PNG shows page 1 (--format zpl gives every page)."))
        let zbar = Process()
        zbar.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        zbar.arguments = ["--nodbus", "-q", dir + "/l.png"]
        let pipe = Pipe()
        zbar.standardOutput = pipe
        try zbar.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        zbar.waitUntilExit()
        let barcodes = try #require(try CarrierCorpus.entry("cairo.pdf")["barcodes"] as? [[[String: String]]])
        let tracking = try #require(barcodes[0].first { $0["type"] == "code128" }?["data"])
        #expect(out.contains("CODE-128:\(tracking)"), "\(out)")
    }

    /// An A4 sheet of two labels: the preview is its first label at full size, and the person is
    /// told the sheet holds two.
    @Test func aLabelPNGOfATwoUpSheetShowsItsFirstLabel() throws {
        let dir = try LabelCLITests.scratch()
        let pdf = try CarrierCorpus.bytes("a4-two-up.pdf")
        let order = LabelRefusalTests.order(status: "ready", payment: "captured")
            .replacingOccurrences(of: "\"shipment\": {", with: "\"shipment\": {\"label\": {\"format\": \"pdf\", \"data\": \"\(Data(pdf).base64EncodedString())\"}, ")
        try order.write(toFile: dir + "/o.json", atomically: true, encoding: .utf8)
        let run = try CLI.run(["label", "--order", dir + "/o.json", "--format", "png", "--out", dir + "/l.png"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("Page 1 is 8.27 × 11.69 in with 2 labels on it: each is printed as a label of its own at full size."), "\(run.stderr)")
        #expect(run.stderr.contains("The carrier's PDF has 2 pages and 2 labels on page 1; the PNG shows the first label"), "\(run.stderr)")
        let zbar = Process()
        zbar.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        zbar.arguments = ["--nodbus", "-q", dir + "/l.png"]
        let pipe = Pipe()
        zbar.standardOutput = pipe
        try zbar.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        zbar.waitUntilExit()
        let labels = try #require(try CarrierCorpus.entry("a4-two-up.pdf")["label_barcodes"] as? [[[String: String]]])
        let first = try #require(labels[0].first { $0["type"] == "code128" }?["data"]), second = try #require(labels[1].first { $0["type"] == "code128" }?["data"])
        #expect(out.contains("CODE-128:\(first)") && !out.contains(second), "\(out)")
    }
}
