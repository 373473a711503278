/// A template turned into ZPL once per density: static elements become bytes, text elements a
/// header plus field readers, so each label is order data escaped straight into the output.
/// It writes exactly what `ZPLRenderer.render(template.layout(…))` writes (a test holds them
/// equal); text that needs cutting or rasterizing, rows and barcodes go through the renderer.
struct CompiledZPLTemplate: Sendable {
    final class Shared<Value: Sendable>: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    enum Segment: Sendable {
        case literal([UInt8], text: String, scalars: Int)
        case field(LabelField.Writer, keepNewlines: Bool)
    }

    struct Text: Sendable {
        var block: TextBlock
        var segments: [Segment]
        var head1: [UInt8]
        var head2: [UInt8]
        var box: [UInt8]
        var limit: Int
        var when: [Segment]?
        var literalsCovered: Bool
        var literalBytes: Int
        var literalScalars: Int
        var fieldCount: Int
    }

    struct Barcode: Sendable {
        var block: BarcodeBlock
        var data: [Segment]
        var source: FieldText
        var when: [Segment]?
        /// `^FO…^A0N,h,h^FB…^FH^FD` of the human-readable line under a Code 128, and its byte limit.
        var readableHead: [UInt8]
        var readableLimit: Int
    }

    enum Op: Sendable {
        case bytes([UInt8])
        // Held by reference: matching an op then costs one retain, not one per array inside.
        case text(Shared<Text>)
        case barcode(Shared<Barcode>)
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
                let segments = Self.segments(t.text)
                var literalsCovered = true, literalBytes = 0, literalScalars = 0, fieldCount = 0
                for s in segments {
                    switch s {
                    case .literal(_, let text, let scalars):
                        if !renderer.coverage.covers(text) { literalsCovered = false }
                        literalBytes += text.utf8.count
                        literalScalars += scalars
                    case .field: fieldCount += 1
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
                let text = Text(block: block, segments: segments, head1: head1, head2: head2, box: box, limit: limit, when: element.when.map(Self.segments),
                                literalsCovered: literalsCovered, literalBytes: literalBytes, literalScalars: literalScalars, fieldCount: fieldCount)
                ops.append(.text(Shared(text)))
            case .text:
                var bytes: [UInt8] = []
                for e in template.layout(elements: [element], for: empty, density: density).elements { renderer.appendText(e.textBlock!, to: &bytes) }
                ops.append(.bytes(bytes))
            case .barcode(let b):
                guard case .barcode(let block) = template.layout(elements: [LabelTemplate.Element(kind: element.kind, when: nil)], for: empty, density: density).elements.first else { ops.append(.other(element)); continue }
                let module = max(1, block.moduleDots)
                let h = max(12, module * 8)
                let readable = TextBlock(frame: DotRect(x: block.frame.x, y: block.frame.y + block.frame.height + module * 2, width: block.frame.width, height: h + 2), text: "", fontHeight: h, alignment: .center)
                var head: [UInt8] = []
                renderer.appendOrigin(readable.frame.x, readable.frame.y, to: &head)
                head.append(ascii: "^A0")
                head.append(readable.rotation.zplLetter)
                head.append(UInt8(ascii: ","))
                head.append(number: h)
                head.append(UInt8(ascii: ","))
                head.append(number: h)
                renderer.appendFieldBlock(readable, to: &head)
                let perLine = max(1, Int(Double(readable.frame.width) / (Double(max(1, h)) * 0.3)))
                ops.append(.barcode(Shared(Barcode(block: block, data: Self.segments(b.data), source: b.data, when: element.when.map(Self.segments),
                                            readableHead: head, readableLimit: perLine * readable.lineCapacity + readable.lineCapacity))))
            default:
                ops.append(.other(element))
            }
        }
        self.ops = ops
    }

    static func segments(_ text: FieldText) -> [Segment] {
        var segments: [Segment] = []
        for s in text.segments {
            switch s {
            case .literal(let text):
                var bytes: [UInt8] = []
                Self.appendLiteral(text, to: &bytes)
                segments.append(.literal(bytes, text: text, scalars: text.unicodeScalars.count))
            case .field(let name): segments.append(.field(LabelField.writers[name]!.write, keepNewlines: name.hasSuffix(".street") || name.hasSuffix(".address")))
            case .lineField: break
            }
        }
        return segments
    }

