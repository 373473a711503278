/// Code 128 encoding with the fewest symbol characters: chooses subset B or C (digit pairs) per
/// stretch of data, as a printer's "automatic" mode would, but deterministically and with the
/// symbol's width known in advance so it can be fitted to its box at whole-dot module widths.
public struct Code128: Hashable, Sendable {
    /// One thing to encode.
    public enum Item: Hashable, Sendable {
        /// FNC1: GS1 start marker and the separator after variable-length AIs.
        case fnc1
        /// A printable ASCII character (0x20–0x7E).
        case character(UInt8)
    }

    /// The subsets used: B (printable ASCII) and C (digit pairs).
    public enum Subset: Hashable, Sendable { case b, c }

    /// A run of items encoded in one subset.
    public struct Run: Hashable, Sendable {
        /// The subset in force.
        public var subset: Subset
        /// The items of the run.
        public var items: [Item]
    }

    /// The runs in order; the first one's subset is the start character.
    public let runs: [Run]

    /// Symbol characters including start, subset switches, check and stop.
    public var symbolCharacters: Int {
        var count = 2  // start + check
        for (i, run) in runs.enumerated() {
            if i > 0 { count += 1 }
            let fnc1s = run.items.reduce(0) { $0 + ($1 == .fnc1 ? 1 : 0) }
            count += run.subset == .b ? run.items.count : fnc1s + (run.items.count - fnc1s) / 2
        }
        return count + 1  // stop
    }

    /// Width in modules, without quiet zones: 11 per character, 13 for the stop.
    public var modules: Int { symbolCharacters * 11 + 2 }

    /// Encodes plain text; fails on characters Code 128 subset B cannot carry (control
    /// characters, non-ASCII) and on `^` and `~`, which ZPL printers cannot take in ^BC data.
    public init(text: String) throws(LabelError) {
        var items: [Item] = []
        for byte in text.utf8 {
            guard byte >= 0x20, byte < 0x7F, byte != 0x5E, byte != 0x7E else {
                throw LabelError(code: "barcode.code128_character", message: "Code 128 cannot carry '\(Self.show(byte))' in \"\(text.prefix(60))\"; only printable ASCII without ^ and ~ is allowed.")
            }
            items.append(.character(byte))
        }
        guard !items.isEmpty else { throw LabelError(code: "barcode.empty", message: "A Code 128 barcode needs data; the field is empty.") }
        self.init(items: items)
    }

    /// Encodes GS1 data (already validated): FNC1 first, then each AI and value, FNC1 after
    /// every value whose AI has no predefined length (`transmitted` uses GS for those).
    public init(gs1Transmitted: String) {
        var items: [Item] = [.fnc1]
        for byte in gs1Transmitted.utf8 { items.append(byte == 0x1D ? .fnc1 : .character(byte)) }
        self.init(items: items)
    }

    /// Chooses subsets by dynamic programming over (position, subset) with cost in symbol characters.
    public init(items: [Item]) {
        let n = items.count
        func isDigit(_ i: Int) -> Bool { if case .character(let c) = items[i] { return c >= 48 && c <= 57 } else { return false } }
        // cost[i][s]: fewest characters to encode items[i...] when subset s is in force at i.
        let inf = Int.max / 4
        // Flat tables, index 2 * position + subset (0 = B, 1 = C).
        var cost = [Int](repeating: inf, count: 2 * (n + 1))
        var step = [Int](repeating: 0, count: 2 * (n + 1))
        cost[2 * n] = 0
        cost[2 * n + 1] = 0
        for i in stride(from: n - 1, through: 0, by: -1) {
            // Subset B: one item per character.
            cost[2 * i] = 1 + min(cost[2 * i + 2], 1 + cost[2 * i + 3])
            step[2 * i] = 1
            // Subset C: a digit pair or FNC1.
            if items[i] == .fnc1 {
                cost[2 * i + 1] = 1 + min(cost[2 * i + 3], 1 + cost[2 * i + 2])
                step[2 * i + 1] = 1
            } else if i + 1 < n, isDigit(i), isDigit(i + 1) {
                cost[2 * i + 1] = 1 + min(cost[2 * i + 5], 1 + cost[2 * i + 4])
                step[2 * i + 1] = 2
            }
        }
        var subset = cost[1] < cost[0] ? 1 : 0
        var runs: [Run] = []
        var i = 0
        while i < n {
            let s: Subset = subset == 0 ? .b : .c
            if runs.last?.subset != s { runs.append(Run(subset: s, items: [])) }
            let k = step[2 * i + subset]
            runs[runs.count - 1].items += items[i..<(i + k)]
            i += k
            guard i < n else { break }
            // Stay unless switching is strictly cheaper from here.
            let other = 1 - subset
            if cost[2 * i + other] + 1 < cost[2 * i + subset] { subset = other }
        }
        self.runs = runs
    }

    /// Appends the ZPL `^BC` field data with invocation codes: `>:` start B, `>;` start C,
    /// `>5` to C, `>6` C to B, `>8` FNC1, `><` for `>`; other bytes escaped for ^FH.
    public func appendZPL(to out: inout [UInt8]) {
        for (index, run) in runs.enumerated() {
            switch (index, run.subset) {
            case (0, .b): out.append(ascii: ">:")
            case (0, .c): out.append(ascii: ">;")
            case (_, .b): out.append(ascii: ">6")
            case (_, .c): out.append(ascii: ">5")
            }
            for item in run.items {
                switch item {
                case .fnc1: out.append(ascii: ">8")
                case .character(UInt8(ascii: ">")): out.append(ascii: "><")
                case .character(let c):
                    if ZPLEscape.needsEscape(c) {
                        var b = c
                        withUnsafePointer(to: &b) { ZPLEscape.appendEscaped(bytes: UnsafeBufferPointer(start: $0, count: 1), to: &out) }
                    } else {
                        out.append(c)
                    }
                }
            }
        }
    }

    static func show(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "0x" + String(byte, radix: 16, uppercase: true)
    }
}
