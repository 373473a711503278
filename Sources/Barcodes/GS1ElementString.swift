/// One GS1 element: an application identifier and its value.
public struct GS1Element: Hashable, Sendable {
    /// The application identifier, e.g. `01`, `10`, `3103`.
    public let ai: String
    /// The value, without separators.
    public let value: String

    /// Creates an element.
    public init(ai: String, value: String) {
        self.ai = ai
        self.value = value
    }
}

/// A GS1 element string: the elements in the order they were encoded.
public struct GS1ElementString: Hashable, Sendable {
    /// The elements in order.
    public var elements: [GS1Element]

    /// Creates an element string.
    public init(_ elements: [GS1Element] = []) { self.elements = elements }

    /// The value of the first element with this AI.
    public subscript(ai: String) -> String? { elements.first { $0.ai == ai }?.value }
}

extension GS1ElementString: CustomStringConvertible {
    /// The human-readable form, `(01)09506000134352(10)ABC123`.
    public var description: String {
        elements.reduce(into: "") { text, element in text += "(\(element.ai))\(element.value)" }
    }

    /// The form a scanner transmits: GS after every element whose AI has no predefined length, except the last.
    public var transmitted: String {
        var text = ""
        for (number, element) in elements.enumerated() {
            text += element.ai + element.value
            let predefined = GS1ApplicationIdentifier.lookup(element.ai)?.hasPredefinedLength ?? false
            if !predefined && number < elements.count - 1 { text += "\u{1D}" }
        }
        return text
    }

    /// AI 01 as a GTIN, if present and valid.
    public var gtin: GTIN? { self["01"].flatMap { GTIN($0) } }

    /// AI 00, the 18-digit SSCC, if present.
    public var sscc: String? { self["00"] }

    /// The date in a YYMMDD AI (11, 12, 13, 15, 16, 17, 7006 …), with the century resolved against `currentYear`.
    public func date(for ai: String, currentYear: Int = GS1Date.currentYear) -> GS1Date? {
        self[ai].flatMap { GS1Date(yymmdd: $0.prefix(6), currentYear: currentYear) }
    }

    /// The variable measure for a full AI (`"3103"`) or for its first three digits (`"310"`, whatever the decimals).
    public func measure(for ai: String) -> GS1Measure? {
        let element = ai.utf8.count == 3 ? elements.first { $0.ai.hasPrefix(ai) && $0.ai.utf8.count == 4 } : elements.first { $0.ai == ai }
        return element.flatMap(GS1Measure.init)
    }

    /// Every variable measure (31nn–36nn) in the order encoded.
    public var measures: [GS1Measure] { elements.compactMap(GS1Measure.init) }
}
