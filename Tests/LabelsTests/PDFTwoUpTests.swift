import Labels
import Testing

/// Sheets that carry two labels (A4 or Letter with two 4 × 6 in labels side by side, or two
/// 6 × 4 in labels one above the other) are cut into them; anything else stays one page.
struct PDFTwoUpTests {
    /// Pages with label-like boxes (an outline and a bar inside) drawn at any resolution, in points.
    struct BoxesReader: PDFReading {
        var size: PDFPageSize
        var boxes: [PDFArea]

        func pageSizes(_ pdf: [UInt8]) throws(LabelError) -> [PDFPageSize] { [size] }

        func rasterize(_ pdf: [UInt8], page: Int, dotsPerInch: Int) throws(LabelError) -> MonoBitmap {
            let scale = Double(dotsPerInch) / 72
            var bitmap = MonoBitmap(width: Int((size.widthPoints * scale).rounded()), height: Int((size.heightPoints * scale).rounded()))
            for box in boxes {
                let x0 = Int(box.x * scale), y0 = Int(box.y * scale)
                let x1 = min(bitmap.width - 1, Int((box.x + box.width) * scale) - 1), y1 = min(bitmap.height - 1, Int((box.y + box.height) * scale) - 1)
                for x in x0...x1 { bitmap[x, y0] = true; bitmap[x, y1] = true }
                for y in y0...y1 { bitmap[x0, y] = true; bitmap[x1, y] = true }
                // A bar in the middle, so that the label has ink inside its outline.
                for y in (y0 + y1) / 2 - 2...(y0 + y1) / 2 + 2 { for x in x0 + (x1 - x0) / 4...x1 - (x1 - x0) / 4 { bitmap[x, y] = true } }
            }
            return bitmap
        }

        var ink: MonoBitmap { (try? rasterize([], page: 0, dotsPerInch: 72)) ?? MonoBitmap(width: 1, height: 1) }
    }

    static let a4 = PDFPageSize(widthPoints: 595.28, heightPoints: 841.89)
    static let letter = PDFPageSize(widthPoints: 612, heightPoints: 792)
    /// The corpus's layout (scripts/make-carrier-corpus.py a4_two_up): 4 × 6 in labels 6.3 pt
    /// apart, 40 pt from the top, each outlined 4 pt inside its edge.
    static let sideBySide = [PDFArea(x: 10.3, y: 44, width: 280, height: 424), PDFArea(x: 304.6, y: 44, width: 280, height: 424)]

    static func areas(_ size: PDFPageSize, _ boxes: [PDFArea], label: LabelSize = .inches4x6) -> [PDFArea]? {
        PDFTwoUp.areas(page: size, ink: BoxesReader(size: size, boxes: boxes).ink, dotsPerInch: 72, label: label)
    }

    @Test func twoLabelsSideBySideOnA4AreFoundLeftThenRight() throws {
        let areas = try #require(Self.areas(Self.a4, Self.sideBySide))
        #expect(areas.count == 2)
        // Each is the label's size (4 × 6 in) around its ink, on its own side of the gap.
        for (area, box) in zip(areas, Self.sideBySide) {
            #expect(abs(area.width - 288) < 0.01 && abs(area.height - 432) < 0.01, "\(area)")
            #expect(area.x <= box.x && area.x + area.width >= box.x + box.width - 1)
            #expect(area.y <= box.y && area.y + area.height >= box.y + box.height - 1)
        }
        #expect(areas[0].x + areas[0].width <= areas[1].x)
    }

    @Test func twoLandscapeLabelsOneAboveTheOtherOnLetterAreFoundTopThenBottom() throws {
        let boxes = [PDFArea(x: 90, y: 60, width: 424, height: 280), PDFArea(x: 90, y: 440, width: 424, height: 280)]
        let areas = try #require(Self.areas(Self.letter, boxes))
        #expect(areas.allSatisfy { abs($0.width - 432) < 0.01 && abs($0.height - 288) < 0.01 }, "\(areas)")
        #expect(areas[0].y + areas[0].height <= areas[1].y)
    }

    @Test(arguments: [
        // One label on the sheet.
        (a4, [PDFArea(x: 10, y: 44, width: 280, height: 424)]),
        // A label and a few lines of instructions under it.
        (a4, [PDFArea(x: 150, y: 40, width: 280, height: 424), PDFArea(x: 60, y: 600, width: 470, height: 60)]),
        // A two-column document: each column taller than a label.
        (a4, [PDFArea(x: 20, y: 20, width: 270, height: 800), PDFArea(x: 305, y: 20, width: 270, height: 800)]),
        // Two small stickers: each much smaller than the label.
        (a4, [PDFArea(x: 40, y: 40, width: 100, height: 60), PDFArea(x: 400, y: 40, width: 100, height: 60)]),
        // The labels' layout, but on a page that is no sheet (8 × 10 in).
        (PDFPageSize(widthPoints: 576, heightPoints: 720), sideBySide),
        // Nothing on the page.
        (a4, []),
    ])
    func anythingElseIsOnePage(size: PDFPageSize, boxes: [PDFArea]) {
        #expect(Self.areas(size, boxes) == nil)
    }

    @Test(arguments: [(PrinterDensity.dpi203, 812, 1218), (.dpi300, 1200, 1800)])
    func eachLabelOfASheetPrintsAtFullSizeAndCountsAsOne(density: PrinterDensity, width: Int, height: Int) throws {
        let reader = BoxesReader(size: Self.a4, boxes: Self.sideBySide)
        let labels = PDFLabels(reader: reader, density: density, labelSize: .inches4x6)
        let pages = try labels.labels([], index: 0, size: Self.a4)
        #expect(pages.count == 2)
        for page in pages {
            guard case .image(let image) = page.layout.elements.first else { Issue.record("no image"); continue }
            #expect((image.bitmap.width, image.bitmap.height) == (width, height) && page.dotsPerInch == density.dpi && !page.turned)
            // The label's outline is in the picture: ink near each edge, none of the other label.
            #expect((0..<image.bitmap.height).contains { image.bitmap[image.bitmap.width / 2, $0] })
        }
        #expect(pages[0].note == "Page 1 is 8.27 × 11.69 in with 2 labels on it: each is printed as a label of its own at full size.")
        #expect(pages[1].note == nil)
        var out: [UInt8] = []
        let (count, printed, notes) = try labels.appendLabels([], to: &out)
        #expect(count == 1 && printed == 2 && notes.count == 1)
        #expect(String(decoding: out, as: UTF8.self).components(separatedBy: "^GFA,").count - 1 == 2)
    }

    @Test func landscapeLabelsAreTurnedOntoTheStock() throws {
        let boxes = [PDFArea(x: 90, y: 60, width: 424, height: 280), PDFArea(x: 90, y: 440, width: 424, height: 280)]
        let labels = PDFLabels(reader: BoxesReader(size: Self.letter, boxes: boxes), density: .dpi203, labelSize: .inches4x6)
        let pages = try labels.labels([], index: 0, size: Self.letter)
        #expect(pages.count == 2 && pages.allSatisfy(\.turned) && pages.allSatisfy { $0.dotsPerInch == 203 })
        #expect(pages[0].note?.hasSuffix("at full size, turned a quarter.") == true)
    }

    @Test func aPrinterThatTakesPagesAtTheirOwnSizeGetsTheSheetWhole() throws {
        let labels = PDFLabels(reader: BoxesReader(size: Self.a4, boxes: Self.sideBySide), density: .dpi203, labelSize: nil)
        #expect(try labels.labels([], index: 0, size: Self.a4).count == 1)
    }
}
