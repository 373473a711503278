import Barcodes

/// A template turned into ZPL once per density: static elements become bytes, text elements a
/// header plus field writers, so each label is order data escaped straight into the output.
/// It writes exactly what `ZPLRenderer.render(template.layout(…))` writes (a test holds them
/// equal); text that needs cutting or rasterizing, rows and barcodes go through the renderer.
///
/// A label is written into a stack buffer through a pointer (`ByteWriter`, room reserved once
/// per field) and appended to the caller's array in one copy; field values go to a second
/// buffer first, where they are measured, then escaped into the label. The compiled parts live
/// in immutable objects reached through unmanaged references, so a label costs no reference
/// counting on the template.
struct CompiledZPLTemplate: Sendable {
    let program: Program

    init(_ template: LabelTemplate, density: PrinterDensity, renderer: ZPLRenderer) {
        program = Program(template, density: density, renderer: renderer)
    }

    /// Appends one label.
    func render(_ context: LabelContext, copies: Int, into out: inout [UInt8]) throws(LabelError) {
        try program.render(context, copies: copies, into: &out)
    }

/// The compiled template. A class, so a label's closures capture one reference instead of
/// copying the template, the renderer and its font coverage.
final class Program: @unchecked Sendable {
    // @unchecked: everything below is immutable after `init`; the unsafe buffers and unmanaged
    // references are owned by `storage`, which lives as long as the template.

    /// Bytes owned by `Storage`, valid for the template's lifetime.
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// One part of a text or of barcode data: a literal or a field.
    struct Piece {
        /// The literal escaped for ^FH, line breaks as `\&` (empty for a field).
        var escaped: Bytes
        /// The literal's own UTF-8 (empty for a field).
        var raw: Bytes
        var scalars: Int
        /// The field's writer (nil for a literal); unmanaged so reading a piece retains nothing.
        var field: Unmanaged<FieldWriter>?
        var keepNewlines: Bool

        @inline(__always) func write(_ context: LabelContext, _ out: inout ByteWriter) {
            field.unsafelyUnwrapped._withUnsafeGuaranteedRef { $0.write(context, &out) }
        }
    }

    /// A field writer held by `Storage`.
    final class FieldWriter {
        let write: LabelField.Writer
        init(_ write: @escaping LabelField.Writer) { self.write = write }
    }

    /// Owns the compiled parts' memory.
    final class Storage {
        var allocations: [UnsafeMutableRawPointer] = []
        var objects: [AnyObject] = []
        var pieceLists: [UnsafeMutableBufferPointer<Piece>] = []

        func bytes(_ array: [UInt8]) -> Bytes {
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, array.count))
            p.initialize(from: array, count: array.count)
            allocations.append(UnsafeMutableRawPointer(p))
            return Bytes(start: p, count: array.count)
        }

        func pieces(_ array: [Piece]) -> UnsafeBufferPointer<Piece> {
            let p = UnsafeMutableBufferPointer<Piece>.allocate(capacity: max(1, array.count))
            _ = p.initialize(fromContentsOf: array)
            pieceLists.append(UnsafeMutableBufferPointer(rebasing: p[..<array.count]))
            return UnsafeBufferPointer(rebasing: p[..<array.count])
        }

        func keep<T: AnyObject>(_ object: T) -> Unmanaged<T> {
            objects.append(object)
            return Unmanaged.passUnretained(object)
        }

