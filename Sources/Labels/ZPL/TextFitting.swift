/// Estimates of how much text a box holds, shared by renderers: bounded field sizes keep a
/// 10 kB address from producing a 10 kB field, and shrink-to-fit works without font metrics.
public enum TextFitting {
    /// Average advance of the resident font relative to its height.
    public static let averageAdvance = 0.55

    /// The text cut to what the box can possibly show (never mid-character).
    public static func visiblePrefix(_ text: String, block: TextBlock) -> String {
        let perLine = max(1, Int(Double(block.frame.width) / (Double(max(1, block.fontHeight)) * 0.3)))
        let limit = perLine * block.lineCapacity + block.lineCapacity
        if text.utf8.count <= limit { return text }
        return String(text.unicodeScalars.prefix(limit))
    }

    /// The font height at which one line of `text` fits the width (not below half the size).
    public static func shrunkHeight(_ text: String, block: TextBlock) -> Int {
        let count = max(1, text.unicodeScalars.count)
        let fit = Int(Double(block.frame.width) / (Double(count) * averageAdvance))
        return max(block.fontHeight / 2, min(block.fontHeight, fit))
    }
}
