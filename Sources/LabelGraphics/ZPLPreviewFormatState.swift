import Labels

/// One format (`^XA` … `^XZ`) read command by command: the format's settings, the field being
/// built, and the fields drawn so far.
struct ZPLPreviewFormatState {
    enum Element {
        case barcode(ZPLPreviewCommand, rotation: Rotation)
        case unsupportedBarcode(String)
        case box(width: Int, height: Int, thickness: Int, white: Bool)
        case ellipse(width: Int, height: Int, thickness: Int, white: Bool)
        case diagonal(width: Int, height: Int, thickness: Int, white: Bool, leftLeaning: Bool)
        case graphic(MonoBitmap)
        case recall(name: String, mx: Int, my: Int)
    }

    struct Field {
        var x = 0, y = 0
        var typeset = false
        var font: ZPLPreviewFont?
        var rotation: Rotation?
        var block: ZPLPreviewBlock?
        var reverse = false
        var hexIndicator: UInt8?
        var element: Element?
        var data: [UInt8]?
        var number: Int?
    }

    var memory: ZPLPreviewMemory
    let dotsPerInch: Int
    /// False for formats read only for what they leave in the printer.
    var drawing = true
    var fieldOrientation = Rotation.normal
    var defaultFont = ZPLPreviewFont(name: UInt8(ascii: "A"), height: 9, width: 0)
    var barWidth = 2, barRatio = 3.0, barHeight = 10
    var reverseAll = false
    var field = Field()
    /// `^FN` data a format gives the stored format it recalls with `^XF`.
    var recallData: [Int: [UInt8]] = [:]
    var recalls = false
    var inStoredFormat = false
    /// Fields drawn so far; `barcode` names a symbol ("^BC at byte 120") so one cut off by the label's edge is noted.
    var placed: [(image: MonoBitmap, x: Int, y: Int, blend: ZPLPreviewCanvas.Blend, barcode: String?)] = []
    /// Filled rectangles (boxes), drawn in order with the images: index into `placed` they come before.
    var rectangles: [(before: Int, rect: DotRect, blend: ZPLPreviewCanvas.Blend)] = []

    init(memory: ZPLPreviewMemory, dotsPerInch: Int) {
        self.memory = memory
        self.dotsPerInch = dotsPerInch
    }

    mutating func note(_ text: String) { if drawing { memory.note(text) } }

    /// The longest side a field can have: the longest label drawn (20 in).
    var maximumSide: Int { 20 * dotsPerInch }

    /// A size in dots kept within the largest label, so hostile sizes cannot take the memory.
    func clamp(_ dots: Int) -> Int { min(maximumSide, dots) }

    /// Commands with no effect on the picture (media, speed, darkness, copies, configuration).
    static let ignored: Set<String> = [
        "FX", "PQ", "MC", "MD", "MM", "MN", "MT", "MF", "MP", "PR", "JZ", "JS", "JT", "JU", "JM", "CO", "CV", "XB", "PF", "PH", "PP",
        "PA", "PN", "LT", "KD", "KL", "KN", "KP", "HH", "HW", "HG", "HT", "HZ", "SC", "SS", "SZ", "TO", "WD", "NC", "NI", "NN", "NP",
        "NS", "NT", "NW", "SE", "SX", "SQ", "JJ", "JW", "MA", "MI", "ML", "MW", "ZZ", "DN", "DB", "DY", "DU", "JA", "JB", "JC", "JD",
        "JE", "JF", "JG", "JH", "JI", "JL", "JN", "JO", "JP", "JQ", "JR", "JX", "SD", "TA", "WC", "WL", "WR", "WS", "RO", "CC", "CT", "CD",
    ]

    /// Reads the commands of the format (or of a stored format it recalls).
    mutating func run(_ commands: [ZPLPreviewCommand]) {
        if !inStoredFormat, commands.contains(where: { $0.code == "XF" }) { collectRecallData(commands) }
        for command in commands { apply(command) }
    }

    mutating func collectRecallData(_ commands: [ZPLPreviewCommand]) {
        recalls = true
        var number: Int?
        var hex: UInt8?
        for command in commands {
            switch command.code {
            case "FN": number = ZPLPreviewParameters(command.parameters).int(0)
            case "FH": hex = command.parameters.first(where: { $0 > 0x20 }) ?? UInt8(ascii: "_")
            case "FD", "FV": if let number { recallData[number] = Self.unescape(command.parameters, hex) }
            case "FS": number = nil; hex = nil
            default: break
            }
        }
    }

