extension GS1ElementString {
    /// Why `bytes[start..<end]` is not a valid value for `ai`, or nil when it is.
    ///
    /// The reason does not name the AI; callers prefix "AI (17): " so every message says where it failed.
    static func problem(
        in bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
        for ai: GS1ApplicationIdentifier, currentYear: Int?
    ) -> String? {
        let length = end - start
        if let reason = lengthProblem(length, for: ai) { return reason }
        var position = start
        for (number, component) in ai.components.enumerated() {
            // Only the last component varies in length, so earlier ones take their full size.
            let take = number == ai.components.count - 1 ? end - position : min(component.maximum, end - position)
            if let reason = characterProblem(in: bytes, position, position + take, kind: component.kind, valueStart: start) {
                return reason
            }
            position += take
        }
        for rule in ai.rules {
            if let reason = ruleProblem(rule, in: bytes, start, end, currentYear: currentYear) { return reason }
        }
        return nil
    }

    private static func lengthProblem(_ length: Int, for ai: GS1ApplicationIdentifier) -> String? {
        if length == 0 { return "value is missing" }
        let unit = ai.components.allSatisfy { $0.kind == .numeric } ? "digits" : "characters"
        if ai.isFixedLength && length != ai.maximumLength {
            return "value has \(length) \(unit), expected \(ai.maximumLength)"
        }
        if length < ai.minimumLength { return "value has \(length) \(unit), at least \(ai.minimumLength) required" }
        if length > ai.maximumLength { return "value has \(length) \(unit), at most \(ai.maximumLength) allowed" }
        return nil
    }

    private static func characterProblem(
        in bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
        kind: GS1ApplicationIdentifier.CharacterKind, valueStart: Int
    ) -> String? {
        let allowed: [Bool]
        switch kind {
        case .numeric:
            for index in start..<end where !ByteText.isDigit(bytes[index]) {
                return "\(ByteText.quote(bytes, at: index)) at position \(index - valueStart + 1) is not a digit"
            }
            return nil
        case .minus:
            for index in start..<end where bytes[index] != UInt8(ascii: "-") {
                return "\(ByteText.quote(bytes, at: index)) at position \(index - valueStart + 1) is not a minus sign"
            }
            return nil
        case .set82: allowed = CharacterSets.set82
        case .set39: allowed = CharacterSets.set39
        case .set64: allowed = CharacterSets.set64
        }
        for index in start..<end where !allowed[Int(bytes[index])] {
            return "\(ByteText.quote(bytes, at: index)) at position \(index - valueStart + 1) is not in \(kind.name)"
        }
        return nil
    }

    private static func ruleProblem(
        _ rule: GS1ApplicationIdentifier.Rule, in bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
        currentYear: Int?
    ) -> String? {
        let length = end - start
        switch rule {
        case .checkDigit(let from, let to):
            guard length >= to else { return nil }
            return GS1CheckDigit.problem(in: bytes, start + from, start + to)
        case .date(let at, let zeroDay):
            guard length >= at + 6 else { return nil }
            let year = currentYear ?? GS1Date.currentYear
            if case .failure(let error) = GS1Date.parse(bytes, start + at, zeroDay: zeroDay, currentYear: year) {
                return error.reason
            }
            return nil
        case .fullDate(let at):
            guard length >= at + 8 else { return nil }
            let year = ByteText.number(bytes, start + at, start + at + 4)
            let month = ByteText.number(bytes, start + at + 4, start + at + 6)
            let day = ByteText.number(bytes, start + at + 6, start + at + 8)
            if case .failure(let error) = GS1Date.make(year: year, month: month, day: day, zeroDay: false) {
                return error.reason
            }
            return nil
        case .hour(let at):
            guard length >= at + 2 else { return nil }
            let hour = ByteText.number(bytes, start + at, start + at + 2)
            return hour < 24 ? nil : "hour \(hour) is not an hour"
        case .minute(let at):
            guard length >= at + 2 else { return nil }
            let minute = ByteText.number(bytes, start + at, start + at + 2)
            return minute < 60 ? nil : "\(minute) is not a minute or second"
        case .flag(let position):
            let digit = bytes[start + position]
            return digit == UInt8(ascii: "0") || digit == UInt8(ascii: "1") ? nil : "value must be 0 or 1"
        case .zero(let position):
            return bytes[start + position] == UInt8(ascii: "0") ? nil : "digit \(position + 1) must be 0"
        case .countryCodes:
            return length % 3 == 0 ? nil : "value must be 3-digit country codes"
        }
    }
}

/// The GS1 character sets (GS1 General Specifications 7.11) as lookup tables by byte.
enum CharacterSets {
    /// Set 82: `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
    static let set82 = table(#"!"%&'()*+,-./:;<=>?_"# + digits + upper + lower)
    /// Set 39: `#-/0-9A-Z`.
    static let set39 = table("#-/" + digits + upper)
    /// Set 64 (file-safe base64): `-0-9A-Z_a-z` and `=` padding.
    static let set64 = table("-_=" + digits + upper + lower)

    private static let digits = "0123456789"
    private static let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    private static let lower = "abcdefghijklmnopqrstuvwxyz"

    private static func table(_ characters: String) -> [Bool] {
        var table = [Bool](repeating: false, count: 256)
        for byte in characters.utf8 { table[Int(byte)] = true }
        return table
    }
}
