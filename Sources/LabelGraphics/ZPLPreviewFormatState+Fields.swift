import Labels

/// Drawing the field that `^FS` closes, and composing the label when `^XZ` ends it.
extension ZPLPreviewFormatState {
    mutating func flush() {
        defer { field = Field() }
        guard drawing else { return }
        // In a format that recalls a stored one, numbered fields only carry its data.
        if recalls, !inStoredFormat, field.number != nil, field.element == nil { return }
        if inStoredFormat, let number = field.number, let data = recallData[number] { field.data = data }
        let x = field.x + memory.home.x - memory.shift, y = field.y + memory.home.y
        let blend: ZPLPreviewCanvas.Blend = field.reverse || reverseAll ? .reverse : .black
        switch field.element {
        case .barcode(let command, let rotation)?:
            guard let data = field.data, !data.isEmpty else { return }
            do {
                guard let image = try barcode(command, data: data) else { return }
                place(image, x, y, rotation: rotation, blend: blend, barcode: "\(command.name) at byte \(command.offset)")
            } catch {
                note("\(command.name) at byte \(command.offset) is not drawn: \(error.reason)")
            }
        case .unsupportedBarcode(let name)?:
            note("\(name) barcodes are not drawn by the preview")
        case .box(let w, let h, let t, let white)?:
            // As rectangles that do not overlap (a reversed box must not turn its corners twice).
            let top = field.typeset ? y - h : y
            let parts = 2 * t >= w || 2 * t >= h
                ? [DotRect(x: x, y: top, width: w, height: h)]
                : [DotRect(x: x, y: top, width: w, height: t), DotRect(x: x, y: top + h - t, width: w, height: t),
                   DotRect(x: x, y: top + t, width: t, height: h - 2 * t), DotRect(x: x + w - t, y: top + t, width: t, height: h - 2 * t)]
            for part in parts { rectangles.append((placed.count, part, white ? .white : blend)) }
        case .ellipse(let w, let h, let t, let white)?:
            place(ZPLPreviewImage(bitmap: Self.ellipse(w, h, t), anchor: (0, h)), x, y, rotation: .normal, blend: white ? .white : blend)
        case .diagonal(let w, let h, let t, let white, let left)?:
            var image = MonoBitmap(width: w, height: h)
            for row in 0..<h {
                // The line's left edge at this row; it is `t` dots wide horizontally.
                let fraction = h > 1 ? Double(row) / Double(h - 1) : 0
                let start = Int(((left ? fraction : 1 - fraction) * Double(w - t)).rounded())
                for col in max(0, start)..<min(w, start + t) { image[col, row] = true }
            }
            place(ZPLPreviewImage(bitmap: image, anchor: (0, h)), x, y, rotation: .normal, blend: white ? .white : blend)
        case .graphic(let bitmap)?:
            place(ZPLPreviewImage(bitmap: bitmap, anchor: (0, bitmap.height)), x, y, rotation: .normal, blend: blend)
        case .recall(let name, let mx, let my)?:
            guard let bitmap = memory.graphics[name] else {
                return note(memory.broken[name].map { "\($0); the label is drawn without it" } ?? "the label recalls \(name), which was not downloaded before it; it is drawn without it")
            }
            let image = bitmap.magnified(mx, my)
            place(ZPLPreviewImage(bitmap: image, anchor: (0, image.height)), x, y, rotation: .normal, blend: blend)
        case nil:
            guard let data = field.data, !data.isEmpty else { return }
            var string = text(data)
            if field.block != nil {
                string = string.replacingOccurrences(of: "\\&", with: "\n").replacingOccurrences(of: "\\\\", with: "\\")
            }
            let font = field.font ?? defaultFont
            guard let image = ZPLPreviewText.render(string, font: font, block: field.block, dotsPerInch: dotsPerInch) else {
                return note("a text field at (\(field.x), \(field.y)) is too large to draw")
            }
            place(image, x, y, rotation: field.rotation ?? fieldOrientation, blend: blend)
        }
    }

