import Foundation
import LabelGraphics
import Labels
import PackCore
import Testing

/// PDF pages rasterized for thermal printers: the right number of dots, barcodes that still
/// decode (zbarimg), gray dithered and black kept crisp, and the ^GF made of them decoding too.
struct PopplerRasterTests {
    @Test(arguments: [203, 300])
    func ourLabelsBarcodesDecodeFromTheRaster(dpi: Int) throws {
        let pdf = try PDFFixtures.ours()
        let expected = try PDFFixtures.zbar(png: LabelPNG.render(Sample.layout()))
        try #require(!expected.isEmpty, "the label itself has barcodes zbarimg reads")
        let bitmap = try PopplerPDF().rasterize(pdf, page: 0, dotsPerInch: dpi)
        // 287.7 × 431.9 pt (812 × 1219 dots at 8 dots/mm) at `dpi`.
        #expect(bitmap.width == Int((287.76 * Double(dpi) / 72).rounded()) || bitmap.width == Int((287.76 * Double(dpi) / 72).rounded()) - 1)
        #expect(try PDFFixtures.zbar(bitmap, density: dpi == 203 ? .dpi203 : .dpi300) == expected)
    }

    @Test func grayIsDitheredAndBlackAndWhiteStayCrisp() throws {
        // Left half 50 % gray, a black bar, white elsewhere.
        let pdf = PDFFixtures.plain([.init(content: "0.5 g 0 0 144 432 re f 0 g 200 100 30 200 re f")])
        let bitmap = try PopplerPDF().rasterize(pdf, page: 0, dotsPerInch: 203)
        func share(_ xs: Range<Int>, _ ys: Range<Int>) -> Double {
            var black = 0
            for y in ys { for x in xs where bitmap[x, y] { black += 1 } }
            return Double(black) / Double(xs.count * ys.count)
        }
        let h = bitmap.height
        #expect(abs(share(20..<380, 20..<(h - 20)) - 0.5) < 0.03, "50 % gray comes out half black: \(share(20..<380, 20..<(h - 20)))")
        // The bar 200…230 pt across = 564…648 dots; 100…300 pt up from the bottom.
        #expect(share(566..<646, (h - 840)..<(h - 284)) == 1, "black stays solid")
        #expect(share(440..<560, 20..<(h - 20)) == 0, "white stays clean (no error leaks from the gray)")
        #expect(share(650..<800, 20..<(h - 20)) == 0, "no dither beside the bar")
    }

    @Test func aRotatedPageIsRasterizedAsShown() throws {
        let pdf = try PDFFixtures.qpdf(PDFFixtures.ours(), ["--rotate=+90:1"])
        let bitmap = try PopplerPDF().rasterize(pdf, page: 0, dotsPerInch: 203)
        #expect(bitmap.width > bitmap.height)
        #expect(try PDFFixtures.zbar(bitmap) == PDFFixtures.zbar(png: LabelPNG.render(Sample.layout())))
    }

    @Test(arguments: [PrinterDensity.dpi203, .dpi300])
    func theGFLabelsMadeOfAPDFDecode(density: PrinterDensity) throws {
        let pdf = try PDFFixtures.qpdf(PDFFixtures.ours(), ["--object-streams=generate"])
        var zpl: [UInt8] = []
        let (pages, _, notes) = try PDFLabels(reader: PopplerPDF(), density: density, labelSize: .inches4x6).appendLabels(pdf, to: &zpl)
        #expect(pages == 2 && notes.isEmpty)
        let graphics = try PDFFixtures.graphics(inZPL: zpl)
        try #require(graphics.count == 2)
        let first = try PDFFixtures.zbar(graphics[0], density: density)
        #expect(first == (try PDFFixtures.zbar(png: LabelPNG.render(Sample.layout(density)))))
        let second = try PDFFixtures.zbar(graphics[1], density: density)
        #expect(second.contains { $0.hasPrefix("CODE-128:") }, "\(second)")
    }

    @Test func aLandscapeLabelPageIsTurnedOntoTheStockAtFullSizeAndDecodes() throws {
        let landscape = try PDFFixtures.qpdf(PDFFixtures.ours(), ["--rotate=+90:1"])
        let page = try PDFLabels(reader: PopplerPDF(), density: .dpi203, labelSize: .inches4x6).page(landscape, index: 0, size: try PopplerPDF().pageSizes(landscape)[0])
        #expect(page.turned && page.dotsPerInch == 203)
        #expect(page.note == "Page 1 is 6 × 4 in, across the 4 × 6 in label: it is turned a quarter to fit.")
        guard case .image(let image) = page.layout.elements[0] else { Issue.record("no image"); return }
        #expect(image.bitmap.height >= 1217 && image.bitmap.width >= 811)
        #expect(try PDFFixtures.zbar(image.bitmap) == PDFFixtures.zbar(png: LabelPNG.render(Sample.layout())))
    }

    @Test func aPageTooLargeForAnyPrinterIsRefused() throws {
        let pdf = PDFFixtures.plain([.init(width: 14400, height: 14400)])
        let error = try #require(throws: LabelError.self) { try PopplerPDF().rasterize(pdf, page: 0, dotsPerInch: 600) }
        #expect(error.code == "pdf.page_too_large" && error.message.hasPrefix("Page 1 of the PDF is 200 × 200 in, too large to rasterize at 600 dpi"))
    }
}
