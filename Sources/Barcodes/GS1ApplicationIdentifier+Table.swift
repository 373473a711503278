extension GS1ApplicationIdentifier {
    /// The AI definitions with a direct index from AI digits to definition, built once on first use.
    struct Table: Sendable {
        let entries: [GS1ApplicationIdentifier]
        /// Slot per 2-, 3- and 4-digit code (see `offset`); -1 where no AI is defined.
        let index: [Int16]

        /// Where the codes of one AI length start in `index`.
        @inline(__always)
        static func offset(length: Int) -> Int {
            switch length {
            case 2: 0
            case 3: 100
            default: 1100
            }
        }
    }

    static let table: Table = {
        var entries: [GS1ApplicationIdentifier] = []
        for row in definitions {
            entries.append(GS1ApplicationIdentifier(ai: row.ai, title: row.title, format: row.format, decimals: nil, unit: nil))
        }
        for family in decimalFamilies {
            for decimals in family.decimals {
                entries.append(
                    GS1ApplicationIdentifier(
                        ai: family.prefix + String(decimals), title: family.title, format: family.format,
                        decimals: decimals, unit: family.unit.isEmpty ? nil : family.unit
                    )
                )
            }
        }
        entries.sort { $0.ai < $1.ai }
        var index = [Int16](repeating: -1, count: 11_100)
        for (slot, entry) in entries.enumerated() {
            let digits = entry.ai.utf8.count
            index[Table.offset(length: digits) + Int(entry.ai)!] = Int16(slot)
        }
        return Table(entries: entries, index: index)
    }()

    /// Builds a definition from its table row.
    private init(ai: String, title: String, format: String, decimals: Int?, unit: String?) {
        self.ai = ai
        self.title = title
        self.format = format
        self.decimals = decimals
        self.unit = unit
        self.components = format.split(separator: "+").map(Self.component)
        self.minimumLength = components.reduce(0) { $0 + $1.minimum }
        self.maximumLength = components.reduce(0) { $0 + $1.maximum }
        self.rules = Self.rules(for: ai)
        // GS1 General Specifications figure 7.8.5-2: these AI prefixes never take a separator.
        let prefix = Int(ai.prefix(2))!
        self.hasPredefinedLength = prefix <= 4 || (11...20).contains(prefix) || (31...36).contains(prefix) || prefix == 41
    }

    /// Parses one format component: `N14`, `X..20`, `[N..12]`, `[-]`.
    private static func component(_ text: Substring) -> Component {
        var text = text
        let optional = text.hasPrefix("[")
        if optional { text = text.dropFirst().dropLast() }
        let kind: CharacterKind
        switch text.first {
        case "N": kind = .numeric
        case "X": kind = .set82
        case "Y": kind = .set39
        case "Z": kind = .set64
        default: return Component(kind: .minus, minimum: 0, maximum: 1)
        }
        let length = text.dropFirst()
        if length.hasPrefix("..") {
            return Component(kind: kind, minimum: optional ? 0 : 1, maximum: Int(length.dropFirst(2))!)
        }
        let fixed = Int(length)!
        return Component(kind: kind, minimum: optional ? 0 : fixed, maximum: fixed)
    }

    /// The rules beyond character sets that GS1 sets for an AI (check digits, dates, times).
    private static func rules(for ai: String) -> [Rule] {
        switch ai {
        case "00", "8017", "8018": [.checkDigit(start: 0, end: 18)]
        case "01", "02", "03", "8006", "8026": [.checkDigit(start: 0, end: 14)]
        case "253", "255", "410", "411", "412", "413", "414", "415", "416", "417": [.checkDigit(start: 0, end: 13)]
        case "402": [.checkDigit(start: 0, end: 17)]
        case "8003": [.zero(position: 0), .checkDigit(start: 1, end: 14)]
        case "11", "12", "13", "15", "16", "17": [.date(start: 0, zeroDay: true)]
        case "4326", "7006": [.date(start: 0, zeroDay: false)]
        case "7007": [.date(start: 0, zeroDay: false), .date(start: 6, zeroDay: false)]
        case "7003", "7011": [.date(start: 0, zeroDay: false), .hour(start: 6), .minute(start: 8)]
        case "4324", "4325": [.date(start: 0, zeroDay: true), .hour(start: 6), .minute(start: 8)]
        case "8008": [.date(start: 0, zeroDay: false), .hour(start: 6), .minute(start: 8), .minute(start: 10)]
        case "7250": [.fullDate(start: 0)]
        case "7251": [.fullDate(start: 0), .hour(start: 8), .minute(start: 10)]
        case "4321", "4322", "4323": [.flag(position: 0)]
        case "423", "425": [.countryCodes]
        default: []
        }
    }
}