    mutating func place(_ image: ZPLPreviewImage, _ x: Int, _ y: Int, rotation: Rotation, blend: ZPLPreviewCanvas.Blend, barcode: String? = nil) {
        let p = image.placed(at: x, y, typeset: field.typeset, rotation: rotation)
        placed.append((p.image, p.x, p.y, blend, barcode))
    }

    /// An ellipse ring `t` dots thick in a `w` × `h` box (a filled one when `t` reaches the middle).
    static func ellipse(_ w: Int, _ h: Int, _ t: Int) -> MonoBitmap {
        var image = MonoBitmap(width: w, height: h)
        let a = Double(w) / 2, b = Double(h) / 2
        let ia = max(0, a - Double(t)), ib = max(0, b - Double(t))
        for row in 0..<h {
            for col in 0..<w {
                let dx = Double(col) + 0.5 - a, dy = Double(row) + 0.5 - b
                let outside = dx * dx / (a * a) + dy * dy / (b * b) > 1
                let inside = ia > 0 && ib > 0 && dx * dx / (ia * ia) + dy * dy / (ib * ib) < 1
                if !outside && !inside { image[col, row] = true }
            }
        }
        return image
    }

    /// A barcode upright, anchored at its bottom left; nil draws nothing.
    mutating func barcode(_ command: ZPLPreviewCommand, data: [UInt8]) throws(ZPLPreviewSymbols.Failure) -> ZPLPreviewImage? {
        let p = ZPLPreviewParameters(command.parameters)
        switch command.code {
        case "BC":
            let height = clamp(max(1, p.int(1) ?? barHeight))
            let mode = p.letter(5).flatMap(ZPLPreviewCode128.Mode.init(rawValue:)) ?? .none
            if p.letter(4) == UInt8(ascii: "Y"), mode == .none { note("the UCC check digit of ^BC at byte \(command.offset) (e = Y) is not drawn") }
            let code = ZPLPreviewCode128(data: data, mode: mode)
            guard code.modules * barWidth <= 16_000 else { throw ZPLPreviewSymbols.Failure(reason: "the symbol would be \(code.modules * barWidth) dots long, longer than any label") }
            for problem in code.problems { note("\(problem) (^BC at byte \(command.offset))") }
            var bars = MonoBitmap(width: code.modules * barWidth, height: height)
            var x = 0
            for (k, element) in code.elements.enumerated() {
                let w = element * barWidth
                if k % 2 == 0 { for col in x..<(x + w) { for row in 0..<height { bars[col, row] = true } } }
                x += w
            }
            guard p.letter(2) != UInt8(ascii: "N"), !code.readable.isEmpty,
                let line = ZPLPreviewText.render(text(Array(code.readable.utf8)), font: field.font ?? defaultFont, block: nil, dotsPerInch: dotsPerInch)
            else { return ZPLPreviewImage(bitmap: bars, anchor: (0, height)) }
            // The interpretation line centred under (or over) the bars, a module or two away.
            let gap = max(2, barWidth)
            let width = max(bars.width, line.bitmap.width)
            var image = MonoBitmap(width: width, height: height + gap + line.bitmap.height)
            let above = p.letter(3) == UInt8(ascii: "Y")
            let barsTop = above ? line.bitmap.height + gap : 0
            let lineLeft = max(0, (bars.width - line.bitmap.width) / 2)
            Self.copy(bars, into: &image, x: 0, y: barsTop)
            Self.copy(line.bitmap, into: &image, x: lineLeft, y: above ? 0 : height + gap)
            return ZPLPreviewImage(bitmap: image, anchor: (0, barsTop + height))
        case "BQ":
            let defaultMagnification = dotsPerInch >= 600 ? 6 : dotsPerInch >= 300 ? 3 : dotsPerInch >= 200 ? 2 : 1
            let (level, content) = ZPLPreviewSymbols.qrData(data)
            let image = try ZPLPreviewSymbols.qr(content, level: level, magnification: min(100, max(1, p.int(2) ?? defaultMagnification)))
            return ZPLPreviewImage(bitmap: image, anchor: (0, image.height))
        case "BX":
            let quality = p.int(2) ?? 0
            if quality != 200 { note("^BX at byte \(command.offset) asks for ECC \(quality), which the preview draws as ECC 200") }
            let escape: UInt8? = quality == 200 ? (p.raw(6)?.first ?? UInt8(ascii: "~")) : nil
            let (gs1, content) = ZPLPreviewSymbols.dataMatrixData(data, escape: escape)
            let module = p.int(1).flatMap { $0 > 0 ? min($0, 100) : nil }
            let image = try ZPLPreviewSymbols.dataMatrix(content, gs1: gs1, module: module, symbolHeight: barHeight)
            return ZPLPreviewImage(bitmap: image, anchor: (0, image.height))
        case "B7":
            // h is a multiple of the module width (ZPL manual: "multiplied by the module gives
            // the row height"); without it the ^BY height is the symbol's whole height.
            let image = try ZPLPreviewSymbols.pdf417(data, module: barWidth, rowHeight: p.int(1).map { min(1000, max(1, $0)) * barWidth }, symbolHeight: barHeight, security: p.int(2), columns: p.int(3), truncated: p.letter(5) == UInt8(ascii: "Y"))
            return ZPLPreviewImage(bitmap: image, anchor: (0, image.height))
        case "BD":
            let image = try ZPLPreviewSymbols.maxiCode(data, mode: p.int(0) ?? 2, dotsPerInch: dotsPerInch)
            return ZPLPreviewImage(bitmap: image, anchor: (0, image.height))
        default:
            return nil
        }
    }

