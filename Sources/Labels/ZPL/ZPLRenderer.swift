import Barcodes

/// Renders a layout as one ZPL II label (`^XA … ^XZ`): UTF-8 (`^CI28`), every field escaped
/// with `^FH`, the printer's own barcode commands, `^GF` graphics for images and for text the
/// resident font cannot show.
public struct ZPLRenderer: Sendable {
    /// Draws text the resident font lacks; nil prints such text with the resident font anyway.
    public var rasterizer: (any TextRasterizer)?
    /// What the printer's resident font shows.
    public var coverage: ResidentFontCoverage

    /// Creates a renderer.
    public init(rasterizer: (any TextRasterizer)? = nil, coverage: ResidentFontCoverage = .latin) {
        self.rasterizer = rasterizer
        self.coverage = coverage
    }

    /// The label as bytes.
    public func render(_ layout: LabelLayout) throws(LabelError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        try render(layout, into: &out)
        return out
    }

    /// Appends the label to `out` (callers reuse one buffer across labels).
    public func render(_ layout: LabelLayout, into out: inout [UInt8]) throws(LabelError) {
        out.append(ascii: "^XA^CI28^PW")
        out.append(number: layout.widthDots)
        out.append(ascii: "^LL")
        out.append(number: layout.heightDots)
        out.append(ascii: "^LH0,0\n")
        for element in layout.elements { try appendElement(element, to: &out) }
        // ^PQ only when more than one copy: one is the printer's default.
        if layout.copies > 1 {
            out.append(ascii: "^PQ")
            out.append(number: layout.copies)
            out.append(ascii: ",0,1,Y")
        }
        out.append(ascii: "^XZ\n")
    }

    func appendElement(_ element: LabelElement, to out: inout [UInt8]) throws(LabelError) {
        switch element {
        case .box(let box): appendBox(box, to: &out)
        case .text(let text): appendText(text, to: &out)
        case .barcode(let code): try appendBarcode(code, to: &out)
        case .image(let image):
            appendOrigin(image.x, image.y, to: &out)
            ZPLGraphic.appendGF(image.bitmap, to: &out)
            out.append(ascii: "^FS\n")
        }
    }

    @inline(__always) func appendOrigin(_ x: Int, _ y: Int, to out: inout [UInt8]) {
        out.append(ascii: "^FO")
        out.append(number: max(0, x))
        out.append(UInt8(ascii: ","))
        out.append(number: max(0, y))
    }

    func appendBox(_ box: BoxShape, to out: inout [UInt8]) {
        appendOrigin(box.frame.x, box.frame.y, to: &out)
        out.append(ascii: "^GB")
        out.append(number: max(1, box.frame.width))
        out.append(UInt8(ascii: ","))
        out.append(number: max(1, box.frame.height))
        out.append(UInt8(ascii: ","))
        out.append(number: max(1, min(box.thickness, min(box.frame.width, box.frame.height))))
        out.append(ascii: ",B,0^FS\n")
    }

    func appendText(_ block: TextBlock, to out: inout [UInt8]) {
        if block.text.isEmpty { return }
        if let rasterizer, !coverage.covers(block.text), let bitmap = rasterizer.rasterize(block) {
            appendOrigin(block.frame.x, block.frame.y, to: &out)
            ZPLGraphic.appendGF(bitmap, to: &out)
            out.append(ascii: "^FS\n")
            return
        }
        var height = block.fontHeight
        let visible = TextFitting.visiblePrefix(block.text, block: block)
        if case .shrink = block.fit {
            height = TextFitting.shrunkHeight(visible, block: block)
        }
        if block.inverted {
            appendBox(BoxShape(frame: block.frame, thickness: block.frame.height), to: &out)
        }
        appendTextHead(block, height: height, to: &out)
        // Line breaks of the layout become ^FB's `\&`; everything else is escaped data.
        var first = true
        for line in visible.split(separator: "\n", omittingEmptySubsequences: false) {
            if !first { out.append(ascii: "\\&") }
            first = false
            ZPLEscape.appendEscaped(line, to: &out)
        }
        out.append(ascii: "^FS\n")
    }

    /// `^FO` at the block, font 0 at `height` dots in the block's rotation, then its `^FB…^FH^FD`.
    func appendTextHead(_ block: TextBlock, height: Int, to out: inout [UInt8]) {
        appendOrigin(block.frame.x, block.frame.y, to: &out)
        out.append(ascii: "^A0")
        out.append(block.rotation.zplLetter)
        out.append(UInt8(ascii: ","))
        out.append(number: height)
        out.append(UInt8(ascii: ","))
        out.append(number: height)
        appendFieldBlock(block, to: &out)
    }

    /// `^FB…` (box width, lines, alignment), `^FR` for inverted text, then `^FH^FD`.
    func appendFieldBlock(_ block: TextBlock, to out: inout [UInt8]) {
        out.append(ascii: "^FB")
        out.append(number: block.rotation == .normal || block.rotation == .upsideDown ? block.frame.width : block.frame.height)
        out.append(UInt8(ascii: ","))
        out.append(number: block.lineCapacity)
        out.append(ascii: ",0,")
        switch block.alignment {
        case .left: out.append(UInt8(ascii: "L"))
        case .center: out.append(UInt8(ascii: "C"))
        case .right: out.append(UInt8(ascii: "R"))
        }
        out.append(ascii: ",0")
        if block.inverted { out.append(ascii: "^FR") }
        out.append(ascii: "^FH^FD")
    }

