import Labels
import PackCore
import Testing

/// A PDF's pages as ^GF labels, with a reader that draws a known pattern: how pages are fitted
/// to the label stock, and what the person is told when a page had to be scaled.
struct PDFLabelsTests {
    /// Pages of the given sizes; a raster is black on its top row and left column, so turning shows.
    struct FakeReader: PDFReading {
        var sizes: [PDFPageSize]
        var failsOnPage: Int?

        func pageSizes(_ pdf: [UInt8]) throws(LabelError) -> [PDFPageSize] { sizes }

        func rasterize(_ pdf: [UInt8], page: Int, dotsPerInch: Int) throws(LabelError) -> MonoBitmap {
            if page == failsOnPage { throw LabelError(code: "pdf.damaged", message: "page \(page + 1) is damaged") }
            let size = sizes[page]
            var bitmap = MonoBitmap(width: Int((size.widthPoints * Double(dotsPerInch) / 72).rounded()), height: Int((size.heightPoints * Double(dotsPerInch) / 72).rounded()))
            for x in 0..<bitmap.width { bitmap[x, 0] = true }
            for y in 0..<bitmap.height { bitmap[0, y] = true }
            return bitmap
        }
    }

    static let fourBySix = PDFPageSize(widthPoints: 288, heightPoints: 432)
    static let a4 = PDFPageSize(widthPoints: 595.28, heightPoints: 841.89)
    static let landscapeA4 = PDFPageSize(widthPoints: 841.89, heightPoints: 595.28)

    static func image(_ page: PDFLabels.Page) -> ImageBlock? {
        guard case .image(let image) = page.layout.elements.first else { return nil }
        return image
    }

    @Test(arguments: [(PrinterDensity.dpi203, 812, 1218), (.dpi300, 1200, 1800), (.dpi600, 2400, 3600)])
    func aLabelSizedPageIsPrintedAsItIsAtThePrintersResolution(density: PrinterDensity, width: Int, height: Int) throws {
        let labels = PDFLabels(reader: FakeReader(sizes: [Self.fourBySix]), density: density, labelSize: .inches4x6)
        let page = try labels.page([], index: 0, size: Self.fourBySix)
        let image = try #require(Self.image(page))
        #expect((image.bitmap.width, image.bitmap.height) == (width, height))
        #expect(page.dotsPerInch == density.dpi && page.note == nil && !page.turned)
        #expect(page.layout.size == .inches4x6)
    }

    @Test func anA4PageIsScaledDownToFitAndTheNoteSaysBy() throws {
        let labels = PDFLabels(reader: FakeReader(sizes: [Self.a4]), density: .dpi203, labelSize: .inches4x6)
        let page = try labels.page([], index: 0, size: Self.a4)
        let image = try #require(Self.image(page))
        #expect(image.bitmap.width <= 812 && image.bitmap.height <= 1219)
        // 6 in / 11.69 in = 51 % (4 in / 8.27 in = 48 % is the tighter side).
        #expect(page.dotsPerInch == 98 && !page.turned)
        #expect(page.note == "Page 1 is 8.27 × 11.69 in, larger than the 4 × 6 in label: it is printed at 48 % (rasterized at 98 dpi) to fit; small barcodes may not scan. Ask the sender for 4 × 6 in pages.")
    }

    @Test func aLandscapePageIsTurnedWhenThatPrintsItLarger() throws {
        let labels = PDFLabels(reader: FakeReader(sizes: [Self.landscapeA4]), density: .dpi203, labelSize: .inches4x6)
        let page = try labels.page([], index: 0, size: Self.landscapeA4)
        let image = try #require(Self.image(page))
        #expect(page.turned && page.dotsPerInch == 98)
        // The page's top row (black) is now the label's right column; its left column the top row.
        #expect(image.bitmap.width < image.bitmap.height)
        #expect((0..<image.bitmap.height).allSatisfy { image.bitmap[image.bitmap.width - 1, $0] })
        #expect((0..<image.bitmap.width).allSatisfy { image.bitmap[$0, 0] })
        #expect(page.note?.contains("turned a quarter") == true)
    }

    @Test func aSmallerPageIsCentredAcrossTheLabelAtFullSize() throws {
        let small = PDFPageSize(widthPoints: 144, heightPoints: 72)
        let page = try PDFLabels(reader: FakeReader(sizes: [small]), density: .dpi203, labelSize: .inches4x6).page([], index: 0, size: small)
        let image = try #require(Self.image(page))
        #expect(image.bitmap.width == 406 && image.x == (812 - 406) / 2 && image.y == 0 && page.note == nil)
    }

    @Test func withoutALabelSizeEachPageKeepsItsOwn() throws {
        let page = try PDFLabels(reader: FakeReader(sizes: [Self.a4]), density: .dpi203, labelSize: nil).page([], index: 0, size: Self.a4)
        #expect(page.layout.widthDots == 1678 && page.dotsPerInch == 203 && page.note == nil)
    }

    @Test func everyPageBecomesOneGFLabelWithItsCopies() throws {
        let labels = PDFLabels(reader: FakeReader(sizes: [Self.fourBySix, Self.fourBySix, Self.a4]), density: .dpi203, labelSize: .inches4x6)
        var out: [UInt8] = []
        let (pages, _, notes) = try labels.appendLabels([], copies: 2, to: &out)
        let zpl = String(decoding: out, as: UTF8.self)
        #expect(pages == 3 && notes.count == 1 && notes[0].hasPrefix("Page 3 is 8.27 × 11.69 in"))
        #expect(zpl.components(separatedBy: "^XA").count - 1 == 3)
        #expect(zpl.components(separatedBy: "^GFA,").count - 1 == 3)
        #expect(zpl.components(separatedBy: "^PQ2,").count - 1 == 3)
        #expect(zpl.components(separatedBy: "^PW812^LL1219").count - 1 == 3)
    }

    @Test func anOrdersCarrierPDFBecomesLabelsOnAZPLPrinterAndAFailedPageLeavesNothing() throws {
        var order = Fixtures.simple()
        order.shipment?.label = CarrierLabel(format: .pdf, data: Array("%PDF-1.4".utf8))
        let template = LabelTemplate.builtin("shipping")!
        var out: [UInt8] = Array("before".utf8)
        try ZPLStream(template: template, density: .dpi203, pdfReader: FakeReader(sizes: [Self.fourBySix, Self.fourBySix])).appendLabel(for: LabelContext(order: order), to: &out)
        #expect(String(decoding: out, as: UTF8.self).components(separatedBy: "^GFA,").count - 1 == 2)

        out = Array("before".utf8)
        let error = try #require(throws: LabelError.self) {
            try ZPLStream(template: template, density: .dpi203, pdfReader: FakeReader(sizes: [Self.fourBySix, Self.fourBySix], failsOnPage: 1)).appendLabel(for: LabelContext(order: order), to: &out)
        }
        #expect(error.message == "Order \(order.id), the carrier's PDF label: page 2 is damaged")
        #expect(out == Array("before".utf8), "page 1 is not left in the stream without page 2")
    }
}
