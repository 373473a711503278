import PackCore

/// A label or slip design as data: a size and elements placed in millimetres, with `{field}`
/// placeholders filled from the order. Admins edit the JSON form (docs/templates/*.json);
/// `LabelTemplate(json:)` checks it and says exactly what is wrong and where.
public struct LabelTemplate: Sendable {
    /// The template's name, e.g. `shipping`.
    public let name: String
    /// The paper size.
    public let size: LabelSize
    /// Whether a label the carrier made replaces this one (shipping labels; never packing slips).
    public let carrierLabelReplaces: Bool
    let elements: [Element]

    struct Placement: Hashable, Sendable {
        var x, y, width, height: Double
        func dots(_ d: PrinterDensity) -> DotRect {
            DotRect(x: d.dots(x), y: d.dots(y), width: d.dots(width), height: d.dots(height))
        }
    }

    struct Text: Sendable {
        var at: Placement
        var text: FieldText
        var fontMM: Double
        var bold: Bool
        var alignment: TextBlock.Alignment
        var fit: TextBlock.Fit
        var inverted: Bool
        var rotation: Rotation
    }

    struct Barcode: Sendable {
        var at: Placement
        var symbology: BarcodeBlock.Symbology
        var data: FieldText
        var moduleMM: Double
        var humanReadable: Bool
        var rotation: Rotation
    }

    struct Rows: Sendable {
        var at: Placement
        var rowHeight: Double
        var fontMM: Double
        var columns: [(x: Double, width: Double, text: FieldText, alignment: TextBlock.Alignment)]
        var ruled: Bool
    }

    enum Kind: Sendable {
        case text(Text)
        case box(Placement, thickness: Double)
        case barcode(Barcode)
        case rows(Rows)
        case maxiCode(MaxiCode)
    }

    struct Element: Sendable {
        var kind: Kind
        /// Drawn only when this text is not empty once filled in.
        var when: FieldText?
    }

    /// The layout for one order at one density.
    public func layout(for context: LabelContext, density: PrinterDensity, copies: Int = 1) -> LabelLayout {
        layout(elements: elements, for: context, density: density, copies: copies)
    }

    /// An order with a shipment and nothing else, for laying out elements that read no field.
    static let placeholderContext = LabelContext(order: Order(id: "", lines: [], shipment: Shipment(carrier: "", service: "", from: Address(name: "", street: [], city: "", country: ""), to: Address(name: "", street: [], city: "", country: ""))))

    func layout(elements: [Element], for context: LabelContext, density: PrinterDensity, copies: Int = 1) -> LabelLayout {
        var out: [LabelElement] = []
        out.reserveCapacity(elements.count + 8)
        for element in elements {
            if let when = element.when, when.resolve(context).allSatisfy({ $0 == " " }) { continue }
            switch element.kind {
            case .text(let t):
                out.append(.text(TextBlock(frame: t.at.dots(density), text: t.text.resolve(context), fontHeight: density.dots(t.fontMM), bold: t.bold, alignment: t.alignment, fit: t.fit, inverted: t.inverted, rotation: t.rotation)))
            case .box(let at, let thickness):
                out.append(.box(BoxShape(frame: at.dots(density), thickness: max(1, density.dots(thickness)))))
            case .barcode(let b):
                out.append(.barcode(BarcodeBlock(frame: b.at.dots(density), symbology: b.symbology, data: b.data.resolve(context), moduleDots: max(1, density.dots(b.moduleMM)), humanReadable: b.humanReadable, rotation: b.rotation)))
            case .rows(let r):
                appendRows(r, context: context, density: density, to: &out)
            case .maxiCode(let m):
                out.append(.barcode(m.block(context, density: density)))
            }
        }
        var layout = LabelLayout(size: size, density: density, elements: out, copies: copies)
        // Millimetres round to dots; keep every frame on the printable width and length.
        let (w, h) = (layout.widthDots, layout.heightDots)
        func clamp(_ r: DotRect) -> DotRect {
            DotRect(x: min(r.x, w - 1), y: min(r.y, h - 1), width: max(1, min(r.width, w - min(r.x, w - 1))), height: max(1, min(r.height, h - min(r.y, h - 1))))
        }
        for i in layout.elements.indices {
            switch layout.elements[i] {
            case .text(var t): t.frame = clamp(t.frame); layout.elements[i] = .text(t)
            case .box(var b): b.frame = clamp(b.frame); layout.elements[i] = .box(b)
            case .barcode(var c): c.frame = clamp(c.frame); layout.elements[i] = .barcode(c)
            case .image: break
            }
        }
        return layout
    }

    func appendRows(_ r: Rows, context: LabelContext, density: PrinterDensity, to out: inout [LabelElement]) {
        let capacity = max(1, Int(r.at.height / r.rowHeight))
        let count = context.order.lines.count
        let shown = count > capacity ? capacity - 1 : count
        let font = density.dots(r.fontMM)
        for i in 0..<shown {
            let y = r.at.y + Double(i) * r.rowHeight
            for column in r.columns {
                let frame = Placement(x: r.at.x + column.x, y: y, width: column.width, height: r.rowHeight).dots(density)
                out.append(.text(TextBlock(frame: frame, text: column.text.resolve(context, line: i), fontHeight: font, alignment: column.alignment, fit: .shrink)))
            }
            if r.ruled {
                out.append(.box(BoxShape(frame: Placement(x: r.at.x, y: y + r.rowHeight - 0.2, width: r.at.width, height: 0.2).dots(density), thickness: 1)))
            }
        }
        if shown < count {
            let frame = Placement(x: r.at.x, y: r.at.y + Double(shown) * r.rowHeight, width: r.at.width, height: r.rowHeight).dots(density)
            out.append(.text(TextBlock(frame: frame, text: "… and \(count - shown) more lines (see the order)", fontHeight: font, fit: .shrink)))
        }
    }
}
