/// Draws a text block into a bitmap, for text the printer's resident font cannot show.
/// The graphics adapter implements it with the same drawing code as the PDF and PNG output.
public protocol TextRasterizer: Sendable {
    /// The text block rendered black on white, `block.frame.width × block.frame.height` dots
    /// (before rotation), or nil when it cannot be drawn.
    func rasterize(_ block: TextBlock) -> MonoBitmap?
}

/// The Unicode characters a printer's resident scalable font (ZPL font 0 with ^CI28) shows.
public struct ResidentFontCoverage: Hashable, Sendable {
    /// Covered scalar ranges.
    public var ranges: [ClosedRange<UInt32>]

    /// Creates a coverage table.
    public init(ranges: [ClosedRange<UInt32>]) { self.ranges = ranges }

    /// Latin: ASCII, Latin-1, Latin Extended-A (Polish, Czech, Turkish…), typographic quotes and €.
    public static let latin = ResidentFontCoverage(ranges: [0x20...0x7E, 0xA0...0x17F, 0x2010...0x2027, 0x20AC...0x20AC])

    /// Whether every character of `text` is covered (line breaks aside).
    @inlinable public func covers(_ text: String) -> Bool {
        for byte in text.utf8 where byte >= 0x80 {
            // Only non-ASCII text needs the scalar check.
            return text.unicodeScalars.allSatisfy { s in s == "\n" || ranges.contains { $0.contains(s.value) } }
        }
        return true
    }
}
