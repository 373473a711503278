internal import CPangoCairo
// Both modules declare cairo (poppler.h includes cairo.h); which one Swift finds its constants in depends on build order.
internal import CPoppler
import Labels

/// A ZPL font as the preview draws it: the printer's scalable font 0 (CG Triumvirate Bold
/// Condensed) approximated by a narrow bold sans, the bitmap fonts A–H by a bold monospace
/// face scaled to their cell.
struct ZPLPreviewFont: Equatable {
    /// The font name letter or digit as written (`0`, `A` … `Z`, `1` … `9`).
    var name: UInt8
    /// Character height in dots (the cell height for bitmap fonts).
    var height: Int
    /// Character width in dots; for the scalable font, the width the height would give when 0.
    var width: Int

    /// Bitmap fonts: cell height and width in dots at 203 dpi (E and H are larger at 300 dpi and up).
    static func bitmapCell(_ name: UInt8, dotsPerInch: Int) -> (height: Int, width: Int)? {
        switch name {
        case UInt8(ascii: "A"): (9, 5)
        case UInt8(ascii: "B"): (11, 7)
        case UInt8(ascii: "C"), UInt8(ascii: "D"): (18, 10)
        case UInt8(ascii: "E"): dotsPerInch >= 300 ? (42, 20) : (28, 15)
        case UInt8(ascii: "F"): (26, 13)
        case UInt8(ascii: "G"): (60, 40)
        case UInt8(ascii: "H"): dotsPerInch >= 300 ? (34, 22) : (21, 13)
        default: nil
        }
    }

    /// Whether the preview has a stand-in for this font (0 and A–H); others are drawn as font 0.
    var isKnown: Bool { name == UInt8(ascii: "0") || Self.bitmapCell(name, dotsPerInch: 203) != nil }

    /// The size actually drawn: bitmap fonts in whole multiples of their cell.
    func resolved(dotsPerInch: Int) -> (height: Int, width: Int, bitmap: Bool) {
        guard let cell = Self.bitmapCell(name, dotsPerInch: dotsPerInch) else {
            let h = max(1, height)
            return (h, width > 0 ? width : h, false)
        }
        let mh = max(1, Int((Double(height) / Double(cell.height)).rounded()))
        let mw = width > 0 ? max(1, Int((Double(width) / Double(cell.width)).rounded())) : mh
        return (cell.height * mh, cell.width * mw, true)
    }
}

/// `^FB`: the field block (width, lines, extra line spacing, justification, hanging indent).
struct ZPLPreviewBlock: Equatable {
    var width: Int
    var lines: Int
    var spacing: Int
    var justification: UInt8  // L, C, R, J
}

/// Text fields drawn with pango into a bitmap, one bit per dot.
enum ZPLPreviewText {
    /// Where the baseline sits below the top of a line, as a share of the character height.
    static let baselineShare = 0.8

    /// The text upright, anchored at the baseline start of its first line (its last line in a
    /// block, where `^FT` puts the origin).
    static func render(_ text: String, font: ZPLPreviewFont, block: ZPLPreviewBlock?, dotsPerInch: Int) -> ZPLPreviewImage? {
        let size = font.resolved(dotsPerInch: dotsPerInch)
        let h = size.height
        // Measured first (the font map's lock is held while measuring), drawn after.
        let plan: (lines: [String], widths: [Double], scaleX: Double, lineStep: Int, width: Int)? = FontMap.shared.withMeasuringLayout { layout, _ in
            configure(layout, font: font, size: size)
            let scaleX = horizontalScale(layout, size: size)
            func measure(_ s: String) -> Double {
                pango_layout_set_text(layout, s, -1)
                var w: Int32 = 0, lh: Int32 = 0
                pango_layout_get_pixel_size(layout, &w, &lh)
                return Double(w) * scaleX
            }
            var lines: [String]
            let lineStep: Int
            let width: Int
            if let block {
                lines = []
                for paragraph in text.components(separatedBy: "\n") { lines += wrap(paragraph, width: Double(block.width), measure: measure) }
                // Lines beyond the block's count print over its last line, as on the printer.
                let count = max(1, block.lines)
                lineStep = h + block.spacing
                width = max(1, block.width)
                if lines.count > count { lines = Array(lines.prefix(count - 1)) + [lines[(count - 1)...].joined(separator: " ")] }
                if lines.isEmpty { lines = [""] }
            } else {
                lines = [text.replacingOccurrences(of: "\n", with: " ")]
                lineStep = h
                width = max(1, Int(measure(lines[0]).rounded(.up)) + 1)
            }
            return (lines, lines.map(measure), scaleX, lineStep, width)
        }
        guard let plan else { return nil }
        let height = max(1, plan.lineStep * (plan.lines.count - 1) + h)
        guard plan.width * height <= 40_000_000 else { return nil }
        let bitmap = draw(plan.lines, widths: plan.widths, font: font, size: size, scaleX: plan.scaleX, block: block, width: plan.width, height: height, lineStep: plan.lineStep)
        let baseline = Int((Double(h) * baselineShare).rounded())
        return ZPLPreviewImage(bitmap: bitmap, anchor: (0, plan.lineStep * (plan.lines.count - 1) + baseline))
    }