        deinit {
            for list in pieceLists {
                list.deinitialize()
                list.deallocate()
            }
            for p in allocations { p.deallocate() }
        }
    }

    final class Text {
        let block: TextBlock
        let source: FieldText
        let pieces: UnsafeBufferPointer<Piece>
        let when: UnsafeBufferPointer<Piece>?
        let box: Bytes
        let head1: Bytes
        let head2: Bytes
        let limit: Int
        let literalsCovered: Bool
        let literalBytes: Int
        let literalScalars: Int
        let fieldCount: Int
        /// Everything written besides the escaped field values, numbers at their longest.
        let fixedBytes: Int

        init(block: TextBlock, source: FieldText, pieces: UnsafeBufferPointer<Piece>, when: UnsafeBufferPointer<Piece>?, box: Bytes, head1: Bytes, head2: Bytes, limit: Int, literalsCovered: Bool) {
            self.block = block
            self.source = source
            self.pieces = pieces
            self.when = when
            self.box = box
            self.head1 = head1
            self.head2 = head2
            self.limit = limit
            self.literalsCovered = literalsCovered
            literalBytes = pieces.reduce(0) { $0 + $1.raw.count }
            literalScalars = pieces.reduce(0) { $0 + $1.scalars }
            fieldCount = pieces.reduce(0) { $0 + ($1.field == nil ? 0 : 1) }
            fixedBytes = box.count + head1.count + head2.count + pieces.reduce(0) { $0 + $1.escaped.count } + 2 * 20 + 1 + 4
        }
    }

    enum Op {
        case bytes(Bytes)
        case text(Unmanaged<Text>)
        case barcode(Unmanaged<Barcode>)
        /// An element the renderer writes from its layout (index into `elements`).
        case other(Int)
    }

    let ops: [Op]
    let elements: [LabelTemplate.Element]
    let header: Bytes
    let density: PrinterDensity
    let template: LabelTemplate
    let storage: Storage
    let renderer: ZPLRenderer
    /// Whether text the resident font lacks is drawn as a graphic (then coverage is checked).
    let rasterizing: Bool

    init(_ template: LabelTemplate, density: PrinterDensity, renderer: ZPLRenderer) {
        self.template = template
        self.density = density
        self.renderer = renderer
        rasterizing = renderer.rasterizer != nil
        let storage = Storage()
        self.storage = storage
        let empty = LabelTemplate.placeholderContext
        var header: [UInt8] = []
        try! renderer.render(LabelLayout(size: template.size, density: density), into: &header)
        header.removeLast(4)  // "^XZ\n"
        self.header = storage.bytes(header)
        var ops: [Op] = []
        var others: [LabelTemplate.Element] = []
        func other(_ element: LabelTemplate.Element) {
            ops.append(.other(others.count))
            others.append(element)
        }
        for element in template.elements {
            switch element.kind {
            case .box:
                var bytes: [UInt8] = []
                for e in template.layout(elements: [element], for: empty, density: density).elements { try! renderer.appendElement(e, to: &bytes) }
                if element.when == nil { ops.append(.bytes(storage.bytes(bytes))) } else { other(element) }
            case .text(let t) where !t.text.isConstant || element.when != nil:
                guard case .text(let block) = template.layout(elements: [LabelTemplate.Element(kind: element.kind, when: nil)], for: empty, density: density).elements.first else {
                    other(element)
                    continue
                }
                let pieces = Self.pieces(t.text, storage)
                let literalsCovered = t.text.segments.allSatisfy { s in
                    if case .literal(let text) = s { return renderer.coverage.covers(text) }
                    return true
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
                let text = Text(block: block, source: t.text, pieces: pieces, when: element.when.map { Self.pieces($0, storage) },
                                box: storage.bytes(box), head1: storage.bytes(head1), head2: storage.bytes(head2), limit: limit, literalsCovered: literalsCovered)
                ops.append(.text(storage.keep(text)))
            case .text:
                var bytes: [UInt8] = []
                for e in template.layout(elements: [element], for: empty, density: density).elements { renderer.appendText(e.textBlock!, to: &bytes) }
                ops.append(.bytes(storage.bytes(bytes)))
            case .barcode(let b):
                guard case .barcode(let block) = template.layout(elements: [LabelTemplate.Element(kind: element.kind, when: nil)], for: empty, density: density).elements.first else {
                    other(element)
                    continue
                }
                let barcode = Barcode(block: block, source: b.data, pieces: Self.pieces(b.data, storage), when: element.when.map { Self.pieces($0, storage) },
                                      renderer: renderer, storage: storage)
                ops.append(.barcode(storage.keep(barcode)))
            default:
                other(element)
            }
        }
        self.ops = ops
        self.elements = others
    }

    static func pieces(_ text: FieldText, _ storage: Storage) -> UnsafeBufferPointer<Piece> {
        var pieces: [Piece] = []
        let none = storage.bytes([])
        for s in text.segments {
            switch s {
            case .literal(let text):
                var bytes: [UInt8] = []
                Self.appendLiteral(text, to: &bytes)
                pieces.append(Piece(escaped: storage.bytes(bytes), raw: storage.bytes(Array(text.utf8)), scalars: text.unicodeScalars.count, field: nil, keepNewlines: false))
            case .field(let name):
                pieces.append(Piece(escaped: none, raw: none, scalars: 0, field: storage.keep(FieldWriter(LabelField.writers[name]!.write)), keepNewlines: name.hasSuffix(".street") || name.hasSuffix(".address")))
            case .lineField: break
            }
        }
        return storage.pieces(pieces)
    }

    static func appendLiteral(_ text: String, to out: inout [UInt8]) {
        var first = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !first { out.append(ascii: "\\&") }
            first = false
            ZPLEscape.appendEscaped(line, to: &out)
        }
    }

    /// Appends one label.
    /// The label goes through a 1 KiB stack buffer flushed into `out` when full; field values
    /// through another. (`withUnsafeTemporaryAllocation` only uses the stack up to 1 KiB here:
    /// larger requests went to malloc.) On an error nothing of the label is left in `out`.
    func render(_ context: LabelContext, copies: Int, into out: inout [UInt8]) throws(LabelError) {
        let start = out.count
        let failure: LabelError? = withUnsafeMutablePointer(to: &out) { sink in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { labelBuffer in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { scratchBuffer in
                    var label = ByteWriter(labelBuffer, sink: sink)
                    var scratch = ByteWriter(scratchBuffer)
                    defer {
                        label.release()
                        scratch.release()
                    }
                    do throws(LabelError) {
                        try render(context, copies: copies, label: &label, scratch: &scratch)
                    } catch {
                        return error
                    }
                    sink.pointee.append(contentsOf: label.bytes)
                    return nil
                }
            }
        }
        if let failure {
            out.removeSubrange(start...)
            throw failure
        }
    }

    func render(_ context: LabelContext, copies: Int, label out: inout ByteWriter, scratch: inout ByteWriter) throws(LabelError) {
        out.append(header)
        for op in ops {
            switch op {
            case .bytes(let bytes): out.append(bytes)
            case .barcode(let b):
                let failure: LabelError? = b._withUnsafeGuaranteedRef { b in
                    if let when = b.when, Self.isBlank(when, context, &scratch) { return nil }
                    do throws(LabelError) {
                        try appendBarcode(b, context, to: &out, scratch: &scratch)
                    } catch {
                        return error
                    }
                    return nil
                }
                if let failure { throw failure }
            case .text(let t):
                t._withUnsafeGuaranteedRef { t in
                    if let when = t.when, Self.isBlank(when, context, &scratch) { return }
                    appendText(t, context, to: &out, scratch: &scratch)
                }
            case .other(let index):
                var bytes: [UInt8] = []
                for e in template.layout(elements: [elements[index]], for: context, density: density).elements { try renderer.appendElement(e, to: &bytes) }
                out.append(bytes)
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
    static func isBlank(_ when: UnsafeBufferPointer<Piece>, _ context: LabelContext, _ scratch: inout ByteWriter) -> Bool {
        for piece in when {
            guard piece.field != nil else {
                for b in piece.raw where b != 0x20 { return false }
                continue
            }
            scratch.count = 0
            piece.write(context, &scratch)
            let p = scratch.base, n = scratch.count
            var i = 0
            while i < n {
                let b = p[i]
                if b == 0xC2, i + 1 < n, p[i + 1] >= 0x80, p[i + 1] < 0xA0 {
                    i += 2
                    continue
                }
                guard b == 0x20 || ((b < 0x20 || b == 0x7F) && !(piece.keepNewlines && b == 0x0A)) else { return false }
                i += 1
            }
        }
        return true
    }
}
}
