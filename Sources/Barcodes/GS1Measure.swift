/// A variable measure from AIs 31nn–36nn: weight, length, area or volume, with the decimal point placed by the AI's last digit.
public struct GS1Measure: Hashable, Sendable, CustomStringConvertible {
    /// The AI, e.g. `3103`.
    public let ai: String
    /// The GS1 data title, e.g. `NET WEIGHT (kg)` or `GROSS WEIGHT (kg)`.
    public let title: String
    /// The unit, e.g. `kg`, `m²`, `lb`.
    public let unit: String
    /// The six digits as an integer, before the decimal point is placed (`1234` for `001234`).
    public let integerValue: Int
    /// How many of the digits are decimals.
    public let decimals: Int

    /// Reads a measure element; nil if the AI is not a 31nn–36nn measure or the value is not six digits.
    public init?(_ element: GS1Element) {
        guard let ai = GS1ApplicationIdentifier.lookup(element.ai), let unit = ai.unit, let decimals = ai.decimals,
            element.value.utf8.count == 6, let integerValue = Int(element.value)
        else { return nil }
        self.ai = element.ai
        self.title = ai.title
        self.unit = unit
        self.integerValue = integerValue
        self.decimals = decimals
    }

    /// The measure as a floating-point number (`1.234` for AI 3103 with `001234`).
    public var value: Double {
        var divisor = 1.0
        for _ in 0..<decimals { divisor *= 10 }
        return Double(integerValue) / divisor
    }

    /// The exact decimal text, `1.234`, without floating-point rounding.
    public var decimalText: String {
        var digits = String(integerValue)
        guard decimals > 0 else { return digits }
        while digits.count <= decimals { digits = "0" + digits }
        digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        return digits
    }

    /// `1.234 kg`.
    public var description: String { "\(decimalText) \(unit)" }
}
