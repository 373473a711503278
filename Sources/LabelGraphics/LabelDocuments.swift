internal import CPangoCairo
// Both modules declare cairo (poppler.h includes cairo.h); which one Swift finds its constants in depends on build order.
internal import CPoppler
import Labels

/// Collects what cairo writes, so it reaches the sink page by page.
final class ByteCollector {
    var bytes: [UInt8] = []
}

let collectBytes: cairo_write_func_t = { closure, data, length in
    let collector = Unmanaged<ByteCollector>.fromOpaque(closure!).takeUnretainedValue()
    collector.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}

/// A PDF of labels written page by page into a sink: vector drawing, fonts embedded as subsets,
/// one page per layout at the layout's own size. Memory holds one page, not the batch.
public final class PDFLabelWriter<Sink: LabelSink> {
    /// Where the bytes go.
    public private(set) var sink: Sink
    let collector = ByteCollector()
    let surface: OpaquePointer
    let cr: OpaquePointer
    /// Pages written so far.
    public private(set) var pages = 0
    var finished = false

    /// Starts a document.
    public init(sink: Sink) {
        self.sink = sink
        surface = cairo_pdf_surface_create_for_stream(collectBytes, Unmanaged.passUnretained(collector).toOpaque(), 288, 432)!
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "packstation")
        cr = cairo_create(surface)!
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// Draws one layout as the next page and passes the bytes cairo wrote on to the sink.
    public func addPage(_ layout: LabelLayout) throws {
        let density = layout.density
        cairo_pdf_surface_set_size(surface, density.points(layout.widthDots), density.points(layout.heightDots))
        cairo_save(cr)
        let s = density.points(1)
        cairo_scale(cr, s, s)
        var painter = LabelPainter(cr: cr)
        try painter.paint(layout)
        cairo_restore(cr)
        cairo_show_page(cr)
        pages += 1
        try check()
        try flush()
    }

    /// Ends the document (fonts and cross-reference table) and flushes the rest.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        cairo_surface_finish(surface)
        try check()
        try flush()
    }

    func check() throws(LabelError) {
        let status = cairo_status(cr)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw LabelError(code: "pdf.cairo", message: "cairo failed while writing the PDF: \(String(cString: cairo_status_to_string(status))).")
        }
    }

    func flush() throws {
        guard !collector.bytes.isEmpty else { return }
        try sink.write(collector.bytes[...])
        collector.bytes.removeAll(keepingCapacity: true)
    }
}

/// PNG pictures of labels at printer resolution, one pixel per dot, drawn by the same code as the PDF.
public enum LabelPNG {
    /// The label as PNG bytes.
    public static func render(_ layout: LabelLayout) throws(LabelError) -> [UInt8] {
        let surface = try paintedSurface(layout)
        defer { cairo_surface_destroy(surface) }
        let collector = ByteCollector()
        let status = cairo_surface_write_to_png_stream(surface, collectBytes, Unmanaged.passUnretained(collector).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else {
            throw LabelError(code: "png.cairo", message: "cairo failed while writing the PNG: \(String(cString: cairo_status_to_string(status))).")
        }
        return collector.bytes
    }

    /// The label as a 1-bit bitmap (what a thermal head would burn).
    public static func bitmap(_ layout: LabelLayout) throws(LabelError) -> MonoBitmap {
        let surface = try paintedSurface(layout)
        defer { cairo_surface_destroy(surface) }
        return MonoConversion.threshold(surface)
    }

    static func paintedSurface(_ layout: LabelLayout) throws(LabelError) -> OpaquePointer {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(layout.widthDots), Int32(layout.heightDots))!
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        var painter = LabelPainter(cr: cr)
        do { try painter.paint(layout) } catch {
            cairo_surface_destroy(surface)
            throw error
        }
        cairo_surface_flush(surface)
        return surface
    }
}

