extension GS1ElementString {
    /// The longest GS1 data any symbol holds (QR Code, numeric mode); longer input is rejected before parsing.
    public static let maximumLength = 7089

    /// Parses a GS1 element string, GS (FNC1) separated as scanners send it or in the human-readable `(01)…(10)…` form.
    ///
    /// A leading GS (FNC1 in first position) is ignored. `currentYear` resolves the century of YYMMDD dates.
    public init(parsing text: some StringProtocol, currentYear: Int = GS1Date.currentYear) throws(GS1Error) {
        let result = ByteText.withBytes(text) { bytes in
            GS1ElementString.parse(bytes, 0, bytes.count, currentYear: currentYear)
        }
        self = try result.get()
    }

    /// Parses `bytes[start..<end]` in whichever form it is written; `currentYear` nil means the system clock.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, currentYear: Int?
    ) -> Result<GS1ElementString, GS1Error> {
        guard end - start <= maximumLength else {
            return .failure(GS1Error("GS1 data has \(end - start) characters; no barcode holds more than \(maximumLength)"))
        }
        if start < end && bytes[start] == UInt8(ascii: "(") {
            return parseBracketed(bytes, start, end, currentYear: currentYear)
        }
        return parseSeparated(bytes, start, end, currentYear: currentYear)
    }

    /// Parses the transmitted form: predefined-length AIs run into the next AI, all others end at GS or the end.
    static func parseSeparated(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, currentYear: Int?
    ) -> Result<GS1ElementString, GS1Error> {
        var elements: [GS1Element] = []
        elements.reserveCapacity(4)
        var index = start
        while index < end {
            // A leading GS is FNC1 in first position; doubled separators carry no meaning either.
            if bytes[index] == ByteText.groupSeparator {
                index += 1
                continue
            }
            guard let ai = GS1ApplicationIdentifier.match(bytes, index, end) else {
                return .failure(GS1Error(unknownAI(bytes, index, end, after: elements.last?.ai)))
            }
            let valueStart = index + ai.ai.utf8.count
            // Fixed-length AIs outside the predefined list should be followed by GS, but encoders omit it and the length is unambiguous.
            let limit = ai.isFixedLength ? min(end, valueStart + ai.maximumLength) : end
            var valueEnd = valueStart
            while valueEnd < limit && bytes[valueEnd] != ByteText.groupSeparator { valueEnd += 1 }
            if let reason = problem(in: bytes, valueStart, valueEnd, for: ai, currentYear: currentYear) {
                return .failure(GS1Error("AI (\(ai.ai)): \(reason)"))
            }
            elements.append(GS1Element(ai: ai.ai, value: ByteText.string(bytes, valueStart, valueEnd)))
            index = valueEnd
        }
        guard !elements.isEmpty else { return .failure(GS1Error("GS1 data is empty")) }
        return .success(GS1ElementString(elements))
    }

    /// Parses the human-readable form `(01)09506000134352(10)ABC`; a value runs to the next `(AI)` or the end.
    static func parseBracketed(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, currentYear: Int?
    ) -> Result<GS1ElementString, GS1Error> {
        var elements: [GS1Element] = []
        elements.reserveCapacity(4)
        var index = start
        while index < end {
            guard let (ai, valueStart) = bracketedAI(bytes, index, end) else {
                if bytes[index] == UInt8(ascii: "("), let close = closingParenthesis(bytes, index, end) {
                    return .failure(GS1Error("unknown AI (\(ByteText.string(bytes, index + 1, close)))"))
                }
                return .failure(GS1Error("expected \"(\" and an AI at position \(index - start + 1)"))
            }
            // Values may contain parentheses (set 82), so only "(" with 2-4 digits and ")" ends one;
            // an unknown AI there is reported rather than swallowed into the value.
            var valueEnd = valueStart
            while valueEnd < end {
                if bytes[valueEnd] == UInt8(ascii: "("), closingParenthesis(bytes, valueEnd, end) != nil { break }
                valueEnd += 1
            }
            if let reason = problem(in: bytes, valueStart, valueEnd, for: ai, currentYear: currentYear) {
                return .failure(GS1Error("AI (\(ai.ai)): \(reason)"))
            }
            elements.append(GS1Element(ai: ai.ai, value: ByteText.string(bytes, valueStart, valueEnd)))
            index = valueEnd
        }
        guard !elements.isEmpty else { return .failure(GS1Error("GS1 data is empty")) }
        return .success(GS1ElementString(elements))
    }

    /// The known AI written as `(AI)` at `index`, and where its value starts.
    static func bracketedAI(
        _ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int
    ) -> (GS1ApplicationIdentifier, Int)? {
        guard bytes[index] == UInt8(ascii: "("), let close = closingParenthesis(bytes, index, end),
            let ai = GS1ApplicationIdentifier.match(bytes, index + 1, close), ai.ai.utf8.count == close - index - 1
        else { return nil }
        return (ai, close + 1)
    }

    /// The `)` that closes 2 to 4 digits after the `(` at `index`.
    private static func closingParenthesis(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int) -> Int? {
        var close = index + 1
        while close < end && close <= index + 4 && ByteText.isDigit(bytes[close]) { close += 1 }
        guard close < end, bytes[close] == UInt8(ascii: ")"), close - index - 1 >= 2 else { return nil }
        return close
    }

    /// The message for data that does not start with a known AI, quoting a few characters of it.
    private static func unknownAI(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int, after previous: String?) -> String {
        var stop = index
        while stop < end && stop < index + 4 && bytes[stop] < 0x80 && bytes[stop] != ByteText.groupSeparator { stop += 1 }
        let shown = stop > index ? "\"\(ByteText.string(bytes, index, stop))\"" : ByteText.quote(bytes, at: index)
        let place = previous.map { "after AI (\($0))" } ?? "at the start"
        return "no known AI at \(shown) \(place)"
    }
}
