/// The physical size of a label or slip, in millimetres.
public struct LabelSize: Hashable, Sendable, CustomStringConvertible {
    /// Width across the print head, in mm.
    public var widthMM: Double
    /// Length along the feed, in mm.
    public var heightMM: Double

    /// Creates a size in millimetres.
    public init(widthMM: Double, heightMM: Double) {
        self.widthMM = widthMM
        self.heightMM = heightMM
    }

    /// 4 × 6 in, the common shipping label.
    public static let inches4x6 = LabelSize(widthMM: 101.6, heightMM: 152.4)
    /// 4 × 4 in.
    public static let inches4x4 = LabelSize(widthMM: 101.6, heightMM: 101.6)
    /// 100 × 150 mm, the European shipping label.
    public static let mm100x150 = LabelSize(widthMM: 100, heightMM: 150)
    /// 2 × 1 in, a product or bin label.
    public static let inches2x1 = LabelSize(widthMM: 50.8, heightMM: 25.4)
    /// ISO A4 paper for packing slips.
    public static let a4 = LabelSize(widthMM: 210, heightMM: 297)
    /// US Letter paper for packing slips.
    public static let letter = LabelSize(widthMM: 215.9, heightMM: 279.4)

    /// The sizes a template may name, by the name it uses.
    public static let named: [(name: String, size: LabelSize)] = [
        ("4x6", .inches4x6), ("4x4", .inches4x4), ("100x150mm", .mm100x150),
        ("2x1", .inches2x1), ("a4", .a4), ("letter", .letter),
    ]

    /// The size with this name (`4x6`, `a4`, …), if there is one.
    public static func named(_ name: String) -> LabelSize? {
        named.first { $0.name == name.lowercased() }?.size
    }

    public var description: String {
        LabelSize.named.first { $0.size == self }?.name ?? "\(widthMM)x\(heightMM)mm"
    }
}

/// A printer's resolution. Zebra heads at "203 dpi" are exactly 8 dots/mm, 300 dpi are 12, 600 dpi 24.
public struct PrinterDensity: Hashable, Sendable, CustomStringConvertible {
    /// Dots per inch as printers are sold (203, 300, 600).
    public let dpi: Int
    /// Dots per millimetre, as the head is really built.
    public let dotsPerMM: Int

    /// The densities label printers come in.
    public static let supported: [PrinterDensity] = [.dpi203, .dpi300, .dpi600]
    /// 203 dpi (8 dots/mm).
    public static let dpi203 = PrinterDensity(dpi: 203, dotsPerMM: 8)
    /// 300 dpi (12 dots/mm).
    public static let dpi300 = PrinterDensity(dpi: 300, dotsPerMM: 12)
    /// 600 dpi (24 dots/mm).
    public static let dpi600 = PrinterDensity(dpi: 600, dotsPerMM: 24)

    private init(dpi: Int, dotsPerMM: Int) {
        self.dpi = dpi
        self.dotsPerMM = dotsPerMM
    }

    /// The density for a dpi value, or nil when no printer is built that way.
    public init?(dpi: Int) {
        guard let known = PrinterDensity.supported.first(where: { $0.dpi == dpi }) else { return nil }
        self = known
    }

    /// Millimetres to whole dots, rounded.
    @inlinable public func dots(_ mm: Double) -> Int { Int((mm * Double(dotsPerMM)).rounded()) }

    /// Dots to PDF points (1/72 in), using the head's true pitch.
    @inlinable public func points(_ dots: Int) -> Double { Double(dots) / Double(dotsPerMM) * 72 / 25.4 }

    public var description: String { "\(dpi) dpi" }
}
