import PackCore

extension LabelTemplate {
    /// Loads a template from its JSON text, checking every element against the label size.
    public init(json bytes: some Collection<UInt8>, source: String) throws(LabelError) {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            throw LabelError(code: "template.not_json", message: "\(source) is not valid JSON: \(error).")
        }
        try self.init(value: value, source: source)
    }

    /// Loads a template from a parsed JSON document.
    public init(value: JSONValue, source: String) throws(LabelError) {
        let root = TemplateReader(value: value, path: source)
        let name = try root.string("name")
        let sizeValue = try root.required("size")
        let size: LabelSize
        switch sizeValue.value {
        case .string(let named):
            guard let known = LabelSize.named(named) else {
                throw LabelError(code: "template.size", message: "\(sizeValue.path): unknown size \"\(named)\"; use one of \(LabelSize.named.map(\.name).joined(separator: ", ")) or {\"width_mm\": …, \"height_mm\": …}.")
            }
            size = known
        default:
            size = LabelSize(widthMM: try sizeValue.number("width_mm", in: 10...400), heightMM: try sizeValue.number("height_mm", in: 10...1000))
        }
        let items = try root.array("elements")
        guard !items.isEmpty else { throw LabelError(code: "template.empty", message: "\(source): \"elements\" is empty; a label needs something to print.") }
        var elements: [Element] = []
        for item in items { elements.append(try Self.element(item, size: size)) }
        self.name = name
        self.size = size
        self.carrierLabelReplaces = try root.optionalBool("carrier_label") ?? false
        self.elements = elements
    }

    static let kinds = ["text", "box", "line", "barcode", "rows"]

    static func element(_ r: TemplateReader, size: LabelSize) throws(LabelError) -> Element {
        let type = try r.string("type")
        let when = try r.optionalString("when").map { w throws(LabelError) in try FieldText(w, path: r.path + ".when", allowLineFields: false) }
        switch type {
        case "text":
            let at = try placement(r, size: size)
            let fit: TextBlock.Fit
            switch try r.optionalString("fit") ?? "wrap" {
            case "wrap": fit = .wrap(maxLines: Int(try r.optionalNumber("lines", in: 1...200) ?? 1))
            case "shrink": fit = .shrink
            case let other: throw LabelError(code: "template.value", message: "\(r.path).fit: \"\(other)\" is not a fit; use \"wrap\" or \"shrink\".")
            }
            let text = Text(at: at, text: try FieldText(try r.string("text"), path: r.path + ".text", allowLineFields: false), fontMM: try r.number("font", in: 0.5...100), bold: try r.optionalBool("bold") ?? false, alignment: try alignment(r), fit: fit, inverted: try r.optionalBool("inverted") ?? false, rotation: try rotation(r))
            return Element(kind: .text(text), when: when)
        case "box", "line":
            let at = try placement(r, size: size, lineOK: type == "line")
            let thickness = try r.optionalNumber("thickness", in: 0.1...100) ?? (type == "line" ? max(min(at.width, at.height), 0.25) : 0.25)
            return Element(kind: .box(at, thickness: thickness), when: when)
        case "barcode":
            let at = try placement(r, size: size)
            let symName = try r.string("symbology")
            guard let symbology = BarcodeBlock.Symbology(rawValue: symName) else {
                throw LabelError(code: "template.value", message: "\(r.path).symbology: \"\(symName)\" is not supported; use one of \(BarcodeBlock.Symbology.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            if symbology == .maxicode, let options = try r.optional("maxicode") {
                return Element(kind: .maxiCode(try maxiCode(options, element: r, at: at)), when: when)
            }
            let code = Barcode(at: at, symbology: symbology, data: try FieldText(try r.string("data"), path: r.path + ".data", allowLineFields: false), moduleMM: try r.optionalNumber("module", in: 0.1...3) ?? 0.375, humanReadable: try r.optionalBool("human_readable") ?? symbology.isLinear, rotation: try rotation(r))
            return Element(kind: .barcode(code), when: when)
        case "rows":
            let at = try placement(r, size: size)
            let rowHeight = try r.number("row_height", in: 1...100)
            var columns: [(Double, Double, FieldText, TextBlock.Alignment)] = []
            for c in try r.array("columns") {
                let x = try c.number("x", in: 0...at.width)
                let width = try c.number("width", in: 1...at.width)
                guard x + width <= at.width + 0.01 else {
                    throw LabelError(code: "template.bounds", message: "\(c.path): column ends at \(x + width) mm, past the rows' width of \(at.width) mm.")
                }
                columns.append((x, width, try FieldText(try c.string("text"), path: c.path + ".text", allowLineFields: true), try alignment(c)))
            }
            return Element(kind: .rows(Rows(at: at, rowHeight: rowHeight, fontMM: try r.number("font", in: 0.5...50), columns: columns, ruled: try r.optionalBool("ruled") ?? false)), when: when)
        default:
            throw LabelError(code: "template.type", message: "\(r.path).type: \"\(type)\" is not an element type; use one of \(kinds.joined(separator: ", ")).")
        }
    }

    static func placement(_ r: TemplateReader, size: LabelSize, lineOK: Bool = false) throws(LabelError) -> Placement {
        let minimum = lineOK ? 0.0 : 0.1
        let at = Placement(x: try r.number("x", in: 0...size.widthMM), y: try r.number("y", in: 0...size.heightMM), width: try r.optionalNumber("width", in: minimum...size.widthMM) ?? 0.25, height: try r.optionalNumber("height", in: minimum...size.heightMM) ?? 0.25)
        guard at.x + at.width <= size.widthMM + 0.01 else {
            throw LabelError(code: "template.bounds", message: "\(r.path): ends at x = \(at.x + at.width) mm, past the label's width of \(size.widthMM) mm. Move it left or make it narrower.")
        }
        guard at.y + at.height <= size.heightMM + 0.01 else {
            throw LabelError(code: "template.bounds", message: "\(r.path): ends at y = \(at.y + at.height) mm, past the label's height of \(size.heightMM) mm. Move it up or make it shorter.")
        }
        return at
    }

    static func alignment(_ r: TemplateReader) throws(LabelError) -> TextBlock.Alignment {
        let name = try r.optionalString("align") ?? "left"
        guard let a = TextBlock.Alignment(rawValue: name) else {
            throw LabelError(code: "template.value", message: "\(r.path).align: \"\(name)\" is not an alignment; use left, center or right.")
        }
        return a
    }

    static func rotation(_ r: TemplateReader) throws(LabelError) -> Rotation {
        let degrees = Int(try r.optionalNumber("rotation", in: 0...270) ?? 0)
        guard let rot = Rotation(rawValue: degrees) else {
            throw LabelError(code: "template.value", message: "\(r.path).rotation: \(degrees) is not a quarter turn; use 0, 90, 180 or 270.")
        }
        return rot
    }
}

