/// GS1 Digital Link URIs (`https://id.gs1.org/01/09506000134352/10/ABC?17=201225`) decoded to element strings.
///
/// Any host and any path prefix are accepted: the primary key (`/01/`, `/00/`, `/414/`, … or a short name
/// such as `/gtin/`) starts the GS1 part, key qualifiers follow in the path, and numeric query keys are attributes.
public enum GS1DigitalLink {
    /// Decodes a URI; nil when it is not a Digital Link at all, and an error when it is one that breaks GS1 rules.
    public static func decode(_ uri: some StringProtocol, currentYear: Int = GS1Date.currentYear) throws(GS1Error) -> GS1ElementString? {
        let result = ByteText.withBytes(uri) { decode($0, 0, $0.count, currentYear: currentYear) }
        return try result?.get()
    }

    /// Decodes `bytes[start..<end]`; nil when it is not a Digital Link, so the caller can treat it as text.
    static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, currentYear: Int?
    ) -> Result<GS1ElementString, GS1Error>? {
        guard end - start <= GS1ElementString.maximumLength, let authority = afterScheme(bytes, start, end) else { return nil }
        var pathStart = authority
        while pathStart < end && !isDelimiter(bytes[pathStart]) { pathStart += 1 }
        var pathEnd = pathStart
        while pathEnd < end && bytes[pathEnd] != UInt8(ascii: "?") && bytes[pathEnd] != UInt8(ascii: "#") { pathEnd += 1 }
        let segments = split(bytes, pathStart, pathEnd, on: UInt8(ascii: "/"))

        // The first primary key with a plausible value starts the GS1 part; everything before is the host's prefix.
        var keyIndex = 0
        var primary: (GS1ApplicationIdentifier, [UInt8])?
        while primary == nil && keyIndex + 1 < segments.count {
            if let ai = key(bytes, segments[keyIndex]), primaryKeys.contains(ai.ai),
                let value = try? percentDecoded(bytes, segments[keyIndex + 1]).get(), isPlausible(value, for: ai)
            {
                primary = (ai, value)
            } else {
                keyIndex += 1
            }
        }
        guard let (primaryAI, keyValue) = primary else { return nil }
        var primaryValue = keyValue
        if primaryAI.ai == "01" && primaryValue.count < 14 {
            primaryValue = [UInt8](repeating: UInt8(ascii: "0"), count: 14 - primaryValue.count) + primaryValue
        }
        var pairs: [(GS1ApplicationIdentifier, [UInt8])] = [(primaryAI, primaryValue)]
        var index = keyIndex + 2
        while index < segments.count {
            guard index + 1 < segments.count, let ai = key(bytes, segments[index]) else {
                let segment = ByteText.string(bytes, segments[index].0, segments[index].1)
                return .failure(GS1Error("Digital Link path segment \"\(segment)\" is not an AI with a value"))
            }
            switch percentDecoded(bytes, segments[index + 1]) {
            case .success(let value): pairs.append((ai, value))
            case .failure(let error): return .failure(error)
            }
            index += 2
        }
        if pathEnd < end && bytes[pathEnd] == UInt8(ascii: "?") {
            var queryEnd = pathEnd + 1
            while queryEnd < end && bytes[queryEnd] != UInt8(ascii: "#") { queryEnd += 1 }
            for parameter in split(bytes, pathEnd + 1, queryEnd, on: UInt8(ascii: "&")) {
                var equals = parameter.0
                while equals < parameter.1 && bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                let name = (parameter.0, equals)
                // Non-numeric parameters (linkType, context, utm_…) belong to the resolver, not to GS1 data.
                guard ByteText.allDigits(bytes, name.0, name.1) else { continue }
                guard let ai = key(bytes, name) else {
                    return .failure(GS1Error("unknown AI (\(ByteText.string(bytes, name.0, name.1))) in the Digital Link query"))
                }
                switch percentDecoded(bytes, (min(equals + 1, parameter.1), parameter.1)) {
                case .success(let value): pairs.append((ai, value))
                case .failure(let error): return .failure(error)
                }
            }
        }
        var elements: [GS1Element] = []
        for (ai, value) in pairs {
            let reason = value.withUnsafeBufferPointer { value in
                GS1ElementString.problem(in: value, 0, value.count, for: ai, currentYear: currentYear)
            }
            if let reason { return .failure(GS1Error("AI (\(ai.ai)): \(reason)")) }
            elements.append(GS1Element(ai: ai.ai, value: String(decoding: value, as: UTF8.self)))
        }
        return .success(GS1ElementString(elements))
    }

    /// Where the authority starts after `http://` or `https://` (any letter case); nil for other schemes.
    private static func afterScheme(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        // Most data is not a URI: answer without the loop (which builds an array of schemes).
        guard end - start > 7, bytes[start] | 0x20 == UInt8(ascii: "h") else { return nil }
        for scheme in ["http://", "https://"] {
            let count = scheme.utf8.count
            guard end - start > count else { continue }
            // OR-ing 0x20 lower-cases ASCII letters and leaves ":" and "/" unchanged.
            if zip(scheme.utf8, start..<start + count).allSatisfy({ $0 == bytes[$1] | 0x20 }) { return start + count }
        }
        return nil
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
    }

    /// The non-empty ranges between separators.
    private static func split(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, on separator: UInt8) -> [(Int, Int)] {
        var ranges: [(Int, Int)] = []
        var from = start
        for index in start...end where index == end || bytes[index] == separator {
            if index > from { ranges.append((from, index)) }
            from = index + 1
        }
        return ranges
    }

    /// The AI a path segment or query name stands for: its digits or a Digital Link short name (`gtin`, `lot`, `ser`, …).
    private static func key(_ bytes: UnsafeBufferPointer<UInt8>, _ range: (Int, Int)) -> GS1ApplicationIdentifier? {
        let count = range.1 - range.0
        if count >= 2 && count <= 4 && ByteText.allDigits(bytes, range.0, range.1) {
            let ai = GS1ApplicationIdentifier.match(bytes, range.0, range.1)
            return ai?.ai.utf8.count == count ? ai : nil
        }
        guard count <= 5, let code = shortNames[ByteText.string(bytes, range.0, range.1)] else { return nil }
        return GS1ApplicationIdentifier.lookup(code)
    }

    /// Whether a value could be meant for this primary key, so that unrelated URLs stay text.
    private static func isPlausible(_ value: [UInt8], for ai: GS1ApplicationIdentifier) -> Bool {
        guard !value.isEmpty, value.count <= ai.maximumLength else { return false }
        if ai.ai == "01" { return [8, 12, 13, 14].contains(value.count) && value.allSatisfy(ByteText.isDigit) }
        let numeric = ai.components.first?.kind == .numeric
        return !numeric || value.prefix(ai.components[0].minimum).allSatisfy(ByteText.isDigit)
    }

    /// The bytes of a URI component with `%XX` escapes decoded.
    private static func percentDecoded(_ bytes: UnsafeBufferPointer<UInt8>, _ range: (Int, Int)) -> Result<[UInt8], GS1Error> {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.1 - range.0)
        var index = range.0
        while index < range.1 {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < range.1, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                    let escape = ByteText.string(bytes, index, min(index + 3, range.1))
                    return .failure(GS1Error("broken percent-encoding in the Digital Link at \"\(escape)\""))
                }
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return .success(decoded)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// AIs that can start a Digital Link path (GS1 Digital Link standard, primary keys).
    private static let primaryKeys: Set<String> = [
        "00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010", "8013", "8017", "8018",
    ]

    /// Short names from the GS1 Digital Link standard 1.1 (deprecated in 1.2 but still printed).
    private static let shortNames: [String: String] = [
        "gtin": "01", "itip": "8006", "cpv": "22", "lot": "10", "ser": "21", "gln": "414", "glnx": "254",
        "party": "417", "gsrnp": "8017", "gsrn": "8018", "srin": "8019", "gcn": "255", "sscc": "00",
        "gdti": "253", "ginc": "401", "gsin": "402", "grai": "8003", "giai": "8004", "cpid": "8010",
        "cpsn": "8011", "gmn": "8013", "upui": "235", "refno": "8020",
    ]
}
