internal import CPangoCairo
// Both modules declare cairo (poppler.h includes cairo.h); which one Swift finds its constants in depends on build order.
internal import CPoppler
import Labels
import Synchronization

/// The label canvas on a cairo context whose user space is printer dots; text is laid out by pango.
struct CairoCanvas: LabelCanvas {
    let cr: OpaquePointer

    init(_ cr: OpaquePointer) { self.cr = cr }

    func save() { cairo_save(cr) }
    func restore() { cairo_restore(cr) }
    func translate(_ x: Double, _ y: Double) { cairo_translate(cr, x, y) }
    func rotate(quarterTurns: Int) { cairo_rotate(cr, Double.pi / 2 * Double(quarterTurns)) }
    func setWhite(_ white: Bool) { cairo_set_source_rgb(cr, white ? 1 : 0, white ? 1 : 0, white ? 1 : 0) }

    func clear(width: Int, height: Int) {
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
    }

    func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double) { cairo_rectangle(cr, x, y, width, height) }

    func polygon(_ points: [(x: Double, y: Double)]) {
        for (k, p) in points.enumerated() {
            if k == 0 { cairo_move_to(cr, p.x, p.y) } else { cairo_line_to(cr, p.x, p.y) }
        }
        cairo_close_path(cr)
    }

    func fill(crisp: Bool) {
        let antialias = cairo_get_antialias(cr)
        if crisp { cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE) }
        cairo_fill(cr)
        cairo_set_antialias(cr, antialias)
    }

    func circle(x: Double, y: Double, radius: Double, lineWidth: Double?) {
        cairo_new_path(cr)
        cairo_arc(cr, x, y, radius, 0, 2 * Double.pi)
        if let lineWidth {
            cairo_set_line_width(cr, lineWidth)
            cairo_stroke(cr)
        } else {
            cairo_fill(cr)
        }
    }

    func text(_ block: TextBlock, width w: Double, height h: Double) {
        // Nothing drawn for this block can leave its box, whatever the text.
        cairo_save(cr)
        defer { cairo_restore(cr) }
        cairo_rectangle(cr, 0, 0, w, h)
        cairo_clip(cr)
        FontMap.shared.withLayout(on: cr) { layout in show(block, layout: layout, width: w) }
    }

    private func show(_ block: TextBlock, layout: OpaquePointer, width w: Double) {
        let font = pango_font_description_from_string(LabelFont.pangoFamilies)!
        defer { pango_font_description_free(font) }
        if block.bold { pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD) }
        let scale = Double(packstation_pango_scale())
        var size = Double(block.fontHeight) * LabelFont.emPerLineHeight
        pango_font_description_set_absolute_size(font, size * scale)
        pango_layout_set_font_description(layout, font)
        pango_layout_set_width(layout, Int32(w * scale))
        switch block.alignment {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        }
        switch block.fit {
        case .wrap:
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
            pango_layout_set_height(layout, -Int32(block.lineCapacity))
            pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END)
            pango_layout_set_text(layout, block.text, -1)
        case .shrink:
            // Measured on one line, then made smaller (not below half) until it fits the width.
            pango_layout_set_width(layout, -1)
            pango_layout_set_text(layout, block.text, -1)
            var pw: Int32 = 0, ph: Int32 = 0
            pango_layout_get_pixel_size(layout, &pw, &ph)
            if Double(pw) > w {
                size = max(size / 2, size * w / Double(pw))
                pango_font_description_set_absolute_size(font, size * scale)
                pango_layout_set_font_description(layout, font)
            }
            pango_layout_set_width(layout, Int32(w * scale))
            pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END)
        }
        pango_cairo_show_layout(cr, layout)
    }
}

/// The process's one pango font map, used under a lock. pango's default font map is one per
/// thread and Swift tasks move between threads, so each worker thread that drew text kept its own
/// fonts, glyph caches and font file mappings (three mappings of Noto Sans were counted after 10
/// PDF labels); pango objects must not be shared between threads without one.
final class FontMap: @unchecked Sendable {
    static let shared = FontMap()
    private let map = pango_cairo_font_map_new()!
    private let lock = Mutex(())

    /// A pango layout for the cairo context, valid inside `body`.
    func withLayout(on cr: OpaquePointer, _ body: (OpaquePointer) -> Void) {
        lock.withLock { _ in
            let context = pango_font_map_create_context(map)!
            defer { g_object_unref(UnsafeMutableRawPointer(context)) }
            pango_cairo_update_context(cr, context)
            let layout = pango_layout_new(context)!
            defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
            body(layout)
        }
    }
}

extension LabelPainter where Canvas == CairoCanvas {
    /// A painter on a cairo context whose user space is printer dots.
    init(cr: OpaquePointer) { self.init(canvas: CairoCanvas(cr)) }
}