/// Reads template JSON members with messages that name the path, e.g. `shipping.json elements[3].x`.
struct TemplateReader {
    let value: JSONValue
    let path: String

    func required(_ key: String) throws(LabelError) -> TemplateReader {
        guard case .object = value else { throw LabelError(code: "template.type", message: "\(path) must be an object, not \(value.typeDescription).") }
        guard let member = value[key] else { throw LabelError(code: "template.missing", message: "\(path): \"\(key)\" is missing.") }
        return TemplateReader(value: member, path: "\(path).\(key)")
    }

    func optional(_ key: String) throws(LabelError) -> TemplateReader? {
        guard case .object = value else { throw LabelError(code: "template.type", message: "\(path) must be an object, not \(value.typeDescription).") }
        guard let member = value[key], member != .null else { return nil }
        return TemplateReader(value: member, path: "\(path).\(key)")
    }

    func string(_ key: String) throws(LabelError) -> String {
        let m = try required(key)
        guard case .string(let s) = m.value else { throw LabelError(code: "template.type", message: "\(m.path) must be a string, not \(m.value.typeDescription).") }
        return s
    }

    func optionalString(_ key: String) throws(LabelError) -> String? {
        guard try optional(key) != nil else { return nil }
        return try string(key)
    }

    func number(_ key: String, in range: ClosedRange<Double>) throws(LabelError) -> Double {
        let m = try required(key)
        guard case .number(let text) = m.value, let n = Double(text) else { throw LabelError(code: "template.type", message: "\(m.path) must be a number (millimetres), not \(m.value.typeDescription).") }
        guard range.contains(n) else { throw LabelError(code: "template.range", message: "\(m.path) is \(text); it must be between \(range.lowerBound) and \(range.upperBound).") }
        return n
    }

    func optionalNumber(_ key: String, in range: ClosedRange<Double>) throws(LabelError) -> Double? {
        guard try optional(key) != nil else { return nil }
        return try number(key, in: range)
    }

    func optionalBool(_ key: String) throws(LabelError) -> Bool? {
        guard let m = try optional(key) else { return nil }
        guard case .bool(let b) = m.value else { throw LabelError(code: "template.type", message: "\(m.path) must be true or false, not \(m.value.typeDescription).") }
        return b
    }

    func array(_ key: String) throws(LabelError) -> [TemplateReader] {
        let m = try required(key)
        guard case .array(let items) = m.value else { throw LabelError(code: "template.type", message: "\(m.path) must be an array, not \(m.value.typeDescription).") }
        return items.enumerated().map { TemplateReader(value: $0.element, path: "\(m.path)[\($0.offset)]") }
    }
}
