internal import CPoppler
// Both modules declare cairo (poppler.h includes cairo.h); which one Swift finds its constants in depends on build order.
internal import CPangoCairo
import Labels
import Synchronization

/// PDFs through poppler-glib: any version (plain or compressed cross-reference, object streams),
/// encrypted with an empty user password, rotated pages. Documents are read from memory, never
/// from a temporary file.
public struct PopplerPDF: PDFReading {
    /// Creates the reader.
    public init() {}

    /// Larger rasters are refused: 64 M dots is a 4 × 6 in page at 1,600 dpi, far beyond any
    /// printer, and keeps one page's gray buffer under 256 MB.
    static let maximumDots = 64 << 20

    public func pageSizes(_ pdf: [UInt8]) throws(LabelError) -> [PDFPageSize] {
        try PopplerDocument.with(pdf) { document throws(LabelError) in
            (0..<document.pageCount).map { document.size(ofPage: $0) }
        }
    }

    public func rasterize(_ pdf: [UInt8], page: Int, dotsPerInch: Int) throws(LabelError) -> MonoBitmap {
        try rasterize(pdf, page: page, dotsPerInch: dotsPerInch, area: nil)
    }

    /// Only `area` of the page is rendered (a label of a two-up sheet): the page is drawn shifted
    /// so that the area's corner is the raster's, and what falls outside is never drawn.
    public func rasterize(_ pdf: [UInt8], page: Int, dotsPerInch: Int, area: PDFArea) throws(LabelError) -> MonoBitmap {
        try rasterize(pdf, page: page, dotsPerInch: dotsPerInch, area: Optional(area))
    }

    func rasterize(_ pdf: [UInt8], page: Int, dotsPerInch: Int, area: PDFArea?) throws(LabelError) -> MonoBitmap {
        guard (72...2400).contains(dotsPerInch) else {
            throw LabelError(code: "pdf.dpi", message: "A PDF page cannot be rasterized at \(dotsPerInch) dpi; use the printer's resolution (203, 300 or 600).")
        }
        return try PopplerDocument.with(pdf) { document throws(LabelError) in
            guard (0..<document.pageCount).contains(page) else {
                throw LabelError(code: "pdf.no_such_page", message: "The PDF has \(document.pageCount) page\(document.pageCount == 1 ? "" : "s"); page \(page + 1) does not exist.")
            }
            let size = area?.size ?? document.size(ofPage: page)
            let scale = Double(dotsPerInch) / 72
            let width = Int((size.widthPoints * scale).rounded()), height = Int((size.heightPoints * scale).rounded())
            guard width > 0, height > 0, width <= Self.maximumDots / max(1, height) else {
                throw LabelError(code: "pdf.page_too_large", message: "Page \(page + 1) of the PDF is \(size), too large to rasterize at \(dotsPerInch) dpi (\(width) × \(height) dots); a label page is a few inches wide.")
            }
            return document.render(page: page, width: width, height: height, scale: scale, origin: (area?.x ?? 0, area?.y ?? 0))
        }
    }
}

/// One open poppler document for the length of a call. Poppler's global state (font cache,
/// error callback) is set up lazily and not meant for concurrent first use, so calls are one at a time.
struct PopplerDocument: ~Copyable {
    private static let lock = Mutex(())
    let handle: OpaquePointer
    let pageCount: Int

    /// Opens `pdf`, checks it, and runs `body` with the document.
    static func with<T>(_ pdf: [UInt8], _ body: (borrowing PopplerDocument) throws(LabelError) -> T) throws(LabelError) -> T {
        try check(pdf)
        return try lock.withLock { _ throws(LabelError) -> T in
            let document = try PopplerDocument(pdf)
            return try body(document)
        }
    }

    /// What poppler would repair silently but must not be printed: data that is not a PDF, or one
    /// that is cut off (poppler rebuilds a lost cross-reference and shows the pages it finds, so a
    /// cut-off label file would print fewer labels without a word).
    static func check(_ pdf: [UInt8]) throws(LabelError) {
        guard !pdf.isEmpty else {
            throw LabelError(code: "pdf.empty", message: "The PDF is empty (0 bytes); ask the sender for the label again.")
        }
        // PDF readers accept the header within the first 1,024 bytes (ISO 32000-2, annex H practice).
        guard find("%PDF-", in: pdf.prefix(1024)) else {
            throw LabelError(code: "pdf.invalid", message: "The file is not a PDF (it does not start with %PDF-); ask the sender for the label again, as a PDF or as ZPL.")
        }
        guard find("%%EOF", in: pdf.suffix(1024)) else {
            throw LabelError(code: "pdf.truncated", message: "The PDF is cut off: it has no %%EOF at its end (\(pdf.count) bytes arrived); ask the sender for the label again.")
        }
    }

    private static func find(_ text: String, in bytes: ArraySlice<UInt8>) -> Bool {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        var i = bytes.startIndex
        while i + needle.count <= bytes.endIndex {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    private init(_ pdf: [UInt8]) throws(LabelError) {
        let bytes = pdf.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
        defer { g_bytes_unref(bytes) }
        var error: UnsafeMutablePointer<GError>?
        guard let handle = poppler_document_new_from_bytes(bytes, nil, &error) else {
            defer { if error != nil { g_error_free(error) } }
            throw Self.openError(error?.pointee)
        }
        let pageCount = Int(poppler_document_get_n_pages(handle))
        guard pageCount > 0 else {
            g_object_unref(UnsafeMutableRawPointer(handle))
            throw LabelError(code: "pdf.no_pages", message: "The PDF has no pages; ask the sender for the label again.")
        }
        self.handle = handle
        self.pageCount = pageCount
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(handle)) }

    private static func openError(_ error: GError?) -> LabelError {
        let said = error.flatMap { $0.message.map { String(cString: $0) } }.map { " (poppler: \($0))" } ?? ""
        if let error, error.domain == poppler_error_quark(), error.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) {
            return LabelError(code: "pdf.password", message: "The PDF is protected by a password, so it cannot be opened or printed unattended; ask the sender for a copy without a password.")
        }
        return LabelError(code: "pdf.damaged", message: "The PDF cannot be read: it is damaged or not a PDF poppler understands\(said); ask the sender for the label again.")
    }

    /// The page's size as displayed (poppler applies /Rotate and uses the crop box).
    func size(ofPage index: Int) -> PDFPageSize {
        guard let page = poppler_document_get_page(handle, Int32(index)) else { return PDFPageSize(widthPoints: 0, heightPoints: 0) }
        defer { g_object_unref(UnsafeMutableRawPointer(page)) }
        var width = 0.0, height = 0.0
        poppler_page_get_size(page, &width, &height)
        return PDFPageSize(widthPoints: width, heightPoints: height)
    }

    /// Renders the page for printing (annotations as printed) and turns it into dots (`ThermalRaster`).
    func render(page index: Int, width: Int, height: Int, scale: Double, origin: (x: Double, y: Double) = (0, 0)) -> MonoBitmap {
        ThermalRaster.render(width: width, height: height, scale: scale) { cr in
            cairo_translate(cr, -origin.x, -origin.y)
            // cairo's names come from CPangoCairo only (ThermalRaster): poppler.h includes cairo.h too,
            // and in a whole-module build Swift finds cairo's constants in one of the two modules only.
            if let page = poppler_document_get_page(handle, Int32(index)) {
                poppler_page_render_for_printing(page, cr)
                g_object_unref(UnsafeMutableRawPointer(page))
            }
        }
    }
}
