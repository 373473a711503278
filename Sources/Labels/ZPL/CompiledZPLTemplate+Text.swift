/// Text elements of the compiled template: field values measured in the scratch buffer, then
/// escaped into the label after the precompiled `^FO…^A0…^FB…^FH^FD` head.
extension CompiledZPLTemplate.Program {
    func appendText(_ t: Text, _ context: LabelContext, to out: inout ByteWriter, scratch: inout ByteWriter) {
        guard t.fieldCount <= 8 else { return appendResolved(t, context, to: &out) }
        // The field values, raw, one after another in `scratch`; `ends` marks where each stops.
        scratch.count = 0
        var ends = InlineArray<8, Int>(repeating: 0)
        var k = 0
        for piece in t.pieces where piece.field != nil {
            piece.write(context, &scratch)
            ends[k] = scratch.count
            k += 1
        }
        let fieldBytes = scratch.count
        let values = scratch.bytes
        var scalars = t.literalScalars
        var high: UInt8 = 0
        for b in values {
            high |= b
            if b & 0xC0 != 0x80 { scalars += 1 }
        }
        let ascii = high < 0x80
        let bytes = t.literalBytes + fieldBytes
        if bytes == 0 { return }
        // Text to cut to its box, or to draw as a graphic: the general path.
        if bytes > t.limit || (rasterizing && (!t.literalsCovered || (!ascii && !fieldsCovered(t, ends, values)))) {
            return appendResolved(t, context, to: &out)
        }
        var height = t.block.fontHeight
        if case .shrink = t.block.fit {
            let fit = Int(Double(t.block.frame.width) / (Double(max(1, scalars)) * TextFitting.averageAdvance))
            height = max(t.block.fontHeight / 2, min(t.block.fontHeight, fit))
        }
        out.reserve(t.fixedBytes + 3 * fieldBytes)
        out.put(t.box)
        out.put(t.head1)
        out.put(number: height)
        out.put(UInt8(ascii: ","))
        out.put(number: height)
        out.put(t.head2)
        k = 0
        var start = 0
        for piece in t.pieces {
            if piece.field == nil {
                out.put(piece.escaped)
                continue
            }
            let end = ends[k]
            Self.putValue(UnsafeBufferPointer(rebasing: values[start..<end]), keepNewlines: piece.keepNewlines, to: &out)
            start = end
            k += 1
        }
        out.put(ascii: "^FS\n")
    }

    /// The text through the renderer (cut to its box, or drawn as a graphic).
    func appendResolved(_ t: Text, _ context: LabelContext, to out: inout ByteWriter) {
        var block = t.block
        block.text = t.source.resolve(context)
        var bytes: [UInt8] = []
        renderer.appendText(block, to: &bytes)
        out.append(bytes)
    }

    /// Whether the resident font covers every field value (only asked for non-ASCII text).
    func fieldsCovered(_ t: Text, _ ends: InlineArray<8, Int>, _ values: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        for k in 0..<t.fieldCount {
            if !renderer.coverage.covers(String(decoding: values[start..<ends[k]], as: UTF8.self)) { return false }
            start = ends[k]
        }
        return true
    }

    /// Whether a byte of order data needs more than a plain copy into a ^FH field: control
    /// characters, DEL, `\ ^ _ ~`, and 0xC2 (which starts the C1 controls U+0080–U+009F).
    @inline(__always) static func isSpecial(_ b: UInt8) -> Bool {
        if b < 0x40 { return b < 0x20 }
        // Bits 0x1C, 0x1E, 0x1F, 0x3E, 0x3F above 0x40: `\` `^` `_` `~` DEL.
        if b < 0x80 { return (0xC000_0000_D000_0000 as UInt64) >> UInt64(b &- 0x40) & 1 != 0 }
        return b == 0xC2
    }

    /// Order data into a ^FH field: control characters (C0, DEL, C1) become spaces as in
    /// `FieldText.clean`, kept line breaks become `\&`, the rest is escaped. Plain runs are
    /// copied in bulk. Needs `3 * p.count` reserved.
    @inline(__always) static func putValue(_ p: UnsafeBufferPointer<UInt8>, keepNewlines: Bool, to out: inout ByteWriter) {
        let n = p.count
        var run = 0, i = 0
        while i < n {
            let b = p[i]
            if !isSpecial(b) {
                i += 1
                continue
            }
            if run < i { out.put(UnsafeBufferPointer(rebasing: p[run..<i])) }
            if b == 0xC2 {
                // C1 control: U+0080–U+009F is 0xC2 0x80–0x9F.
                if i + 1 < n, p[i + 1] >= 0x80, p[i + 1] < 0xA0 {
                    out.put(0x20)
                    i += 1
                } else {
                    out.put(b)
                }
            } else if b < 0x20 || b == 0x7F {
                if b == 0x0A && keepNewlines { out.put(ascii: "\\&") } else { out.put(0x20) }
            } else {
                out.put(hexEscaped: b)
            }
            i += 1
            run = i
        }
        if run < n { out.put(UnsafeBufferPointer(rebasing: p[run..<n])) }
    }
}
