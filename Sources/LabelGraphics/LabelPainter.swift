import Labels

/// A surface the label painter draws on, in printer dots with y pointing down: cairo (PDF pages,
/// PNG pictures, ZPL text rasterized) or SVG (the kiosk preview the browser draws).
protocol LabelCanvas {
    /// Saves the transform and the colour; `restore` brings them back.
    mutating func save()
    mutating func restore()
    mutating func translate(_ x: Double, _ y: Double)
    /// Turns the coordinates clockwise by `quarterTurns` × 90°.
    mutating func rotate(quarterTurns: Int)
    /// Fills and text from now on in white (true) or black.
    mutating func setWhite(_ white: Bool)
    /// The whole page white.
    mutating func clear(width: Int, height: Int)
    /// Adds a rectangle to the shape being built.
    mutating func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double)
    /// Adds a closed polygon to the shape being built.
    mutating func polygon(_ points: [(x: Double, y: Double)])
    /// Fills the shape built since the last fill; `crisp` keeps edges on whole dots (bars).
    mutating func fill(crisp: Bool)
    /// A circle, filled, or stroked `lineWidth` wide.
    mutating func circle(x: Double, y: Double, radius: Double, lineWidth: Double?)
    /// Text in the box from the origin to (width, height), nothing drawn outside it. The block's
    /// text is already cut to what the box can show; its frame origin is not used.
    mutating func text(_ block: TextBlock, width: Double, height: Double)
}

/// The text face of every output, so the printed label and its preview use the same fonts.
enum LabelFont {
    /// Families in order of preference; fontconfig (and the browser) fall back per character beyond them.
    static let families = ["Noto Sans", "Noto Sans CJK JP", "DejaVu Sans"]
    /// The families as a pango font description.
    static let pangoFamilies = families.joined(separator: ", ")
    /// The families as a CSS font-family list.
    static let cssFamilies = families.map { "'\($0)'" }.joined(separator: ",") + ",sans-serif"
    /// Font size (em) relative to the layout's text height, so text fills lines as ZPL font 0 does.
    static let emPerLineHeight = 0.82
}

/// Draws a layout on a canvas: the one drawing code behind the PDF pages, the PNG pictures, the
/// text rasterized for ZPL printers and the kiosk's SVG previews.
struct LabelPainter<Canvas: LabelCanvas> {
    var canvas: Canvas

    mutating func paint(_ layout: LabelLayout) throws(LabelError) {
        canvas.clear(width: layout.widthDots, height: layout.heightDots)
        canvas.setWhite(false)
        for element in layout.elements {
            switch element {
            case .box(let box): drawBox(box)
            case .text(let text): drawText(text)
            case .barcode(let code): try drawBarcode(code)
            case .image(let image): drawBitmap(image.bitmap, x: image.x, y: image.y)
            }
        }
    }

    mutating func drawBox(_ box: BoxShape) {
        let f = box.frame
        if box.isFilled {
            canvas.rect(Double(f.x), Double(f.y), Double(f.width), Double(f.height))
        } else {
            let t = Double(box.thickness)
            // Four bars inside the frame, as ^GB draws its border.
            canvas.rect(Double(f.x), Double(f.y), Double(f.width), t)
            canvas.rect(Double(f.x), Double(f.y + f.height) - t, Double(f.width), t)
            canvas.rect(Double(f.x), Double(f.y), t, Double(f.height))
            canvas.rect(Double(f.x + f.width) - t, Double(f.y), t, Double(f.height))
        }
        canvas.fill(crisp: false)
    }

    mutating func drawText(_ block: TextBlock) {
        guard !block.text.isEmpty else { return }
        let w = Double(block.frame.width), h = Double(block.frame.height)
        canvas.save()
        defer { canvas.restore() }
        canvas.translate(Double(block.frame.x), Double(block.frame.y))
        switch block.rotation {
        case .normal: break
        case .clockwise90: canvas.translate(h, 0); canvas.rotate(quarterTurns: 1)
        case .upsideDown: canvas.translate(w, h); canvas.rotate(quarterTurns: 2)
        case .clockwise270: canvas.translate(0, w); canvas.rotate(quarterTurns: 3)
        }
        if block.inverted {
            canvas.rect(0, 0, w, h)
            canvas.fill(crisp: false)
            canvas.setWhite(true)
        }
        var visible = block
        visible.text = TextFitting.visiblePrefix(block.text, block: block)
        if case .shrink = block.fit { visible.text = String(visible.text.map { $0.isNewline ? " " : $0 }) }
        canvas.text(visible, width: w, height: h)
    }

    mutating func drawBitmap(_ bitmap: MonoBitmap, x: Int, y: Int) {
        for row in 0..<bitmap.height {
            var col = 0
            while col < bitmap.width {
                guard bitmap[col, row] else { col += 1; continue }
                let start = col
                while col < bitmap.width && bitmap[col, row] { col += 1 }
                canvas.rect(Double(x + start), Double(y + row), Double(col - start), 1)
            }
        }
        canvas.fill(crisp: true)
    }

    /// Draws a barcode; a rotated one is drawn upright in its box's turned coordinates (the
    /// frame is the box on the label, so a quarter-turned symbol runs along its height), the
    /// same turn as ZPL's ^BCR/^BCI/^BCB.
    mutating func drawBarcode(_ code: BarcodeBlock) throws(LabelError) {
        guard code.rotation != .normal else { return try drawUprightBarcode(code) }
        let w = Double(code.frame.width), h = Double(code.frame.height)
        var upright = code
        upright.rotation = .normal
        canvas.save()
        defer { canvas.restore() }
        canvas.translate(Double(code.frame.x), Double(code.frame.y))
        switch code.rotation {
        case .normal: break
        case .clockwise90:
            canvas.translate(w, 0)
            canvas.rotate(quarterTurns: 1)
            upright.frame = DotRect(x: 0, y: 0, width: code.frame.height, height: code.frame.width)
        case .upsideDown:
            canvas.translate(w, h)
            canvas.rotate(quarterTurns: 2)
            upright.frame = DotRect(x: 0, y: 0, width: code.frame.width, height: code.frame.height)
        case .clockwise270:
            canvas.translate(0, h)
            canvas.rotate(quarterTurns: 3)
            upright.frame = DotRect(x: 0, y: 0, width: code.frame.height, height: code.frame.width)
        }
        try drawUprightBarcode(upright)
    }

    private mutating func drawUprightBarcode(_ code: BarcodeBlock) throws(LabelError) {
        let symbol = try ZintSymbol(code)
        defer { symbol.close() }
        symbol.draw(on: &canvas, in: code)
        if code.symbology.isLinear && code.humanReadable {
            drawText(code.readableLine(symbol.readable, module: symbol.module))
        }
    }
}