    static func configure(_ layout: OpaquePointer, font: ZPLPreviewFont, size: (height: Int, width: Int, bitmap: Bool)) {
        let description = pango_font_description_from_string(size.bitmap ? "DejaVu Sans Mono Bold" : "Nimbus Sans Narrow, DejaVu Sans Condensed, DejaVu Sans Bold")!
        defer { pango_font_description_free(description) }
        pango_font_description_set_absolute_size(description, Double(size.height) * (size.bitmap ? 0.92 : 1.0) * Double(packstation_pango_scale()))
        pango_layout_set_font_description(layout, description)
        pango_layout_set_width(layout, -1)
    }

    /// Font 0 gets wider or narrower when its width differs from its height; bitmap fonts are
    /// stretched so each character takes its cell width.
    static func horizontalScale(_ layout: OpaquePointer, size: (height: Int, width: Int, bitmap: Bool)) -> Double {
        guard size.bitmap else { return Double(size.width) / Double(size.height) }
        pango_layout_set_text(layout, "MMMMMMMMMM", -1)
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_pixel_size(layout, &w, &h)
        return w > 0 ? Double(size.width) * 10 / Double(w) : 1
    }

    /// Word wrap at spaces, breaking words longer than a line.
    static func wrap(_ paragraph: String, width: Double, measure: (String) -> Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in paragraph.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if measure(candidate) <= width || current.isEmpty && word.count <= 1 {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            current = word
            while measure(current) > width && current.count > 1 {
                var cut = current.count - 1
                while cut > 1 && measure(String(current.prefix(cut))) > width { cut -= 1 }
                lines.append(String(current.prefix(cut)))
                current = String(current.dropFirst(cut))
            }
        }
        lines.append(current)
        return lines
    }

    static func draw(_ lines: [String], widths: [Double], font: ZPLPreviewFont, size: (height: Int, width: Int, bitmap: Bool), scaleX: Double, block: ZPLPreviewBlock?, width: Int, height: Int, lineStep: Int) -> MonoBitmap {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_set_source_rgb(cr, 0, 0, 0)
        FontMap.shared.withLayout(on: cr) { layout in
            configure(layout, font: font, size: size)
            let baseline = Double(size.height) * baselineShare
            for (k, line) in lines.enumerated() where !line.isEmpty {
                var x = 0.0
                if let block {
                    switch block.justification {
                    case UInt8(ascii: "C"): x = ((Double(block.width) - widths[k]) / 2).rounded()
                    case UInt8(ascii: "R"): x = Double(block.width) - widths[k]
                    default: x = 0
                    }
                }
                pango_layout_set_text(layout, line, -1)
                let layoutBaseline = Double(pango_layout_get_baseline(layout)) / Double(packstation_pango_scale())
                cairo_save(cr)
                cairo_translate(cr, x, Double(lineStep * k) + baseline - layoutBaseline * 1)
                cairo_scale(cr, scaleX, 1)
                pango_cairo_update_layout(cr, layout)
                pango_cairo_show_layout(cr, layout)
                cairo_restore(cr)
            }
        }
        return MonoConversion.threshold(surface)
    }
}

extension FontMap {
    /// A layout on a scratch surface for measuring text, valid inside `body`.
    func withMeasuringLayout<R>(_ body: (OpaquePointer, OpaquePointer) -> R) -> R {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1)!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        var result: R?
        withLayout(on: cr) { layout in result = body(layout, cr) }
        return result!
    }
}
