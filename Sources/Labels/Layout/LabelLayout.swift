/// One label or page, laid out in printer dots: what every renderer (ZPL, PDF, PNG) draws.
public struct LabelLayout: Hashable, Sendable {
    /// The paper size.
    public var size: LabelSize
    /// The printer resolution the dots are counted in.
    public var density: PrinterDensity
    /// What is drawn, in order (later elements on top).
    public var elements: [LabelElement]
    /// How many copies the printer makes (ZPL ^PQ).
    public var copies: Int

    /// Creates a layout.
    public init(size: LabelSize, density: PrinterDensity, elements: [LabelElement] = [], copies: Int = 1) {
        self.size = size
        self.density = density
        self.elements = elements
        self.copies = copies
    }

    /// Width in dots (ZPL ^PW).
    public var widthDots: Int { Int(size.widthMM * Double(density.dotsPerMM) + 0.01) }
    /// Length in dots (ZPL ^LL).
    public var heightDots: Int { Int(size.heightMM * Double(density.dotsPerMM) + 0.01) }
}

/// A rectangle in printer dots, origin top left.
public struct DotRect: Hashable, Sendable {
    /// Left edge.
    public var x: Int
    /// Top edge.
    public var y: Int
    /// Width.
    public var width: Int
    /// Height.
    public var height: Int

    /// Creates a rectangle.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// Something drawn on a label.
public enum LabelElement: Hashable, Sendable {
    /// Text in a box.
    case text(TextBlock)
    /// A rectangle outline, a filled bar or a line (a box as thick as it is high).
    case box(BoxShape)
    /// A barcode.
    case barcode(BarcodeBlock)
    /// A monochrome image (a logo, a carrier's PNG).
    case image(ImageBlock)

    /// The text block, if this is text.
    public var textBlock: TextBlock? { if case .text(let t) = self { t } else { nil } }
}

/// Quarter-turn rotations, clockwise, as label printers support them.
public enum Rotation: Int, Hashable, Sendable, CaseIterable {
    case normal = 0, clockwise90 = 90, upsideDown = 180, clockwise270 = 270

    /// Whether the turn is 90° or 270° (the box's width and height swap roles).
    public var isQuarterTurn: Bool { self == .clockwise90 || self == .clockwise270 }

    /// The ZPL orientation letter: N, R, I or B.
    public var zplLetter: UInt8 {
        switch self {
        case .normal: UInt8(ascii: "N")
        case .clockwise90: UInt8(ascii: "R")
        case .upsideDown: UInt8(ascii: "I")
        case .clockwise270: UInt8(ascii: "B")
        }
    }
}

/// Text placed in a box.
public struct TextBlock: Hashable, Sendable {
    /// How text that does not fit is handled.
    public enum Fit: Hashable, Sendable {
        /// Wrap at the box width, at most `maxLines` lines; the rest is cut.
        case wrap(maxLines: Int)
        /// One line, made smaller until it fits the width (not below half the size).
        case shrink
    }

    /// Horizontal alignment in the box.
    public enum Alignment: String, Hashable, Sendable, CaseIterable { case left, center, right }

    /// The box, in dots, before rotation.
    public var frame: DotRect
    /// The text; `\n` starts a new line.
    public var text: String
    /// Cap height of the font in dots.
    public var fontHeight: Int
    /// Bold weight (PDF/PNG; resident ZPL font 0 is always bold).
    public var bold: Bool
    /// Alignment in the box.
    public var alignment: Alignment
    /// Wrap or shrink.
    public var fit: Fit
    /// White on black.
    public var inverted: Bool
    /// Quarter-turn rotation about the box's top left corner.
    public var rotation: Rotation

    /// Creates a text block.
    public init(frame: DotRect, text: String, fontHeight: Int, bold: Bool = false, alignment: Alignment = .left, fit: Fit = .wrap(maxLines: 1), inverted: Bool = false, rotation: Rotation = .normal) {
        self.frame = frame
        self.text = text
        self.fontHeight = fontHeight
        self.bold = bold
        self.alignment = alignment
        self.fit = fit
        self.inverted = inverted
        self.rotation = rotation
    }

    /// The number of lines the box can show.
    public var lineCapacity: Int {
        switch fit {
        case .shrink: 1
        case .wrap(let maxLines): max(1, min(maxLines, frame.height / max(1, fontHeight)))
        }
    }
}

/// A rectangle: outlined with `thickness`, or filled when `thickness` reaches half its smaller side.
public struct BoxShape: Hashable, Sendable {
    /// Where.
    public var frame: DotRect
    /// Border thickness in dots.
    public var thickness: Int