    /// `^FH` escapes: the indicator followed by two hex digits is that byte.
    static func unescape(_ raw: ArraySlice<UInt8>, _ indicator: UInt8?) -> [UInt8] {
        guard let indicator else { return Array(raw) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: b - 48
            case 65...70: b - 55
            case 97...102: b - 87
            default: nil
            }
        }
        while i < raw.endIndex {
            if raw[i] == indicator, i + 2 < raw.endIndex, let hi = hex(raw[i + 1]), let lo = hex(raw[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
                continue
            }
            out.append(raw[i])
            i += 1
        }
        return out
    }

    mutating func apply(_ command: ZPLPreviewCommand) {
        let p = ZPLPreviewParameters(command.parameters)
        switch command.code {
        case "FO", "FT":
            field.x = p.int(0) ?? (command.code == "FT" ? field.x : 0)
            field.y = p.int(1) ?? (command.code == "FT" ? field.y : 0)
            field.typeset = command.code == "FT"
            if p.int(2) == 1 { note("\(command.name) right justification (z = 1) at byte \(command.offset) is drawn left-justified") }
        case "LH": memory.home = (p.int(0) ?? 0, p.int(1) ?? 0)
        case "PW": if let w = p.int(0), w > 0 { memory.printWidth = w }
        case "LL": if let l = p.int(0), l > 0 { memory.labelLength = l }
        case "LS": memory.shift = p.int(0) ?? 0
        case "LR": reverseAll = p.letter(0) == UInt8(ascii: "Y")
        case "PO": memory.upsideDown = p.letter(0) == UInt8(ascii: "I")
        case "PM": memory.mirrored = p.letter(0) == UInt8(ascii: "Y")
        case "CI": if let n = p.int(0) { memory.utf8 = (28...30).contains(n) }
        case "FW": if let r = p.letter(0).flatMap(Self.rotation) { fieldOrientation = r }
        case "CF":
            if let name = p.letter(0) { defaultFont.name = name }
            if let h = p.int(1), h > 0 { defaultFont.height = min(32_000, h); defaultFont.width = 0 }
            if let w = p.int(2), w > 0 { defaultFont.width = min(32_000, w) }
        case "A": font(command)
        case "A@": font(ZPLPreviewCommand(tilde: false, code: "A", parameters: [UInt8(ascii: "@")] + command.parameters, offset: command.offset))
        case "FB":
            field.block = ZPLPreviewBlock(width: clamp(max(1, p.int(0) ?? 0)), lines: min(9999, max(1, p.int(1) ?? 1)), spacing: max(-9999, min(9999, p.int(2) ?? 0)), justification: p.letter(3) ?? UInt8(ascii: "L"))
        case "FR": field.reverse = true
        case "FH": field.hexIndicator = command.parameters.first(where: { $0 > 0x20 }) ?? UInt8(ascii: "_")
        case "FD", "FV": field.data = Self.unescape(command.parameters, field.hexIndicator)
        case "SN": field.data = Array((p.raw(0) ?? []))
        case "FN": field.number = p.int(0)
        case "FS": flush()
        case "BY":
            // The printer's ranges: module 1–10 dots, height up to 32,000 (here: the longest label).
            if let w = p.int(0), w > 0 { barWidth = min(10, w) }
            if let r = p.double(1) { barRatio = r }
            if let h = p.int(2), h > 0 { barHeight = min(maximumSide, h) }
        case "BC", "BX", "B7": field.element = .barcode(command, rotation: p.letter(0).flatMap(Self.rotation) ?? fieldOrientation)
        case "BQ", "BD": field.element = .barcode(command, rotation: .normal)
        case "GB":
            let t = max(1, p.int(2) ?? 1)
            field.element = .box(width: clamp(max(t, p.int(0) ?? t)), height: clamp(max(t, p.int(1) ?? t)), thickness: t, white: p.letter(3) == UInt8(ascii: "W"))
            if let r = p.int(4), r > 0 { note("^GB rounded corners (r = \(r)) at byte \(command.offset) are drawn square") }
        case "GC":
            let d = clamp(max(3, p.int(0) ?? 3))
            field.element = .ellipse(width: d, height: d, thickness: max(1, p.int(1) ?? 1), white: p.letter(2) == UInt8(ascii: "W"))
        case "GE":
            let t = max(1, p.int(2) ?? 1)
            field.element = .ellipse(width: clamp(max(t, p.int(0) ?? t)), height: clamp(max(t, p.int(1) ?? t)), thickness: t, white: p.letter(3) == UInt8(ascii: "W"))
        case "GD":
            let t = max(1, p.int(2) ?? 1)
            let o = p.letter(4)
            field.element = .diagonal(width: clamp(max(t, p.int(0) ?? t)), height: clamp(max(t, p.int(1) ?? t)), thickness: t, white: p.letter(3) == UInt8(ascii: "W"), leftLeaning: o == UInt8(ascii: "L") || o == UInt8(ascii: "\\"))
        case "GF":
            // Formats read only for their settings need not decode their graphics.
            guard drawing else { return }
            do { field.element = .graphic(try ZPLPreviewGraphic.field(command.parameters)) } catch { note("\(command.name) at byte \(command.offset): \(error.reason); the graphic is left out") }
        case "XG", "IM":
            let parts = ZPLPreviewParameters(command.parameters)
            field.element = .recall(name: ZPLPreviewMemory.objectName(parts.raw(0) ?? [], defaultExtension: "GRF"), mx: min(10, max(1, parts.int(1) ?? 1)), my: min(10, max(1, parts.int(2) ?? 1)))
        case "XF":
            let name = ZPLPreviewMemory.objectName(command.parameters, defaultExtension: "ZPL")
            guard let stored = memory.formats[name] else {
                return note("^XF at byte \(command.offset) recalls \(name), which was not stored (^DF) before it; its fields are missing")
            }
            let outer = inStoredFormat
            inStoredFormat = true
            run(stored)
            inStoredFormat = outer
        case "DG", "ID", "EG": memory.host(command)
        case "DF": break
        case "MU":
            if let unit = p.letter(0), unit != UInt8(ascii: "D") { note("^MU at byte \(command.offset) changes units to \(Character(UnicodeScalar(unit))); the preview counts dots") }
        default:
            if Self.ignored.contains(command.code) { return }
            if command.code.hasPrefix("B") {
                field.element = .unsupportedBarcode(command.name)
                return
            }
            note("\(command.name) at byte \(command.offset) is not interpreted by the preview")
        }
    }

