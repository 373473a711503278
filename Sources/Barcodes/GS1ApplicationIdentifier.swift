/// A GS1 application identifier (AI) from the GS1 General Specifications: its data title, format and length rules.
public struct GS1ApplicationIdentifier: Hashable, Sendable, CustomStringConvertible {
    /// The AI digits, e.g. `01`, `10`, `3103`.
    public let ai: String
    /// The GS1 data title, e.g. `GTIN`, `BATCH/LOT`, `NET WEIGHT (kg)`.
    public let title: String
    /// The value format without the AI digits, in GS1 notation: `N14`, `X..20`, `N13+[X..17]`.
    public let format: String
    /// Whether the AI has a predefined length (GS1 General Specifications figure 7.8.5-2), so no FNC1/GS separator follows it.
    public let hasPredefinedLength: Bool
    /// The shortest valid value.
    public let minimumLength: Int
    /// The longest valid value.
    public let maximumLength: Int
    /// For AIs whose last digit is an implied decimal point position (31nn–36nn, 39nn), that number of decimals.
    public let decimals: Int?
    /// The unit of a variable measure (31nn–36nn), e.g. `kg`, `m²`, `lb`.
    public let unit: String?

    /// The parts of the value in order (most AIs have one).
    let components: [Component]
    /// Rules beyond the character set: check digits, dates, times.
    let rules: [Rule]

    /// Whether every valid value has the same length.
    public var isFixedLength: Bool { minimumLength == maximumLength }

    /// `(01) GTIN`.
    public var description: String { "(\(ai)) \(title)" }

    /// The definition of an AI given as its digits (`"3103"`); nil if GS1 defines no such AI.
    public static func lookup(_ ai: some StringProtocol) -> GS1ApplicationIdentifier? {
        ByteText.withBytes(ai) { bytes in
            guard let found = match(bytes, 0, bytes.count), found.ai.utf8.count == bytes.count else { return nil }
            return found
        }
    }

    /// Every AI GS1 defines, in numeric order.
    public static var all: [GS1ApplicationIdentifier] { table.entries }

    /// The AI that the digits at `bytes[start..<end]` begin with.
    ///
    /// AIs are prefix-free (no AI is the start of another), so trying 2, 3 and 4 digits finds at most one.
    static func match(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> GS1ApplicationIdentifier? {
        let table = Self.table
        var code = 0
        var length = 0
        while length < 4 && start + length < end {
            let digit = bytes[start + length] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            code = code * 10 + Int(digit)
            length += 1
            if length >= 2 {
                let slot = table.index[Table.offset(length: length) + code]
                if slot >= 0 { return table.entries[Int(slot)] }
            }
        }
        return nil
    }

    /// One part of a value: a character set and a length range.
    struct Component: Hashable, Sendable {
        let kind: CharacterKind
        let minimum: Int
        let maximum: Int
    }

    /// The character sets of GS1 General Specifications 7.11 (plus the optional minus sign of AIs 4330–4333).
    enum CharacterKind: Hashable, Sendable {
        case numeric, set82, set39, set64, minus

        var name: String {
            switch self {
            case .numeric: "digits"
            case .set82: "GS1 character set 82"
            case .set39: "GS1 character set 39"
            case .set64: "GS1 character set 64"
            case .minus: "a minus sign"
            }
        }
    }

    /// A rule on the value beyond its characters; positions are offsets into the value.
    enum Rule: Hashable, Sendable {
        /// The digit at `end - 1` is the mod-10 check digit of `start..<end - 1`.
        case checkDigit(start: Int, end: Int)
        /// YYMMDD at `start`; `zeroDay` allows day 00 (end of month).
        case date(start: Int, zeroDay: Bool)
        /// YYYYMMDD at `start`.
        case fullDate(start: Int)
        /// HH at `start`, 00–23, when present.
        case hour(start: Int)
        /// MM or SS at `start`, 00–59, when present.
        case minute(start: Int)
        /// The digit at `position` is 0 or 1.
        case flag(position: Int)
        /// The digit at `position` is 0 (the filler digit of a GRAI).
        case zero(position: Int)
        /// The value is whole groups of three digits (ISO 3166 country codes).
        case countryCodes
    }
}
