/// A PDF's pages as ZPL labels, for a printer that takes only ZPL: each page is rasterized at the
/// printer's resolution (dithered for the thermal head) and sent as one `^GF` graphic per label.
/// An A4 or Letter sheet that carries two labels (`PDFTwoUp`) is cut into them, each printed at
/// full size as a label of its own (turned a quarter when it lies across the stock). Any other
/// page larger than the label is scaled down to fit, turned a quarter when that lets it print
/// larger; a smaller page is centred across the label and printed at full size.
public struct PDFLabels: Sendable {
    /// The PDF library (LabelGraphics' `PopplerPDF`).
    public var reader: any PDFReading
    /// The printer's resolution.
    public var density: PrinterDensity
    /// The label stock; nil prints each page at its own size.
    public var labelSize: LabelSize?

    /// Creates a converter.
    public init(reader: any PDFReading, density: PrinterDensity, labelSize: LabelSize?) {
        self.reader = reader
        self.density = density
        self.labelSize = labelSize
    }

    /// One page, or one label of a two-up sheet, made ready for the printer.
    public struct Page: Sendable {
        /// 0-based page number.
        public var index: Int
        /// The page as the PDF gives it.
        public var size: PDFPageSize
        /// The part of the page printed: nil for the whole page, else one label of a two-up sheet.
        public var area: PDFArea? = nil
        /// The label with the page's dots on it.
        public var layout: LabelLayout
        /// The resolution the page was rasterized at (below the printer's when it was scaled down).
        public var dotsPerInch: Int
        /// Whether the page was turned a quarter to fit.
        public var turned: Bool
        /// For the person, when the page was not printed as it is: how it was fitted.
        public var note: String?
    }

    /// A page is taken as fitting when it is at most this much larger than the label (a 4 × 6 in
    /// page at 203 dpi is 812 dots; 4 in of 8 dots/mm stock is 812.8).
    static let tolerance = 1.02

    /// The two labels of page `index` when it is a sheet that carries two (`PDFTwoUp`: a page of
    /// A4 or Letter size is rasterized at 72 dpi to see where its ink is), else nil: the page is
    /// one label. Nil too without a label stock, where pages print at their own size.
    public func twoUpAreas(_ pdf: [UInt8], index: Int, size: PDFPageSize) throws(LabelError) -> [PDFArea]? {
        guard let labelSize, PDFTwoUp.isSheet(size) else { return nil }
        let ink = try reader.rasterize(pdf, page: index, dotsPerInch: PDFTwoUp.inkDotsPerInch)
        return PDFTwoUp.areas(page: size, ink: ink, dotsPerInch: PDFTwoUp.inkDotsPerInch, label: labelSize)
    }

    /// The labels page `index` prints, rasterized and fitted: the two of a two-up sheet at full
    /// size (the first with a note saying so), else the page.
    public func labels(_ pdf: [UInt8], index: Int, size: PDFPageSize) throws(LabelError) -> [Page] {
        guard let areas = try twoUpAreas(pdf, index: index, size: size) else { return [try page(pdf, index: index, size: size)] }
        var out: [Page] = []
        for area in areas {
            out.append(try page(pdf, index: index, size: size, area: area))
        }
        let turned = out.contains { $0.turned }
        for i in out.indices { out[i].note = nil }
        out[0].note = "Page \(index + 1) is \(size) with \(areas.count) labels on it: each is printed as a label of its own at full size\(turned ? ", turned a quarter" : "")."
        return out
    }

