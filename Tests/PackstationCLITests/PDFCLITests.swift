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
}
