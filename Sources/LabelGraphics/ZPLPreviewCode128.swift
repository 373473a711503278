import Barcodes
import Labels

/// `^BC` field data as a Zebra printer encodes it: the symbol values (start, data, subset
/// switches, FNC1, check, stop) the invocation codes choose, drawn bar by bar. libzint 2.11
/// picks its own subsets and cannot take them from the data, so Code 128 is drawn here from the
/// standard pattern table; the symbol then has the width the printer gives it.
struct ZPLPreviewCode128: Equatable {
    /// The ^BC modes (parameter m).
    enum Mode: UInt8 { case none = 78, ucc = 85, automatic = 65, gs1 = 68 }  // N, U, A, D

    /// Symbol values from the start character to the stop character (106) inclusive.
    let values: [Int]
    /// The interpretation line: the data characters, without invocation codes.
    let readable: String
    /// Why part of the data was left out (a character the subset cannot carry), for a note.
    let problems: [String]

    /// Width in modules: 11 per character, 13 for the stop.
    var modules: Int { values.count * 11 + 2 }

    init(data: [UInt8], mode: Mode) {
        var encoder = Encoder()
        switch mode {
        case .none: encoder.manual(data)
        case .automatic: encoder.automatic(Self.items(data, gs1: false))
        case .gs1:
            var items: [Code128.Item] = [.fnc1]
            items += Self.items(data.filter { $0 != UInt8(ascii: "(") && $0 != UInt8(ascii: ")") && $0 != 0x20 }, gs1: true)
            encoder.automatic(items)
            encoder.readable = String(decoding: data.filter { $0 != UInt8(ascii: ">") }, as: UTF8.self)
        case .ucc:
            // 19 digits (cut or padded with zeros), then the GS1 mod-10 check digit, in subset C after FNC1.
            var digits = Array(data.filter { $0 >= 48 && $0 <= 57 }.prefix(19))
            digits += [UInt8](repeating: 48, count: 19 - digits.count)
            let check = GS1CheckDigit.compute(for: String(decoding: digits, as: UTF8.self)) ?? 0
            digits.append(UInt8(48 + check))
            encoder.automatic([.fnc1] + digits.map { .character($0) })
        }
        values = encoder.finish()
        readable = encoder.readable
        problems = encoder.problems
    }

    /// Automatic and GS1 data: `>8` is FNC1, `><` and `>0` a `>`, other invocation codes dropped.
    static func items(_ data: [UInt8], gs1: Bool) -> [Code128.Item] {
        var items: [Code128.Item] = []
        var i = 0
        while i < data.count {
            if data[i] == UInt8(ascii: ">"), i + 1 < data.count {
                switch data[i + 1] {
                case UInt8(ascii: "8"): items.append(.fnc1)
                case UInt8(ascii: "<"), UInt8(ascii: "0"): items.append(.character(UInt8(ascii: ">")))
                default: break
                }
                i += 2
                continue
            }
            if data[i] >= 0x20 && data[i] < 0x7F { items.append(.character(data[i])) }
            i += 1
        }
        return items
    }

    /// The bars of the symbol, left to right: widths in modules, alternating bar and space,
    /// starting with a bar.
    var elements: [Int] {
        var out: [Int] = []
        out.reserveCapacity(values.count * 6 + 1)
        for value in values {
            let pattern = Self.patterns[value]
            for k in 0..<pattern.count { out.append(Int(pattern[k] - 48)) }
        }
        return out
    }

    /// Element widths of values 0–106 (ISO/IEC 15417); the stop includes its final bar.
    static let patterns: [[UInt8]] = """
        212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 \
        221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 \
        221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 \
        212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 \
        231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 \
        231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 \
        314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 \
        112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 \
        111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 \
        214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 \
        114131 311141 411131 211412 211214 211232 2331112
        """.split(separator: " ").map { Array($0.utf8) }

    /// Builds the value sequence.
    struct Encoder {
        enum Subset { case a, b, c }
        var values: [Int] = []
        var subset = Subset.b
        var readable = ""
        var problems: [String] = []

