import Barcodes

extension CompiledZPLTemplate.Program {
    /// A barcode element, compiled: its data's pieces and the constant parts of what it writes.
    final class Barcode {
        let block: BarcodeBlock
        // The block's parts a label reads, apart: reading `block` whole copies its strings.
        let frame: DotRect
        let rotation: Rotation
        let moduleDots: Int
        let humanReadable: Bool
        let symbology: BarcodeBlock.Symbology
        let source: FieldText
        let pieces: UnsafeBufferPointer<Piece>
        let when: UnsafeBufferPointer<Piece>?
        /// `^FO…^A0N,h,h^FB…^FH^FD` of the human-readable line under a Code 128, and its byte limit.
        let readableHead: Bytes
        let readableLimit: Int
        /// `^FO…^BQN,2,m^FH^FDMA,` of a QR code.
        let qrHead: Bytes
        /// For GS1-128 data written `(AI){field}` with an AI whose value is plain set-82 text
        /// (format `X..n`, no check digit or date rules): the AI's digits and value lengths.
        let gs1AI: (digits: Bytes, minimum: Int, maximum: Int)?

        init(block: BarcodeBlock, source: FieldText, pieces: UnsafeBufferPointer<Piece>, when: UnsafeBufferPointer<Piece>?, renderer: ZPLRenderer, storage: Storage) {
            self.block = block
            frame = block.frame
            rotation = block.rotation
            moduleDots = block.moduleDots
            humanReadable = block.humanReadable
            symbology = block.symbology
            self.source = source
            self.pieces = pieces
            self.when = when
            let readable = block.readableLine("", module: max(1, block.moduleDots))
            let h = readable.fontHeight
            var head: [UInt8] = []
            renderer.appendTextHead(readable, height: h, to: &head)
            readableHead = storage.bytes(head)
            let perLine = max(1, Int(Double(readable.frame.width) / (Double(max(1, h)) * 0.3)))
            readableLimit = perLine * readable.lineCapacity + readable.lineCapacity
            var qr: [UInt8] = []
            renderer.appendOrigin(block.frame.x, block.frame.y, to: &qr)
            qr.append(ascii: "^BQN,2,")
            qr.append(number: min(10, max(1, block.moduleDots)))
            qr.append(ascii: "^FH^FDMA,")
            qrHead = storage.bytes(qr)
            gs1AI = Self.plainAI(source).map { (storage.bytes(Array($0.ai.utf8)), $0.minimumLength, $0.maximumLength) }
        }

        /// The AI of data written exactly `(AI){field}` when its value format is `X..n`: set 82,
        /// variable length, and (GS1 General Specifications) no check digit, date or other rule.
        static func plainAI(_ source: FieldText) -> GS1ApplicationIdentifier? {
            guard source.segments.count == 2, case .literal(let literal) = source.segments[0], case .field = source.segments[1],
                literal.hasPrefix("("), literal.hasSuffix(")"), literal.utf8.count >= 4,
                let ai = GS1ApplicationIdentifier.lookup(literal.dropFirst().dropLast()), "(\(ai.ai))" == literal,
                ai.format.hasPrefix("X.."), Int(ai.format.dropFirst(3)) != nil
            else { return nil }
            return ai
        }
    }