    static func appendLiteral(_ text: String, to out: inout [UInt8]) {
        var first = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !first { out.append(ascii: "\\&") }
            first = false
            ZPLEscape.appendEscaped(line, to: &out)
        }
    }

    /// Appends one label. Field values are first written raw at the end of `out` (scratch that
    /// costs no allocation), measured, then moved to a stack buffer and escaped into place.
    func render(_ context: LabelContext, renderer: ZPLRenderer, copies: Int, into out: inout [UInt8]) throws(LabelError) {
        out += header
        for op in ops {
            switch op {
            case .bytes(let bytes): out += bytes
            case .barcode(let b):
                if let when = b.value.when, Self.isBlank(when, context, &out) { continue }
                try appendBarcode(b.value, context, renderer: renderer, to: &out)
            case .other(let element):
                for e in template.layout(elements: [element], for: context, density: density).elements { try renderer.appendElement(e, to: &out) }
            case .text(let t):
                if let when = t.value.when, Self.isBlank(when, context, &out) { continue }
                appendText(t.value, context, renderer: renderer, to: &out)
            }
        }
        if copies > 1 {
            out.append(ascii: "^PQ")
            out.append(number: copies)
            out.append(ascii: ",0,1,Y")
        }
        out.append(ascii: "^XZ\n")
    }

    /// Whether `when` resolves to spaces only (fields cleaned as `FieldText.resolve` cleans them).
    static func isBlank(_ when: [Segment], _ context: LabelContext, _ out: inout [UInt8]) -> Bool {
        let mark = out.count
        defer { out.removeSubrange(mark...) }
        for s in when {
            switch s {
            case .literal(_, let text, _):
                if !text.utf8.allSatisfy({ $0 == 0x20 }) { return false }
            case .field(let write, let keep):
                let start = out.count
                write(context, &out)
                var i = start
                while i < out.count {
                    let b = out[i]
                    if b == 0xC2, i + 1 < out.count, out[i + 1] >= 0x80, out[i + 1] < 0xA0 {
                        i += 2
                        continue
                    }
                    guard b == 0x20 || ((b < 0x20 || b == 0x7F) && !(keep && b == 0x0A)) else { return false }
                    i += 1
                }
            }
        }
        return true
    }

    /// Appends the raw values of the field segments at the end of `out`; returns each one's end.
    /// Nil (and nothing left appended) when there are more fields than the fast path tracks.
    @inline(__always) static func appendFields(_ segments: [Segment], _ context: LabelContext, _ out: inout [UInt8]) -> InlineArray<8, Int>? {
        var ends = InlineArray<8, Int>(repeating: 0)
        var k = 0
        for s in segments {
            guard case .field(let write, _) = s else { continue }
            guard k < 8 else { return nil }
            write(context, &out)
            ends[k] = out.count
            k += 1
        }
        return ends
    }

    func appendText(_ t: Text, _ context: LabelContext, renderer: ZPLRenderer, to out: inout [UInt8]) {
        let mark = out.count
        guard let ends = Self.appendFields(t.segments, context, &out) else {
            return renderer.appendText(resolvedBlock(t, context), to: &out)
        }
        let fieldBytes = out.count - mark
        var scalars = t.literalScalars, ascii = true
        for i in mark..<out.count {
            let b = out[i]
            if b >= 0x80 { ascii = false }
            if b & 0xC0 != 0x80 { scalars += 1 }
        }
        let bytes = t.literalBytes + fieldBytes
        if bytes == 0 { return out.removeSubrange(mark...) }
        // Text to cut to its box, or to draw as a graphic: the general path.
        if bytes > t.limit || (renderer.rasterizer != nil && (!t.literalsCovered || (!ascii && !fieldsCovered(t, ends, mark, renderer, out)))) {
            out.removeSubrange(mark...)
            return renderer.appendText(resolvedBlock(t, context), to: &out)
        }
        var height = t.block.fontHeight
        if case .shrink = t.block.fit {
            let fit = Int(Double(t.block.frame.width) / (Double(max(1, scalars)) * TextFitting.averageAdvance))
            height = max(t.block.fontHeight / 2, min(t.block.fontHeight, fit))
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, fieldBytes)) { values in
            out.withUnsafeBufferPointer { all in
                _ = values.initialize(fromContentsOf: UnsafeBufferPointer(rebasing: all[mark...]))
            }
            out.removeSubrange(mark...)
            out.reserveCapacity(out.count + 3 * fieldBytes + t.literalBytes * 3 + 128)
            out += t.box
            out += t.head1
            out.append(number: height)
            out.append(UInt8(ascii: ","))
            out.append(number: height)
            out += t.head2
            var k = 0, start = 0
            for s in t.segments {
                switch s {
                case .literal(let b, _, _): out += b
                case .field(_, let keep):
                    let end = ends[k] - mark
                    Self.appendValue(bytes: UnsafeBufferPointer(rebasing: values[start..<end]), keepNewlines: keep, to: &out)
                    start = end
                    k += 1
                }
            }
            out.append(ascii: "^FS\n")
        }
    }

    /// Whether the resident font covers every field value (only asked for non-ASCII text).
    func fieldsCovered(_ t: Text, _ ends: InlineArray<8, Int>, _ mark: Int, _ renderer: ZPLRenderer, _ out: [UInt8]) -> Bool {
        var start = mark
        for k in 0..<t.fieldCount {
            if !renderer.coverage.covers(String(decoding: out[start..<ends[k]], as: UTF8.self)) { return false }
            start = ends[k]
        }
        return true
    }

    func resolvedBlock(_ t: Text, _ context: LabelContext) -> TextBlock {
        var block = t.block
        var text = ""
        for s in t.segments {
            switch s {
            case .literal(_, let literal, _): text += literal
            case .field(let write, let keep):
                var bytes: [UInt8] = []
                write(context, &bytes)
                text += FieldText.clean(String(decoding: bytes, as: UTF8.self), keepNewlines: keep)
            }
        }
        block.text = text
        return block
    }

    /// Order data into a ^FH field: control characters (C0, DEL, C1) become spaces as in
    /// `FieldText.clean`, kept line breaks become `\&`, the rest is escaped. Plain runs are
    /// copied in bulk.
    @inline(__always) static func appendValue(bytes p: UnsafeBufferPointer<UInt8>, keepNewlines: Bool, to out: inout [UInt8]) {
        let n = p.count
        var run = 0, i = 0
        while i < n {
            let b = p[i]
            if b >= 0x20 && b != 0x7F && b != 0xC2 && !ZPLEscape.needsEscape(b) {
                i += 1
                continue
            }
            if run < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: p[run..<i])) }
            if b == 0xC2 {
                // C1 control: U+0080–U+009F is 0xC2 0x80–0x9F.
                if i + 1 < n, p[i + 1] >= 0x80, p[i + 1] < 0xA0 {
                    out.append(0x20)
                    i += 1
                } else {
                    out.append(b)
                }
            } else if b < 0x20 || b == 0x7F {
                if b == 0x0A && keepNewlines { out.append(ascii: "\\&") } else { out.append(0x20) }
            } else {
                let hex: StaticString = "0123456789ABCDEF"
                out.append(UInt8(ascii: "_"))
                out.append(hex.utf8Start[Int(b >> 4)])
                out.append(hex.utf8Start[Int(b & 0x0F)])
            }
            i += 1
            run = i
        }
        if run < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: p[run..<n])) }
    }

    /// A barcode from its resolved data: Code 128 / GS1-128 and QR written here without
    /// allocating; anything unusual (control characters, errors, other symbologies) goes
    /// through the renderer, which also words the errors.
    func appendBarcode(_ b: Barcode, _ context: LabelContext, renderer: ZPLRenderer, to out: inout [UInt8]) throws(LabelError) {
        let mark = out.count
        for s in b.data {
            switch s {
            case .literal(_, let text, _): out.append(contentsOf: text.utf8)
            case .field(let write, _): write(context, &out)
            }
        }
        let n = out.count - mark
        var plain = n > 0
        for i in mark..<out.count where out[i] < 0x20 || out[i] >= 0x7F {
            plain = false
            break
        }
        let done: Bool
        if !plain {
            done = false
        } else {
            switch b.block.symbology {
            case .code128:
                var encodable = true
                for i in mark..<out.count where !Code128.isEncodable(out[i]) {
                    encodable = false
                    break
                }
                done = encodable && withStackCopy(&out, from: mark) { items, out in
                    appendCode128(b, items: items, readable: items, to: &out)
                }
            case .gs1_128:
                let gs1 = try BarcodeData.gs1(String(decoding: out[mark...], as: UTF8.self))
                out.removeSubrange(mark...)
                out.append(Code128.fnc1Byte)
                out.append(contentsOf: gs1.transmitted.utf8)
                out.append(contentsOf: gs1.description.utf8)
                let itemCount = out.count - mark - gs1.description.utf8.count
                done = withStackCopy(&out, from: mark) { all, out in
                    appendCode128(b, items: UnsafeBufferPointer(rebasing: all[..<itemCount]), readable: UnsafeBufferPointer(rebasing: all[itemCount...]), to: &out)
                }
            case .qr where n <= 2900:
                done = withStackCopy(&out, from: mark) { data, out in
                    renderer.appendOrigin(b.block.frame.x, b.block.frame.y, to: &out)
                    out.append(ascii: "^BQN,2,")
                    out.append(number: min(10, max(1, b.block.moduleDots)))
                    out.append(ascii: "^FH^FDMA,")
                    ZPLEscape.appendEscaped(bytes: data, to: &out)
                    out.append(ascii: "^FS\n")
                    return true
                }
            default:
                done = false
            }
        }
        if !done {
            if out.count > mark { out.removeSubrange(mark...) }
            var block = b.block
            block.data = b.source.resolve(context)
            try renderer.appendBarcode(block, to: &out)
        }
    }

    /// Moves `out[mark...]` to a stack buffer, truncates `out` and runs `body` with both.
    /// If `body` returns false, `out` is left truncated at `mark`.
    @inline(__always) func withStackCopy(_ out: inout [UInt8], from mark: Int, _ body: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Bool) -> Bool {
        let n = out.count - mark
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, n)) { buffer in
            out.withUnsafeBufferPointer { all in _ = buffer.initialize(fromContentsOf: UnsafeBufferPointer(rebasing: all[mark...])) }
            out.removeSubrange(mark...)
            let start = out.count
            let ok = body(UnsafeBufferPointer(rebasing: buffer[..<n]), &out)
            if !ok, out.count > start { out.removeSubrange(start...) }
            return ok
        }
    }

    /// `^FO…^BY…^BC…` with the symbol centred in its box at the widest module that fits, then
    /// the human-readable line; false when it does not fit (the renderer then says why).
    func appendCode128(_ b: Barcode, items: UnsafeBufferPointer<UInt8>, readable: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        let code = b.block
        return Code128.withZPLEncoding(items) { modules, plan in
            let turned = code.rotation.isQuarterTurn
            let (length, bars) = turned ? (code.frame.height, code.frame.width) : (code.frame.width, code.frame.height)
            var fitted = max(1, code.moduleDots)
            while fitted > 1 && (modules + 20) * fitted > length { fitted -= 1 }
            guard (modules + 20) * fitted <= length else { return false }
            let offset = max(0, (length - modules * fitted) / 2)
            out.append(ascii: "^FO")
            out.append(number: max(0, code.frame.x + (turned ? 0 : offset)))
            out.append(UInt8(ascii: ","))
            out.append(number: max(0, code.frame.y + (turned ? offset : 0)))
            out.append(ascii: "^BY")
            out.append(number: fitted)
            out.append(ascii: "^BC")
            out.append(code.rotation.zplLetter)
            out.append(UInt8(ascii: ","))
            out.append(number: max(1, bars))
            out.append(ascii: ",N,N,N^FH^FD")
            plan.appendZPL(to: &out)
            out.append(ascii: "^FS\n")
            if code.humanReadable && !readable.isEmpty {
                out += b.readableHead
                ZPLEscape.appendEscaped(bytes: UnsafeBufferPointer(rebasing: readable.prefix(b.readableLimit)), to: &out)
                out.append(ascii: "^FS\n")
            }
            return true
        }
    }
}