    static func copy(_ source: MonoBitmap, into target: inout MonoBitmap, x: Int, y: Int) {
        for row in 0..<source.height where y + row < target.height {
            for col in 0..<source.width where x + col < target.width && source[col, row] { target[x + col, y + row] = true }
        }
    }

    /// The label at its print width and length (4 × 6 in when the stream does not say), fields composed in order.
    /// A barcode cut by the label's edge is drawn cut, as printed, and noted: it may not scan.
    mutating func finish() -> ZPLPreviewCanvas {
        let width = memory.printWidth ?? max(placed.reduce(4 * dotsPerInch) { max($0, $1.x + $1.image.width) }, rectangles.reduce(0) { max($0, $1.rect.x + $1.rect.width) })
        let height = memory.labelLength ?? max(placed.reduce(6 * dotsPerInch) { max($0, $1.y + $1.image.height) }, rectangles.reduce(0) { max($0, $1.rect.y + $1.rect.height) })
        var canvas = ZPLPreviewCanvas(width: min(width, 8 * dotsPerInch), height: min(height, maximumSide))
        var next = 0
        for (index, p) in placed.enumerated() {
            while next < rectangles.count, rectangles[next].before <= index {
                let r = rectangles[next]
                canvas.fill(x: r.rect.x, y: r.rect.y, width: r.rect.width, height: r.rect.height, blend: r.blend)
                next += 1
            }
            canvas.compose(p.image, x: p.x, y: p.y, blend: p.blend)
            guard let barcode = p.barcode else { continue }
            let over = [-p.x, -p.y, p.x + p.image.width - canvas.width, p.y + p.image.height - canvas.height].max() ?? 0
            if over > 0 {
                note("the barcode of \(barcode) runs \(over) dot\(over == 1 ? "" : "s") past the edge of the \(canvas.width) × \(canvas.height)-dot label; the printer cuts it off there, so it may not scan")
            }
        }
        for r in rectangles[next...] { canvas.fill(x: r.rect.x, y: r.rect.y, width: r.rect.width, height: r.rect.height, blend: r.blend) }
        if memory.upsideDown { canvas.turnUpsideDown() }
        if memory.mirrored { canvas.mirror() }
        return canvas
    }
}
