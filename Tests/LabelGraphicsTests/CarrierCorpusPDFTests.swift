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
        let (pages, _, notes) = try PDFLabels(reader: PopplerPDF(), density: density, labelSize: .inches4x6).appendLabels(pdf, to: &zpl)
        #expect(notes.isEmpty, "4 × 6 in pages print at full size")
        let graphics = try PDFFixtures.graphics(inZPL: zpl)
        #expect(graphics.count == pages)
        for (page, bitmap) in graphics.enumerated() {
            let want = try Self.expected(file, page: page)
            #expect(!want.isEmpty)
            #expect(try PDFFixtures.zbar(bitmap, density: density) == want, "\(file) page \(page + 1) at \(density.dpi) dpi")
        }
    }

    /// An A4 sheet of two 4 × 6 in labels is cut into them, each printed at full size: every
    /// label's Code 128 and QR decode with zbarimg at both resolutions (scaled to 48 % as one
    /// page, four of the Code 128 did not at 203 dpi). scripts/check-pdf-raster.py decodes all,
    /// DataMatrix too, with zxing-cpp.
    @Test(arguments: [PrinterDensity.dpi203, .dpi300])
    func everyLabelOfAnA4TwoUpSheetDecodesAtFullSize(density: PrinterDensity) throws {
        let pdf = try CarrierCorpus.bytes("a4-two-up.pdf")
        let perLabel = try #require(try CarrierCorpus.entry("a4-two-up.pdf")["label_barcodes"] as? [[[String: String]]])
        var zpl: [UInt8] = []
        let (pages, labels, notes) = try PDFLabels(reader: PopplerPDF(), density: density, labelSize: .inches4x6).appendLabels(pdf, to: &zpl)
        #expect(pages == 2 && labels == 4 && perLabel.count == 4)
        #expect(notes == (1...2).map { "Page \($0) is 8.27 × 11.69 in with 2 labels on it: each is printed as a label of its own at full size." })
        let graphics = try PDFFixtures.graphics(inZPL: zpl)
        #expect(graphics.count == 4)
        for (k, bitmap) in graphics.enumerated() {
            // Full size: the label's 4 in across is the printer's 4 in of dots (^GF rows are whole bytes).
            #expect(bitmap.bytesPerRow == (4 * density.dpi + 7) / 8, "label \(k + 1) is \(bitmap.width) dots wide")
            let want = perLabel[k].compactMap { code -> String? in
                switch code["type"] {
                case "code128": "CODE-128:" + code["data"]!
                case "qr": "QR-Code:" + code["data"]!
                default: nil
                }
            }.sorted()
            #expect(!want.isEmpty)
            #expect(try PDFFixtures.zbar(bitmap, density: density) == want, "a4-two-up.pdf label \(k + 1) at \(density.dpi) dpi")
        }
    }
}
