import Foundation
import LabelGraphics
import Labels
import Testing
import TestPeers

/// The carrier corpus's PDFs (cairo, ReportLab, qpdf object streams, A4 two-up, 500 pages):
/// counts and sizes as pdfinfo gives them, and every page's barcodes decoding from its raster.
struct CarrierCorpusPDFTests {
    static let files = ["cairo.pdf", "reportlab.pdf", "qpdf-objstm.pdf", "a4-two-up.pdf"]

    @Test(arguments: files)
    func pagesAgreeWithPdfinfoAndTheManifest(file: String) throws {
        let pdf = try CarrierCorpus.bytes(file)
        let sizes = try PopplerPDF().pageSizes(pdf)
        let pdfinfo = try PDFFixtures.pdfinfo(pdf)
        let entry = try CarrierCorpus.entry(file)
        #expect(sizes.count == pdfinfo.count && sizes.count == entry["pages"] as? Int)
        for (got, want) in zip(sizes, pdfinfo) {
            #expect(abs(got.widthPoints - want.widthPoints) < 0.01 && abs(got.heightPoints - want.heightPoints) < 0.01, "\(file): \(got) against pdfinfo's \(want)")
        }
        let manifestSizes = try #require(entry["page_size_pt"] as? [[Double]])
        #expect(zip(sizes, manifestSizes).allSatisfy { abs($0.widthPoints - $1[0]) < 0.01 && abs($0.heightPoints - $1[1]) < 0.01 })
    }

    @Test func fiveHundredPagesAreCountedAsPdfinfoCountsThem() throws {
        let pdf = try CarrierCorpus.bytes("pages-500.pdf", big: true)
        let sizes = try PopplerPDF().pageSizes(pdf)
        #expect(sizes.count == 500)
        #expect(try PDFFixtures.pdfinfo(pdf).count == 500)
    }

    /// The manifest's Code 128 and QR of a page as zbarimg prints them (zbar reads no DataMatrix;
    /// scripts/check-pdf-raster.py checks those with zxing-cpp).
    static func expected(_ file: String, page: Int) throws -> [String] {
        let barcodes = try #require((try CarrierCorpus.entry(file)["barcodes"] as? [[[String: String]]])?[page])
        return barcodes.compactMap { code in
            switch code["type"] {
            case "code128": "CODE-128:" + code["data"]!
            case "qr": "QR-Code:" + code["data"]!
            default: nil
            }
        }.sorted()
    }

    @Test(arguments: ["cairo.pdf", "reportlab.pdf", "qpdf-objstm.pdf"], [PrinterDensity.dpi203, .dpi300])
    func everyPageOfALabelPDFDecodesAsTheZPLPrinterGetsIt(file: String, density: PrinterDensity) throws {
        let pdf = try CarrierCorpus.bytes(file)
        var zpl: [UInt8] = []
        let (pages, notes) = try PDFLabels(reader: PopplerPDF(), density: density, labelSize: .inches4x6).appendLabels(pdf, to: &zpl)
        #expect(notes.isEmpty, "4 × 6 in pages print at full size")
        let graphics = try PDFFixtures.graphics(inZPL: zpl)
        #expect(graphics.count == pages)
        for (page, bitmap) in graphics.enumerated() {
            let want = try Self.expected(file, page: page)
            #expect(!want.isEmpty)
            #expect(try PDFFixtures.zbar(bitmap, density: density) == want, "\(file) page \(page + 1) at \(density.dpi) dpi")
        }
    }

    @Test func anA4PageOfTwoLabelsIsScaledOntoTheStockAndDecodesAt300Dpi() throws {
        let pdf = try CarrierCorpus.bytes("a4-two-up.pdf")
        let labels = PDFLabels(reader: PopplerPDF(), density: .dpi300, labelSize: .inches4x6)
        for (index, size) in try PopplerPDF().pageSizes(pdf).enumerated() {
            let page = try labels.page(pdf, index: index, size: size)
            #expect(page.note == "Page \(index + 1) is 8.27 × 11.69 in, larger than the 4 × 6 in label: it is printed at 49 % (rasterized at 147 dpi) to fit; small barcodes may not scan. Ask the sender for 4 × 6 in pages.")
            guard case .image(let image) = page.layout.elements[0] else { Issue.record("no image"); continue }
            #expect(try PDFFixtures.zbar(image.bitmap, density: .dpi300) == Self.expected("a4-two-up.pdf", page: index))
        }
    }
}