    /// A barcode from its resolved data: Code 128 / GS1-128 and QR written here without
    /// allocating; anything unusual (control characters, errors, other symbologies) goes
    /// through the renderer, which also words the errors.
    func appendBarcode(_ b: Barcode, _ context: LabelContext, to out: inout ByteWriter, scratch: inout ByteWriter) throws(LabelError) {
        scratch.count = 0
        for piece in b.pieces {
            if piece.field != nil { piece.write(context, &scratch) } else { scratch.append(piece.raw) }
        }
        let n = scratch.count
        var plain = n > 0
        for byte in scratch.bytes where byte < 0x20 || byte >= 0x7F {
            plain = false
            break
        }
        var done = false
        if plain {
            switch b.symbology {
            case .code128:
                let data = scratch.bytes
                if data.allSatisfy(Code128.isEncodable) {
                    done = appendCode128(b, items: data, readable: data, to: &out)
                }
            case .gs1_128:
                if let ai = b.gs1AI, let length = Self.plainGS1Value(scratch.bytes, ai: ai) {
                    // Items: FNC1, the AI, the value (one element: no separator); readable: the data as written.
                    scratch.reserve(1 + ai.digits.count + length)
                    scratch.put(Code128.fnc1Byte)
                    scratch.put(ai.digits)
                    scratch.put(UnsafeBufferPointer(rebasing: scratch.bytes[(n - length)..<n]))
                    let all = scratch.bytes
                    done = appendCode128(b, items: UnsafeBufferPointer(rebasing: all[n...]), readable: UnsafeBufferPointer(rebasing: all[..<n]), to: &out)
                } else {
                    let gs1 = try BarcodeData.gs1(String(decoding: scratch.bytes, as: UTF8.self))
                    scratch.count = 0
                    scratch.append(Code128.fnc1Byte)
                    scratch.append(gs1.transmitted)
                    let itemCount = scratch.count
                    scratch.append(gs1.description)
                    let all = scratch.bytes
                    done = appendCode128(b, items: UnsafeBufferPointer(rebasing: all[..<itemCount]), readable: UnsafeBufferPointer(rebasing: all[itemCount...]), to: &out)
                }
            case .qr where n <= 2900:
                out.reserve(b.qrHead.count + 3 * n + 4)
                out.put(b.qrHead)
                out.put(escaped: scratch.bytes)
                out.put(ascii: "^FS\n")
                done = true
            default:
                break
            }
        }
        if !done {
            var block = b.block
            block.data = b.source.resolve(context)
            var bytes: [UInt8] = []
            try renderer.appendBarcode(block, to: &bytes)
            out.append(bytes)
        }
    }

    /// The value's length when `data` is `(AI)value` with a value the parser would take as
    /// is: letters and digits only (so no `(` that could open another AI), length within the
    /// AI's limits. Nil sends the data through the full GS1 parser.
    @inline(__always) static func plainGS1Value(_ data: UnsafeBufferPointer<UInt8>, ai: (digits: Bytes, minimum: Int, maximum: Int)) -> Int? {
        let length = data.count - ai.digits.count - 2
        guard length >= max(1, ai.minimum), length <= ai.maximum else { return nil }
        for b in data[(data.count - length)...] {
            let letter = (b | 0x20) &- 0x61 < 26
            guard letter || b &- 0x30 < 10 else { return nil }
        }
        return length
    }

    /// `^FO…^BY…^BC…` with the symbol centred in its box at the widest module that fits, then
    /// the human-readable line; false (nothing written) when it does not fit (the renderer then says why).
    func appendCode128(_ b: Barcode, items: UnsafeBufferPointer<UInt8>, readable: UnsafeBufferPointer<UInt8>, to out: inout ByteWriter) -> Bool {
        let frame = b.frame, rotation = b.rotation, humanReadable = b.humanReadable, moduleDots = b.moduleDots
        let head = b.readableHead, limit = b.readableLimit
        return Code128.withZPLEncoding(items) { modules, plan in
            let turned = rotation.isQuarterTurn
            let (length, bars) = turned ? (frame.height, frame.width) : (frame.width, frame.height)
            var fitted = max(1, moduleDots)
            while fitted > 1 && (modules + 20) * fitted > length { fitted -= 1 }
            guard (modules + 20) * fitted <= length else { return false }
            let offset = max(0, (length - modules * fitted) / 2)
            let shown = UnsafeBufferPointer(rebasing: readable.prefix(limit))
            out.reserve(3 + 2 * 20 + 4 + 20 + 3 + 20 + 12 + plan.maximumZPLBytes + 4 + head.count + 3 * shown.count + 4)
            out.put(ascii: "^FO")
            out.put(number: max(0, frame.x + (turned ? 0 : offset)))
            out.put(UInt8(ascii: ","))
            out.put(number: max(0, frame.y + (turned ? offset : 0)))
            out.put(ascii: "^BY")
            out.put(number: fitted)
            out.put(ascii: "^BC")
            out.put(rotation.zplLetter)
            out.put(UInt8(ascii: ","))
            out.put(number: max(1, bars))
            out.put(ascii: ",N,N,N^FH^FD")
            plan.appendZPL(to: &out)
            out.put(ascii: "^FS\n")
            if humanReadable && !shown.isEmpty {
                out.put(head)
                out.put(escaped: shown)
                out.put(ascii: "^FS\n")
            }
            return true
        }
    }
}