    func appendBarcode(_ code: BarcodeBlock, to out: inout [UInt8]) throws(LabelError) {
        let module = max(1, code.moduleDots)
        switch code.symbology {
        case .code128, .gs1_128:
            let symbol: Code128
            var readable = code.data
            if code.symbology == .gs1_128 {
                let gs1 = try BarcodeData.gs1(code.data)
                symbol = Code128(gs1Transmitted: gs1.transmitted)
                readable = gs1.description
            } else {
                symbol = try Code128(text: code.data)
            }
            // A quarter-turned symbol runs down its box: its length fits the height, its bars the width.
            let (length, bars) = code.rotation.isQuarterTurn ? (code.frame.height, code.frame.width) : (code.frame.width, code.frame.height)
            let fitted = try BarcodeData.fittedModule(symbol.modules, requested: module, space: length, data: code.data)
            let offset = max(0, (length - symbol.modules * fitted) / 2)
            appendOrigin(code.frame.x + (code.rotation.isQuarterTurn ? 0 : offset), code.frame.y + (code.rotation.isQuarterTurn ? offset : 0), to: &out)
            out.append(ascii: "^BY")
            out.append(number: fitted)
            out.append(ascii: "^BC")
            out.append(code.rotation.zplLetter)
            out.append(UInt8(ascii: ","))
            out.append(number: max(1, bars))
            out.append(ascii: ",N,N,N^FH^FD")
            symbol.appendZPL(to: &out)
            out.append(ascii: "^FS\n")
            if code.humanReadable {
                appendText(code.readableLine(readable, module: module), to: &out)
            }
        case .qr:
            try BarcodeData.checkLength(code.data, max: 2900, what: "QR code")
            appendOrigin(code.frame.x, code.frame.y, to: &out)
            out.append(ascii: "^BQN,2,")
            out.append(number: min(10, module))
            out.append(ascii: "^FH^FDMA,")
            ZPLEscape.appendEscaped(code.data, to: &out)
            out.append(ascii: "^FS\n")
        case .datamatrix, .gs1_datamatrix:
            appendOrigin(code.frame.x, code.frame.y, to: &out)
            out.append(ascii: "^BX")
            out.append(code.rotation.zplLetter)
            out.append(UInt8(ascii: ","))
            out.append(number: module)
            if code.symbology == .gs1_datamatrix {
                // `#` is the ^BX escape character here (GS1 data never contains it): `#1` is FNC1.
                let gs1 = try BarcodeData.gs1(code.data)
                out.append(ascii: ",200,0,0,6,#^FH^FD#1")
                for (i, part) in gs1.transmitted.split(separator: "\u{1D}", omittingEmptySubsequences: false).enumerated() {
                    if i > 0 { out.append(ascii: "#1") }
                    ZPLEscape.appendEscaped(part, to: &out)
                }
            } else {
                try BarcodeData.checkLength(code.data, max: 1500, what: "DataMatrix")
                out.append(ascii: ",200,0,0,6^FH^FD")
                ZPLEscape.appendEscaped(code.data, to: &out)
            }
            out.append(ascii: "^FS\n")
        case .pdf417:
            try BarcodeData.checkLength(code.data, max: 1000, what: "PDF417")
            appendOrigin(code.frame.x, code.frame.y, to: &out)
            out.append(ascii: "^BY")
            out.append(number: module)
            out.append(ascii: "^B7")
            out.append(code.rotation.zplLetter)
            out.append(UInt8(ascii: ","))
            out.append(number: module * 3)
            out.append(ascii: ",2,6^FH^FD")
            ZPLEscape.appendEscaped(code.data, to: &out)
            out.append(ascii: "^FS\n")
        case .maxicode:
            // ^BD's field data: in modes 2 and 3 the high-priority message (class, country,
            // postal code) comes first; RS/GS/EOT of a carrier message are ^FH escapes (_1E…).
            let maxi = try MaxiCodeEncoding(code)
            appendOrigin(code.frame.x, code.frame.y, to: &out)
            out.append(ascii: "^BD")
            out.append(number: maxi.mode.rawValue)
            out.append(ascii: ",1,1^FH^FD")
            ZPLEscape.appendEscaped(maxi.zplHighPriorityMessage, to: &out)
            ZPLEscape.appendEscaped(maxi.message, to: &out)
            out.append(ascii: "^FS\n")
        }
    }
}

/// Barcode data checks shared by every renderer, so ZPL and PDF refuse the same inputs.
public enum BarcodeData {
    /// Parses and validates bracketed GS1 data `(AI)value…`.
    public static func gs1(_ data: String) throws(LabelError) -> GS1ElementString {
        do {
            return try GS1ElementString(parsing: data)
        } catch {
            throw LabelError(code: "barcode.gs1", message: "GS1 barcode data \"\(data.prefix(80))\" is not valid: \(error). Check the order's data or the template.")
        }
    }

    /// Rejects data too long for the symbol.
    public static func checkLength(_ data: String, max: Int, what: String) throws(LabelError) {
        guard !data.isEmpty else { throw LabelError(code: "barcode.empty", message: "The \(what) has no data; the field it prints is empty.") }
        guard data.utf8.count <= max else {
            throw LabelError(code: "barcode.too_long", message: "The \(what) data is \(data.utf8.count) bytes; at most \(max) fit.")
        }
    }

    /// The module width in dots that fits `modules` (plus 10-module quiet zones) into `space`.
    public static func fittedModule(_ modules: Int, requested: Int, space: Int, data: String) throws(LabelError) -> Int {
        var module = requested
        while module > 1 && (modules + 20) * module > space { module -= 1 }
        guard (modules + 20) * module <= space else {
            throw LabelError(code: "barcode.too_wide", message: "The barcode \"\(data.prefix(60))\" needs \((modules + 20)) dots and has \(space); shorten the data or widen the barcode box in the template.")
        }
        return module
    }
}