    mutating func font(_ command: ZPLPreviewCommand) {
        var raw = command.parameters
        guard let name = raw.popFirst() else { return }
        let p = ZPLPreviewParameters(raw)
        let letter = name >= 0x61 && name <= 0x7A ? name - 0x20 : name
        var font = ZPLPreviewFont(name: letter, height: min(32_000, p.int(1) ?? defaultFont.height), width: min(32_000, max(0, p.int(2) ?? 0)))
        if letter == UInt8(ascii: "@") {
            font.name = UInt8(ascii: "0")
            note("^A@ at byte \(command.offset) names a downloaded font; it is drawn as font 0")
        } else if !font.isKnown {
            note("font \(Character(UnicodeScalar(letter))) (^A at byte \(command.offset)) is drawn as font 0")
            font.name = UInt8(ascii: "0")
        }
        if font.height <= 0 { font.height = defaultFont.height }
        field.font = font
        field.rotation = p.letter(0).flatMap(Self.rotation)
    }

    static func rotation(_ letter: UInt8) -> Rotation? {
        switch letter {
        case UInt8(ascii: "N"): .normal
        case UInt8(ascii: "R"): .clockwise90
        case UInt8(ascii: "I"): .upsideDown
        case UInt8(ascii: "B"): .clockwise270
        default: nil
        }
    }

    /// Text of field data in the format's character set (UTF-8 with ^CI28, else Latin-1).
    func text(_ bytes: [UInt8]) -> String {
        memory.utf8 ? String(decoding: bytes, as: UTF8.self) : String(String.UnicodeScalarView(bytes.map { UnicodeScalar($0) }))
    }
}
