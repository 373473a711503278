/// A template turned into ZPL once per density: static elements become bytes, text elements a
/// header plus field readers, so each label is order data escaped straight into the output.
/// It writes exactly what `ZPLRenderer.render(template.layout(…))` writes (a test holds them
/// equal); text that needs cutting or rasterizing, rows and barcodes go through the renderer.
struct CompiledZPLTemplate: Sendable {
    enum Segment: Sendable {
        case literal([UInt8], text: String, scalars: Int)
        case field(LabelField.Reader, keepNewlines: Bool)
    }

    struct Text: Sendable {
        var block: TextBlock
        var segments: [Segment]
        var head1: [UInt8]
        var head2: [UInt8]
        var box: [UInt8]
        var limit: Int
        var when: FieldText?
        var literalsCovered: Bool
    }

    enum Op: Sendable {
        case bytes([UInt8])
        case text(Text)
        case barcode(BarcodeBlock, data: FieldText, when: FieldText?)
        case other(LabelTemplate.Element)
    }

    let ops: [Op]
    let header: [UInt8]
    let density: PrinterDensity
    let template: LabelTemplate

    init(_ template: LabelTemplate, density: PrinterDensity, renderer: ZPLRenderer) {
        self.template = template
        self.density = density
        let empty = LabelTemplate.placeholderContext
        var header: [UInt8] = []
        try! renderer.render(LabelLayout(size: template.size, density: density), into: &header)
        header.removeLast(4)  // "^XZ\n"
        self.header = header
        var ops: [Op] = []
        for element in template.elements {
            switch element.kind {
            case .box:
                var bytes: [UInt8] = []
                for e in template.layout(elements: [element], for: empty, density: density).elements { try! renderer.appendElement(e, to: &bytes) }
                if element.when == nil { ops.append(.bytes(bytes)) } else { ops.append(.other(element)) }
            case .text(let t) where !t.text.isConstant || element.when != nil:
                guard case .text(let block) = template.layout(elements: [LabelTemplate.Element(kind: element.kind, when: nil)], for: empty, density: density).elements.first else { ops.append(.other(element)); continue }
                var segments: [Segment] = []
                var literalsCovered = true
                for s in t.text.segments {
                    switch s {
                    case .literal(let text):
                        var bytes: [UInt8] = []
                        Self.appendLiteral(text, to: &bytes)
                        segments.append(.literal(bytes, text: text, scalars: text.unicodeScalars.count))
                        if !renderer.coverage.covers(text) { literalsCovered = false }
                    case .field(let name): segments.append(.field(LabelField.fields[name]!, keepNewlines: name.hasSuffix(".street") || name.hasSuffix(".address")))
                    case .lineField: break
                    }
                }
                var head1: [UInt8] = [], head2: [UInt8] = [], box: [UInt8] = []
                if block.inverted { renderer.appendBox(BoxShape(frame: block.frame, thickness: block.frame.height), to: &box) }
                renderer.appendOrigin(block.frame.x, block.frame.y, to: &head1)
                head1.append(ascii: "^A0")
                head1.append(block.rotation.zplLetter)
                head1.append(UInt8(ascii: ","))
                renderer.appendFieldBlock(block, to: &head2)
                let width = Double(block.frame.width)
                let perLine = max(1, Int(width / (Double(max(1, block.fontHeight)) * 0.3)))
                let limit = perLine * block.lineCapacity + block.lineCapacity
                let text = Text(block: block, segments: segments, head1: head1, head2: head2, box: box, limit: limit, when: element.when, literalsCovered: literalsCovered)
                ops.append(.text(text))
            case .text:
                var bytes: [UInt8] = []
                for e in template.layout(elements: [element], for: empty, density: density).elements { renderer.appendText(e.textBlock!, to: &bytes) }
                ops.append(.bytes(bytes))
            case .barcode(let b):
                guard case .barcode(let block) = template.layout(elements: [LabelTemplate.Element(kind: element.kind, when: nil)], for: empty, density: density).elements.first else { ops.append(.other(element)); continue }
                ops.append(.barcode(block, data: b.data, when: element.when))
            default:
                ops.append(.other(element))
            }
        }
        self.ops = ops
    }

