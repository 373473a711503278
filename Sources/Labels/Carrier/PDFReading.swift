/// The size of one PDF page as it is displayed (after its /Rotate), in PostScript points (1/72 in).
public struct PDFPageSize: Sendable, Hashable, CustomStringConvertible {
    /// Width in points.
    public var widthPoints: Double
    /// Height in points.
    public var heightPoints: Double

    /// Creates a page size in points.
    public init(widthPoints: Double, heightPoints: Double) {
        self.widthPoints = widthPoints
        self.heightPoints = heightPoints
    }

    /// Width in inches.
    public var widthInches: Double { widthPoints / 72 }
    /// Height in inches.
    public var heightInches: Double { heightPoints / 72 }

    /// "4 × 6 in" style, to two decimals where needed.
    public var description: String {
        func inches(_ v: Double) -> String {
            let r = (v * 100).rounded() / 100
            return r == r.rounded() ? String(Int(r)) : String(r)
        }
        return "\(inches(widthInches)) × \(inches(heightInches)) in"
    }
}

/// Reads PDFs: page sizes and 1-bit rasters for thermal printers. Labels knows only this
/// protocol; the graphics adapter implements it with a real PDF library (LabelGraphics'
/// `PopplerPDF`) and the executables inject it, as they do `MonoImageDecoder`.
public protocol PDFReading: Sendable {
    /// The size of every page, in order; fails with an error that says what is wrong with the file
    /// (not a PDF, cut off, password-protected, damaged, no pages).
    func pageSizes(_ pdf: [UInt8]) throws(LabelError) -> [PDFPageSize]
    /// One page (0-based) rendered at `dotsPerInch` into black and white dots: gray areas are
    /// dithered, black and white stay crisp, so barcodes still decode.
    func rasterize(_ pdf: [UInt8], page: Int, dotsPerInch: Int) throws(LabelError) -> MonoBitmap
    /// The part `area` of one page, rendered like `rasterize(_:page:dotsPerInch:)`: a label of a
    /// sheet that carries two (`PDFTwoUp`).
    func rasterize(_ pdf: [UInt8], page: Int, dotsPerInch: Int, area: PDFArea) throws(LabelError) -> MonoBitmap
}

extension PDFReading {
    /// The whole page rasterized, then cut to `area` (a reader that can render a part alone does so).
    public func rasterize(_ pdf: [UInt8], page: Int, dotsPerInch: Int, area: PDFArea) throws(LabelError) -> MonoBitmap {
        let whole = try rasterize(pdf, page: page, dotsPerInch: dotsPerInch)
        let scale = Double(dotsPerInch) / 72
        let x = min(whole.width, max(0, Int((area.x * scale).rounded()))), y = min(whole.height, max(0, Int((area.y * scale).rounded())))
        let width = min(whole.width - x, Int((area.width * scale).rounded())), height = min(whole.height - y, Int((area.height * scale).rounded()))
        var out = MonoBitmap(width: max(width, 0), height: max(height, 0))
        for row in 0..<out.height {
            for column in 0..<out.width where whole[x + column, y + row] { out[column, row] = true }
        }
        return out
    }

    /// The number of pages.
    public func pageCount(_ pdf: [UInt8]) throws(LabelError) -> Int {
        try pageSizes(pdf).count
    }
}