    /// Creates a box.
    public init(frame: DotRect, thickness: Int) {
        self.frame = frame
        self.thickness = thickness
    }

    /// Whether the box is drawn solid.
    public var isFilled: Bool { thickness * 2 >= min(frame.width, frame.height) }
}

/// A barcode with its data and module size in dots.
public struct BarcodeBlock: Hashable, Sendable {
    /// The barcode types the layout supports.
    public enum Symbology: String, Hashable, Sendable, CaseIterable {
        case code128, gs1_128, qr, datamatrix, gs1_datamatrix, pdf417, maxicode

        /// Whether the data is a GS1 element string, written `(AI)value…`.
        public var isGS1: Bool { self == .gs1_128 || self == .gs1_datamatrix }
        /// Whether it is a one-dimensional (linear) symbol with a bar height.
        public var isLinear: Bool { self == .code128 || self == .gs1_128 }
    }

    /// Where: origin at top left; width is the space allowed, height the bar height of linear symbols.
    public var frame: DotRect
    /// What kind.
    public var symbology: Symbology
    /// The data: plain text, or for GS1 symbologies the bracketed form `(00)…(420)…`.
    public var data: String
    /// Narrow bar / module size in whole dots, so every bar edge falls on a dot of the head.
    public var moduleDots: Int
    /// Print the human-readable line under linear symbols.
    public var humanReadable: Bool
    /// Quarter-turn rotation.
    public var rotation: Rotation
    /// MaxiCode only: the mode and, for modes 2 and 3, the primary message (`data` is then the
    /// secondary message). Nil is mode 4 with `data` as the whole message.
    public var maxiCode: MaxiCodeOptions?

    /// Creates a barcode.
    public init(frame: DotRect, symbology: Symbology, data: String, moduleDots: Int, humanReadable: Bool = true, rotation: Rotation = .normal, maxiCode: MaxiCodeOptions? = nil) {
        self.frame = frame
        self.symbology = symbology
        self.data = data
        self.moduleDots = moduleDots
        self.humanReadable = humanReadable
        self.rotation = rotation
        self.maxiCode = maxiCode
    }
}

extension BarcodeBlock {
    /// The human-readable line under a linear barcode drawn with `module`-dot modules: every
    /// renderer (ZPL, the compiled ZPL path, PDF/PNG) places it here.
    public func readableLine(_ text: String, module: Int) -> TextBlock {
        let h = max(12, module * 8)
        return TextBlock(frame: DotRect(x: frame.x, y: frame.y + frame.height + module * 2, width: frame.width, height: h + 2), text: text, fontHeight: h, alignment: .center)
    }
}

/// A monochrome bitmap placed at a point.
public struct ImageBlock: Hashable, Sendable {
    /// Top left corner, in dots.
    public var x: Int
    /// Top edge.
    public var y: Int
    /// The pixels, one per dot.
    public var bitmap: MonoBitmap

    /// Creates an image block.
    public init(x: Int, y: Int, bitmap: MonoBitmap) {
        self.x = x
        self.y = y
        self.bitmap = bitmap
    }
}

/// A 1-bit image, rows packed MSB first, 1 = black (the ZPL ^GF layout).
public struct MonoBitmap: Hashable, Sendable {
    /// Width in pixels (dots).
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Bytes per row: (width + 7) / 8.
    public var bytesPerRow: Int { (width + 7) / 8 }
    /// Packed rows.
    public var bytes: [UInt8]

    /// A white bitmap.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        self.bytes = [UInt8](repeating: 0, count: (width + 7) / 8 * height)
    }

    /// A bitmap from packed rows; nil when the byte count does not match.
    public init?(width: Int, height: Int, bytes: [UInt8]) {
        guard width > 0, height > 0, bytes.count == (width + 7) / 8 * height else { return nil }
        self.width = width
        self.height = height
        self.bytes = bytes
    }

    /// Whether the pixel is black.
    public subscript(x: Int, y: Int) -> Bool {
        get { bytes[y * bytesPerRow + x >> 3] & (0x80 >> UInt8(x & 7)) != 0 }
        set {
            let i = y * bytesPerRow + x >> 3
            if newValue { bytes[i] |= 0x80 >> UInt8(x & 7) } else { bytes[i] &= ~(0x80 >> UInt8(x & 7)) }
        }
    }

    /// Number of black pixels (tests use it to see that something was drawn).
    public var blackCount: Int { bytes.reduce(0) { $0 + $1.nonzeroBitCount } }
}
