internal import CPangoCairo
import Labels

/// Draws a layout on a cairo context whose user space is printer dots: the one drawing code
/// behind the PDF pages, the PNG previews and the text rasterized for ZPL printers.
struct LabelPainter {
    /// Font families in order of preference; fontconfig falls back per character beyond them.
    static let fontFamily = "Noto Sans, Noto Sans CJK JP, DejaVu Sans"
    /// Font size (em) relative to the layout's text height, so text fills lines as ZPL font 0 does.
    static let emPerLineHeight = 0.82

    let cr: OpaquePointer

    func paint(_ layout: LabelLayout) throws(LabelError) {
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_set_source_rgb(cr, 0, 0, 0)
        for element in layout.elements {
            switch element {
            case .box(let box): drawBox(box)
            case .text(let text): drawText(text)
            case .barcode(let code): try drawBarcode(code)
            case .image(let image): drawBitmap(image.bitmap, x: image.x, y: image.y)
            }
        }
    }

    func drawBox(_ box: BoxShape) {
        let f = box.frame
        if box.isFilled {
            cairo_rectangle(cr, Double(f.x), Double(f.y), Double(f.width), Double(f.height))
        } else {
            let t = Double(box.thickness)
            // Four bars inside the frame, as ^GB draws its border.
            cairo_rectangle(cr, Double(f.x), Double(f.y), Double(f.width), t)
            cairo_rectangle(cr, Double(f.x), Double(f.y + f.height) - t, Double(f.width), t)
            cairo_rectangle(cr, Double(f.x), Double(f.y), t, Double(f.height))
            cairo_rectangle(cr, Double(f.x + f.width) - t, Double(f.y), t, Double(f.height))
        }
        cairo_fill(cr)
    }

    func drawText(_ block: TextBlock) {
        guard !block.text.isEmpty else { return }
        let w = Double(block.frame.width), h = Double(block.frame.height)
        cairo_save(cr)
        defer { cairo_restore(cr) }
        cairo_translate(cr, Double(block.frame.x), Double(block.frame.y))
        switch block.rotation {
        case .normal: break
        case .clockwise90: cairo_translate(cr, h, 0); cairo_rotate(cr, Double.pi / 2)
        case .upsideDown: cairo_translate(cr, w, h); cairo_rotate(cr, Double.pi)
        case .clockwise270: cairo_translate(cr, 0, w); cairo_rotate(cr, -Double.pi / 2)
        }
        if block.inverted {
            cairo_rectangle(cr, 0, 0, w, h)
            cairo_fill(cr)
            cairo_set_source_rgb(cr, 1, 1, 1)
        }
        // Nothing drawn for this block can leave its box, whatever the text.
        cairo_rectangle(cr, 0, 0, w, h)
        cairo_clip(cr)
        let layout = pango_cairo_create_layout(cr)!
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let font = pango_font_description_from_string(Self.fontFamily)!
        defer { pango_font_description_free(font) }
        if block.bold { pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD) }
        let scale = Double(packstation_pango_scale())
        var size = Double(block.fontHeight) * Self.emPerLineHeight
        pango_font_description_set_absolute_size(font, size * scale)
        pango_layout_set_font_description(layout, font)
        pango_layout_set_width(layout, Int32(w * scale))
        switch block.alignment {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        }
        var text = TextFitting.visiblePrefix(block.text, block: block)
        switch block.fit {
        case .wrap:
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
            pango_layout_set_height(layout, -Int32(block.lineCapacity))
            pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END)
            pango_layout_set_text(layout, text, -1)
        case .shrink:
            text = String(text.map { $0 == "\n" ? " " : $0 })
            pango_layout_set_width(layout, -1)
            pango_layout_set_text(layout, text, -1)
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

    func drawBitmap(_ bitmap: MonoBitmap, x: Int, y: Int) {
        for row in 0..<bitmap.height {
            var col = 0
            while col < bitmap.width {
                guard bitmap[col, row] else { col += 1; continue }
                let start = col
                while col < bitmap.width && bitmap[col, row] { col += 1 }
                cairo_rectangle(cr, Double(x + start), Double(y + row), Double(col - start), 1)
            }
        }
        cairo_fill(cr)
    }

    /// Draws a barcode; a rotated one is drawn upright in its box's turned coordinates (the
    /// frame is the box on the label, so a quarter-turned symbol runs along its height), the
    /// same turn as ZPL's ^BCR/^BCI/^BCB.
    func drawBarcode(_ code: BarcodeBlock) throws(LabelError) {
        guard code.rotation != .normal else { return try drawUprightBarcode(code) }
        let w = Double(code.frame.width), h = Double(code.frame.height)
        var upright = code
        upright.rotation = .normal
        cairo_save(cr)
        defer { cairo_restore(cr) }
        cairo_translate(cr, Double(code.frame.x), Double(code.frame.y))
        switch code.rotation {
        case .normal: break
        case .clockwise90:
            cairo_translate(cr, w, 0)
            cairo_rotate(cr, Double.pi / 2)
            upright.frame = DotRect(x: 0, y: 0, width: code.frame.height, height: code.frame.width)
        case .upsideDown:
            cairo_translate(cr, w, h)
            cairo_rotate(cr, Double.pi)
            upright.frame = DotRect(x: 0, y: 0, width: code.frame.width, height: code.frame.height)
        case .clockwise270:
            cairo_translate(cr, 0, h)
            cairo_rotate(cr, -Double.pi / 2)
            upright.frame = DotRect(x: 0, y: 0, width: code.frame.height, height: code.frame.width)
        }
        try drawUprightBarcode(upright)
    }

    private func drawUprightBarcode(_ code: BarcodeBlock) throws(LabelError) {
        let symbol = try ZintSymbol(code)
        defer { symbol.close() }
        try symbol.draw(on: cr, in: code)
        if code.symbology.isLinear && code.humanReadable {
            drawText(code.readableLine(symbol.readable, module: symbol.module))
        }
    }
}