    /// Page `index` (or `area` of it, a label of a two-up sheet) rasterized and fitted to the label.
    public func page(_ pdf: [UInt8], index: Int, size: PDFPageSize, area: PDFArea? = nil) throws(LabelError) -> Page {
        let dpi = Double(density.dpi)
        let printed = area?.size ?? size
        let pageWidth = printed.widthInches * dpi, pageHeight = printed.heightInches * dpi
        func rasterize(_ dotsPerInch: Int) throws(LabelError) -> MonoBitmap {
            if let area { return try reader.rasterize(pdf, page: index, dotsPerInch: dotsPerInch, area: area) }
            return try reader.rasterize(pdf, page: index, dotsPerInch: dotsPerInch)
        }
        guard let labelSize else {
            let bitmap = try rasterize(density.dpi)
            let layout = LabelLayout(size: LabelSize(widthMM: Double(bitmap.width) / Double(density.dotsPerMM), heightMM: Double(bitmap.height) / Double(density.dotsPerMM)), density: density, elements: [.image(ImageBlock(x: 0, y: 0, bitmap: bitmap))])
            return Page(index: index, size: size, area: area, layout: layout, dotsPerInch: density.dpi, turned: false, note: nil)
        }
        let frame = LabelLayout(size: labelSize, density: density)
        let labelWidth = Double(frame.widthDots), labelHeight = Double(frame.heightDots)
        let upright = min(1, labelWidth / pageWidth, labelHeight / pageHeight)
        let sideways = min(1, labelWidth / pageHeight, labelHeight / pageWidth)
        let fits = pageWidth <= labelWidth * Self.tolerance && pageHeight <= labelHeight * Self.tolerance
        let turned = !fits && sideways > upright
        let scale = fits ? 1 : max(upright, sideways)
        let rasterDPI = fits ? density.dpi : max(72, Int(dpi * scale))
        var bitmap = try rasterize(rasterDPI)
        if turned { bitmap = bitmap.turnedClockwise() }
        if bitmap.width > frame.widthDots || bitmap.height > frame.heightDots {
            bitmap = bitmap.cropped(width: min(bitmap.width, frame.widthDots), height: min(bitmap.height, frame.heightDots))
        }
        let x = max(0, (frame.widthDots - bitmap.width) / 2)
        let layout = LabelLayout(size: labelSize, density: density, elements: [.image(ImageBlock(x: x, y: 0, bitmap: bitmap))])
        var note: String?
        if !fits && rasterDPI == density.dpi {
            note = "Page \(index + 1) is \(size), across the \(labelSize.inchesDescription) label: it is turned a quarter to fit."
        } else if !fits {
            let percent = Int((Double(rasterDPI) / dpi * 100).rounded())
            note = "Page \(index + 1) is \(size), larger than the \(labelSize.inchesDescription) label: it is printed at \(percent) % (rasterized at \(rasterDPI) dpi)\(turned ? ", turned a quarter" : "") to fit; small barcodes may not scan. Ask the sender for \(labelSize.inchesDescription) pages."
        }
        return Page(index: index, size: size, area: area, layout: layout, dotsPerInch: rasterDPI, turned: turned, note: note)
    }

    /// Appends one label per page, two per two-up sheet (each with `copies` copies), to `out`;
    /// returns the page and label counts and the notes about pages that had to be fitted or
    /// cut, for the person.
    @discardableResult
    public func appendLabels(_ pdf: [UInt8], copies: Int = 1, to out: inout [UInt8]) throws(LabelError) -> (pages: Int, labels: Int, notes: [String]) {
        var notes: [String] = []
        var count = 0
        let renderer = ZPLRenderer()
        let sizes = try reader.pageSizes(pdf)
        for (index, size) in sizes.enumerated() {
            for var label in try labels(pdf, index: index, size: size) {
                label.layout.copies = copies
                try renderer.render(label.layout, into: &out)
                if let note = label.note { notes.append(note) }
                count += 1
            }
        }
        return (sizes.count, count, notes)
    }
}

extension LabelSize {
    /// "4 × 6 in", for messages about PDF pages (which are measured in inches).
    var inchesDescription: String {
        PDFPageSize(widthPoints: widthMM / 25.4 * 72, heightPoints: heightMM / 25.4 * 72).description
    }
}

extension MonoBitmap {
    /// The bitmap turned a quarter clockwise (its top becomes its right edge).
    func turnedClockwise() -> MonoBitmap {
        var out = MonoBitmap(width: height, height: width)
        for y in 0..<height {
            for x in 0..<width where self[x, y] {
                out[height - 1 - y, x] = true
            }
        }
        return out
    }

    /// The top left `width` × `height` dots.
    func cropped(width: Int, height: Int) -> MonoBitmap {
        var out = MonoBitmap(width: width, height: height)
        let rowBytes = out.bytesPerRow
        for y in 0..<height {
            out.bytes.replaceSubrange((y * rowBytes)..<((y + 1) * rowBytes), with: bytes[(y * bytesPerRow)..<(y * bytesPerRow + rowBytes)])
        }
        // Dots past `width` in the last byte of each row are cleared (they were the page's).
        if width % 8 != 0 {
            let mask = UInt8(0xFF) << UInt8(8 - width % 8)
            for y in 0..<height { out.bytes[y * rowBytes + rowBytes - 1] &= mask }
        }
        return out
    }
}