/// Image surface → 1-bit conversion by luminance threshold (alpha composited on white).
enum MonoConversion {
    static func threshold(_ surface: OpaquePointer) -> MonoBitmap {
        cairo_surface_flush(surface)
        let width = Int(cairo_image_surface_get_width(surface)), height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let hasAlpha = cairo_image_surface_get_format(surface) == CAIRO_FORMAT_ARGB32
        var bitmap = MonoBitmap(width: max(1, width), height: max(1, height))
        guard let data = cairo_image_surface_get_data(surface) else { return bitmap }
        for y in 0..<height {
            let row = (data + y * stride).withMemoryRebound(to: UInt32.self, capacity: width) { $0 }
            for x in 0..<width {
                let p = row[x]
                let a = hasAlpha ? Int(p >> 24) : 255
                // Premultiplied: composite on white = c + (255 - a).
                let r = Int((p >> 16) & 0xFF) + 255 - a, g = Int((p >> 8) & 0xFF) + 255 - a, b = Int(p & 0xFF) + 255 - a
                if r * 299 + g * 587 + b * 114 < 128_000 { bitmap[x, y] = true }
            }
        }
        return bitmap
    }
}

/// Text the printer's resident font cannot show, drawn with pango and sent as ^GF.
public struct CairoTextRasterizer: TextRasterizer {
    /// Creates the rasterizer.
    public init() {}

    public func rasterize(_ block: TextBlock) -> MonoBitmap? {
        let w = block.rotation == .normal || block.rotation == .upsideDown ? block.frame.width : block.frame.height
        let h = block.rotation == .normal || block.rotation == .upsideDown ? block.frame.height : block.frame.width
        guard w > 0, h > 0, w * h <= 40_000_000 else { return nil }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(w), Int32(h)) else { return nil }
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_set_source_rgb(cr, 0, 0, 0)
        var local = block
        local.frame.x = 0
        local.frame.y = 0
        var painter = LabelPainter(cr: cr)
        painter.drawText(local)
        return MonoConversion.threshold(surface)
    }
}

/// A carrier's PNG read with cairo and thresholded to one bit per dot, for ^GF.
public struct CairoPNGDecoder: MonoImageDecoder {
    /// Creates the decoder.
    public init() {}

    public func monoBitmap(png: [UInt8]) throws(LabelError) -> MonoBitmap {
        guard png.starts(with: [0x89, 0x50, 0x4E, 0x47]) else {
            throw LabelError(code: "carrier.png_invalid", message: "The carrier's label is marked PNG but is not a PNG image; ask the carrier for the label again.")
        }
        final class Reader { var bytes: [UInt8]; var offset = 0; init(_ b: [UInt8]) { bytes = b } }
        let reader = Reader(png)
        let read: cairo_read_func_t = { closure, data, length in
            let r = Unmanaged<Reader>.fromOpaque(closure!).takeUnretainedValue()
            let n = Int(length)
            guard r.offset + n <= r.bytes.count else { return CAIRO_STATUS_READ_ERROR }
            r.bytes.withUnsafeBufferPointer { UnsafeMutableRawPointer(data!).copyMemory(from: $0.baseAddress! + r.offset, byteCount: n) }
            r.offset += n
            return CAIRO_STATUS_SUCCESS
        }
        let surface = withExtendedLifetime(reader) { cairo_image_surface_create_from_png_stream(read, Unmanaged.passUnretained(reader).toOpaque())! }
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw LabelError(code: "carrier.png_invalid", message: "The carrier's PNG cannot be read (\(String(cString: cairo_status_to_string(cairo_surface_status(surface))))); ask the carrier for the label again.")
        }
        let bitmap = MonoConversion.threshold(surface)
        guard bitmap.width <= 4000, bitmap.height <= 8000 else {
            throw LabelError(code: "carrier.png_too_large", message: "The carrier's PNG is \(bitmap.width)×\(bitmap.height) pixels, larger than any label at 600 dpi.")
        }
        return bitmap
    }
}