        /// Mode N: the data's own start code and invocation codes decide everything.
        mutating func manual(_ data: [UInt8]) {
            var i = 0
            subset = .b
            if data.count >= 2, data[0] == UInt8(ascii: ">") {
                switch data[1] {
                case UInt8(ascii: "9"): subset = .a; i = 2
                case UInt8(ascii: ":"): subset = .b; i = 2
                case UInt8(ascii: ";"): subset = .c; i = 2
                default: break
                }
            }
            values.append(subset == .a ? 103 : subset == .b ? 104 : 105)
            var shifted = false
            while i < data.count {
                let byte = data[i]
                if byte == UInt8(ascii: ">"), i + 1 < data.count {
                    let code = data[i + 1]
                    i += 2
                    switch code {
                    case UInt8(ascii: "<"), UInt8(ascii: "0"): character(UInt8(ascii: ">"), shifted: &shifted)
                    case UInt8(ascii: "="): values.append(94); readable.append("~")
                    case UInt8(ascii: "1"): values.append(95)
                    case UInt8(ascii: "2"): values.append(96)
                    case UInt8(ascii: "3"): values.append(97)
                    case UInt8(ascii: "4"): values.append(98); shifted = true
                    case UInt8(ascii: "5"):
                        if subset != .c { values.append(99); subset = .c }
                    case UInt8(ascii: "6"):
                        values.append(100)
                        if subset != .b { subset = .b }
                    case UInt8(ascii: "7"):
                        values.append(101)
                        if subset != .a { subset = .a }
                    case UInt8(ascii: "8"): values.append(102)
                    default: problems.append("^BC invocation code >\(Character(UnicodeScalar(code))) is not known; it was left out")
                    }
                    continue
                }
                if subset == .c {
                    // Digit pairs; a pair with a non-digit is dropped, as the printer does.
                    if i + 1 < data.count, isDigit(byte), isDigit(data[i + 1]) {
                        values.append(Int(byte - 48) * 10 + Int(data[i + 1] - 48))
                        readable.unicodeScalars.append(UnicodeScalar(byte))
                        readable.unicodeScalars.append(UnicodeScalar(data[i + 1]))
                        i += 2
                    } else {
                        if i + 1 < data.count, data[i + 1] != UInt8(ascii: ">") { i += 2 } else { i += 1 }
                        problems.append("^BC subset C data has a character that is not part of a digit pair; it was left out")
                    }
                    continue
                }
                character(byte, shifted: &shifted)
                i += 1
            }
        }

        /// A data character in subset A or B (or the other one after SHIFT).
        mutating func character(_ byte: UInt8, shifted: inout Bool) {
            let inA = (subset == .a) != shifted
            shifted = false
            if inA {
                if byte >= 0x20 && byte < 0x60 { values.append(Int(byte) - 32) } else if byte < 0x20 { values.append(Int(byte) + 64) } else {
                    return problems.append("^BC subset A cannot carry '\(Character(UnicodeScalar(byte)))'; it was left out")
                }
            } else {
                guard byte >= 0x20 && byte < 0x80 else {
                    return problems.append("^BC subset B cannot carry byte 0x\(String(byte, radix: 16, uppercase: true)); it was left out")
                }
                values.append(Int(byte) - 32)
            }
            if byte >= 0x20 { readable.unicodeScalars.append(UnicodeScalar(byte)) }
        }

        /// Modes A, D and U: subsets B and C chosen for the fewest characters.
        mutating func automatic(_ items: [Code128.Item]) {
            let symbol = Code128(items: items)
            for (index, run) in symbol.runs.enumerated() {
                if index == 0 { values.append(run.subset == .b ? 104 : 105) } else { values.append(run.subset == .b ? 100 : 99) }
                var k = 0
                while k < run.items.count {
                    switch run.items[k] {
                    case .fnc1: values.append(102); k += 1
                    case .character(let c):
                        if run.subset == .c, k + 1 < run.items.count, case .character(let d) = run.items[k + 1] {
                            values.append(Int(c - 48) * 10 + Int(d - 48))
                            readable.unicodeScalars.append(UnicodeScalar(c))
                            readable.unicodeScalars.append(UnicodeScalar(d))
                            k += 2
                        } else {
                            values.append(Int(c) - 32)
                            readable.unicodeScalars.append(UnicodeScalar(c))
                            k += 1
                        }
                    }
                }
            }
            if values.isEmpty { values.append(104) }
        }

        /// Appends the check character and the stop.
        mutating func finish() -> [Int] {
            var sum = values[0]
            for (k, v) in values.enumerated().dropFirst() { sum += k * v }
            values.append(sum % 103)
            values.append(106)
            return values
        }

        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    }
}
