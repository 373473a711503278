internal import CPangoCairo
// Both modules declare cairo (poppler.h includes cairo.h); which one Swift finds its constants in depends on build order.
internal import CPoppler
import Labels
import Markup

/// Pictures of carrier ZPL drawn in-process, one dot per pixel at the printer's resolution:
/// what the kiosk shows and `packstation label --format png|svg` writes for a ZPL file.
///
/// The renderer reads the stream as a printer does (downloaded graphics, stored formats,
/// settings formats before the label) and draws the subset carriers use: text in stand-ins for
/// the printer's fonts, boxes, circles, lines, graphics, Code 128 / GS1-128, QR, DataMatrix,
/// PDF417 and MaxiCode. What it cannot draw faithfully is listed in `notes` and written under
/// the label in the picture, never silently left out (docs/zpl-preview.md).
public struct ZPLPreview: Sendable {
    /// A rendered label.
    public struct Picture: Sendable {
        /// PNG or SVG bytes.
        public var bytes: [UInt8]
        /// What the preview could not draw faithfully (empty when it drew everything).
        public var notes: [String]
        /// The label's size in dots (without the notes band).
        public var widthDots: Int
        public var heightDots: Int
    }

    /// The output formats.
    public enum Format: String, Sendable { case png, svg }

    /// The printer's resolution: one dot is one pixel.
    public let density: PrinterDensity

    /// Creates a renderer for a printer of `density`.
    public init(density: PrinterDensity) { self.density = density }

    /// The label as a 1-bit bitmap (what the head would burn) and the notes.
    func bitmap(_ commands: [ZPLPreviewCommand], formatAt offset: Int, label: Int) throws(LabelError) -> (bitmap: MonoBitmap, notes: [String]) {
        var interpreter = ZPLPreviewInterpreter(dotsPerInch: density.dpi)
        guard let result = interpreter.draw(commands, target: offset) else {
            throw LabelError(code: "preview.no_label", message: "Label \(label + 1) of the ZPL cannot be found for the preview (no format at byte \(offset)).")
        }
        return (result.canvas.bitmap, result.notes)
    }

    /// The picture of a bitmap with its notes written in a band under it.
    func picture(_ bitmap: MonoBitmap, notes: [String], format: Format) throws(LabelError) -> Picture {
        switch format {
        case .png: Picture(bytes: try Self.png(bitmap, notes: notes), notes: notes, widthDots: bitmap.width, heightDots: bitmap.height)
        case .svg: Picture(bytes: Self.svg(bitmap, notes: notes), notes: notes, widthDots: bitmap.width, heightDots: bitmap.height)
        }
    }

    /// Height of one line of notes, in pixels.
    static func noteLine(_ width: Int) -> Int { max(14, width / 40) }

    static func png(_ bitmap: MonoBitmap, notes: [String]) throws(LabelError) -> [UInt8] {
        let line = noteLine(bitmap.width)
        let band = notes.isEmpty ? 0 : line * (notes.count * 2 + 1)
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(bitmap.width), Int32(bitmap.height + band))!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)
        forEachRun(bitmap) { x, y, w in cairo_rectangle(cr, Double(x), Double(y), Double(w), 1) }
        cairo_fill(cr)
        if !notes.isEmpty {
            cairo_set_source_rgb(cr, 0.75, 0, 0)
            cairo_rectangle(cr, 0, Double(bitmap.height), Double(bitmap.width), Double(max(2, line / 6)))
            cairo_fill(cr)
            cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT)
            FontMap.shared.withLayout(on: cr) { layout in
                let font = pango_font_description_from_string("DejaVu Sans")!
                defer { pango_font_description_free(font) }
                pango_font_description_set_absolute_size(font, Double(line) * 0.75 * Double(packstation_pango_scale()))
                pango_layout_set_font_description(layout, font)
                pango_layout_set_width(layout, Int32((bitmap.width - line) * Int(packstation_pango_scale())))
                pango_layout_set_height(layout, -2)
                pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
                pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END)
                for (k, note) in notes.enumerated() {
                    pango_layout_set_text(layout, "Preview note: " + note, -1)
                    cairo_move_to(cr, Double(line) / 2, Double(bitmap.height + line / 2 + k * 2 * line))
                    pango_cairo_show_layout(cr, layout)
                }
            }
        }
        cairo_surface_flush(surface)
        let collector = ByteCollector()
        let status = cairo_surface_write_to_png_stream(surface, collectBytes, Unmanaged.passUnretained(collector).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else {
            throw LabelError(code: "png.cairo", message: "cairo failed while writing the preview PNG: \(String(cString: cairo_status_to_string(status))).")
        }
        return collector.bytes
    }

    static func svg(_ bitmap: MonoBitmap, notes: [String]) -> [UInt8] {
        let line = noteLine(bitmap.width)
        let band = notes.isEmpty ? 0 : line * (notes.count * 2 + 1)
        let height = bitmap.height + band
        var out: [UInt8] = []
        out += Array(#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(bitmap.width)" height="\#(height)" viewBox="0 0 \#(bitmap.width) \#(height)">"#.utf8)
        out += Array(##"<rect width="\##(bitmap.width)" height="\##(height)" fill="#fff"/><path shape-rendering="crispEdges" fill="#000" d=""##.utf8)
        forEachRun(bitmap) { x, y, w in out += Array("M\(x) \(y)h\(w)v1h-\(w)Z".utf8) }
        out += Array(#""/>"#.utf8)
        if !notes.isEmpty {
            out += Array(##"<rect x="0" y="\##(bitmap.height)" width="\##(bitmap.width)" height="\##(max(2, line / 6))" fill="#bf0000"/>"##.utf8)
            for (k, note) in notes.enumerated() {
                out += Array(##"<text x="\##(line / 2)" y="\##(bitmap.height + line + k * 2 * line)" font-family="DejaVu Sans,sans-serif" font-size="\##(line * 3 / 4)" fill="#bf0000">"##.utf8)
                Markup.appendText("Preview note: " + note, to: &out)
                out += Array("</text>".utf8)
            }
        }
        out += Array("</svg>\n".utf8)
        return out
    }

    /// Calls `body` with each horizontal run of black dots: x, y, width.
    static func forEachRun(_ bitmap: MonoBitmap, _ body: (Int, Int, Int) -> Void) {
        for y in 0..<bitmap.height {
            var x = 0
            while x < bitmap.width {
                guard bitmap[x, y] else { x += 1; continue }
                let start = x
                while x < bitmap.width && bitmap[x, y] { x += 1 }
                body(start, y, x - start)
            }
        }
    }
}