    static func appendLiteral(_ text: String, to out: inout [UInt8]) {
        var first = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !first { out.append(ascii: "\\&") }
            first = false
            ZPLEscape.appendEscaped(line, to: &out)
        }
    }

    /// Appends one label; `values` is scratch space reused across labels.
    func render(_ context: LabelContext, renderer: ZPLRenderer, copies: Int, values: inout [String], into out: inout [UInt8]) throws(LabelError) {
        out += header
        for op in ops {
            switch op {
            case .bytes(let bytes): out += bytes
            case .barcode(var block, let data, let when):
                if let when, when.resolve(context).utf8.allSatisfy({ $0 == 0x20 }) { continue }
                block.data = data.resolve(context)
                try renderer.appendBarcode(block, to: &out)
            case .other(let element):
                for e in template.layout(elements: [element], for: context, density: density).elements { try renderer.appendElement(e, to: &out) }
            case .text(let t):
                if let when = t.when, when.resolve(context).utf8.allSatisfy({ $0 == 0x20 }) { continue }
                values.removeAll(keepingCapacity: true)
                var bytes = 0, scalars = 0, ascii = true
                for s in t.segments {
                    switch s {
                    case .literal(let b, _, let n):
                        bytes += b.count
                        scalars += n
                    case .field(let read, _):
                        let v = read(context)
                        for b in v.utf8 {
                            if b >= 0x80 { ascii = false }
                            if b & 0xC0 != 0x80 { scalars += 1 }
                        }
                        bytes += v.utf8.count
                        values.append(v)
                    }
                }
                if bytes == 0 { continue }
                // Text to cut to its box, or to draw as a graphic: the general path.
                if bytes > t.limit || (renderer.rasterizer != nil && (!t.literalsCovered || (!ascii && !values.allSatisfy(renderer.coverage.covers)))) {
                    var block = t.block
                    var text = ""
                    var i = 0
                    for s in t.segments {
                        switch s {
                        case .literal(_, let literal, _): text += literal
                        case .field(_, let keep):
                            text += FieldText.clean(values[i], keepNewlines: keep)
                            i += 1
                        }
                    }
                    block.text = text
                    renderer.appendText(block, to: &out)
                    continue
                }
                var height = t.block.fontHeight
                if case .shrink = t.block.fit {
                    let fit = Int(Double(t.block.frame.width) / (Double(max(1, scalars)) * TextFitting.averageAdvance))
                    height = max(t.block.fontHeight / 2, min(t.block.fontHeight, fit))
                }
                out += t.box
                out += t.head1
                out.append(number: height)
                out.append(UInt8(ascii: ","))
                out.append(number: height)
                out += t.head2
                var i = 0
                for s in t.segments {
                    switch s {
                    case .literal(let b, _, _): out += b
                    case .field(_, let keep):
                        Self.appendValue(values[i], keepNewlines: keep, to: &out)
                        i += 1
                    }
                }
                out.append(ascii: "^FS\n")
            }
        }
        if copies > 1 {
            out.append(ascii: "^PQ")
            out.append(number: copies)
            out.append(ascii: ",0,1,Y")
        }
        out.append(ascii: "^XZ\n")
    }

    /// Order data into a ^FH field: control characters (C0, DEL, C1) become spaces as in
    /// `FieldText.clean`, kept line breaks become `\&`, the rest is escaped.
    @inline(__always) static func appendValue(_ value: String, keepNewlines: Bool, to out: inout [UInt8]) {
        var previous: UInt8 = 0
        for b in value.utf8 {
            if b < 0x20 || b == 0x7F {
                if b == 0x0A && keepNewlines { out.append(ascii: "\\&") } else { out.append(0x20) }
            } else if previous == 0xC2 && b >= 0x80 && b < 0xA0 {
                out[out.count - 1] = 0x20  // C1 control: U+0080–U+009F is 0xC2 0x80–0x9F
            } else if ZPLEscape.needsEscape(b) {
                let hex: StaticString = "0123456789ABCDEF"
                out.append(UInt8(ascii: "_"))
                out.append(hex.utf8Start[Int(b >> 4)])
                out.append(hex.utf8Start[Int(b & 0x0F)])
            } else {
                out.append(b)
            }
            previous = b
        }
    }
}
