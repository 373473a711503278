/// Characters typed as Alt + keypad decimal code, and the Ctrl + key control characters.
enum AltCode {
    /// The character of an Alt code: with a leading 0 the Windows-1252 code (Alt+0029 is GS,
    /// Alt+0228 ä), without it the DOS code page 437 (Alt+29 is GS too, Alt+132 ä).
    static func character(digits: [UInt8]) -> Unicode.Scalar? {
        var value = 0
        for d in digits.prefix(6) { value = value * 10 + Int(d) }
        let byte = value & 0xFF
        if byte < 0x80 { return Unicode.Scalar(UInt8(byte)) }
        if digits.first == 0 {
            return byte < 0xA0 ? windows1252[byte - 0x80] : Unicode.Scalar(UInt8(byte))
        }
        return codePage437[byte - 0x80]
    }

    /// The control character Ctrl + `c` gives on a terminal: Ctrl+@…Ctrl+_ and Ctrl+a…z are
    /// 0x00–0x1F (Ctrl+] is GS, Ctrl+^ RS, Ctrl+D EOT), Ctrl+2 NUL, Ctrl+3…7 ESC…US, Ctrl+8 DEL.
    static func control(_ c: Unicode.Scalar) -> Unicode.Scalar? {
        switch c.value {
        case 0x40...0x7E, 0x20: Unicode.Scalar(UInt8(c.value & 0x1F))
        case 0x32: Unicode.Scalar(0)
        case 0x33...0x37: Unicode.Scalar(UInt8(c.value - 0x33 + 0x1B))
        case 0x38, 0x3F: Unicode.Scalar(0x7F)
        case 0x2F: Unicode.Scalar(0x1F)
        default: nil
        }
    }

    static let codePage437: [Unicode.Scalar] = Array("\u{C7}\u{FC}\u{E9}\u{E2}\u{E4}\u{E0}\u{E5}\u{E7}\u{EA}\u{EB}\u{E8}\u{EF}\u{EE}\u{EC}\u{C4}\u{C5}\u{C9}\u{E6}\u{C6}\u{F4}\u{F6}\u{F2}\u{FB}\u{F9}\u{FF}\u{D6}\u{DC}\u{A2}\u{A3}\u{A5}\u{20A7}\u{192}\u{E1}\u{ED}\u{F3}\u{FA}\u{F1}\u{D1}\u{AA}\u{BA}\u{BF}\u{2310}\u{AC}\u{BD}\u{BC}\u{A1}\u{AB}\u{BB}\u{2591}\u{2592}\u{2593}\u{2502}\u{2524}\u{2561}\u{2562}\u{2556}\u{2555}\u{2563}\u{2551}\u{2557}\u{255D}\u{255C}\u{255B}\u{2510}\u{2514}\u{2534}\u{252C}\u{251C}\u{2500}\u{253C}\u{255E}\u{255F}\u{255A}\u{2554}\u{2569}\u{2566}\u{2560}\u{2550}\u{256C}\u{2567}\u{2568}\u{2564}\u{2565}\u{2559}\u{2558}\u{2552}\u{2553}\u{256B}\u{256A}\u{2518}\u{250C}\u{2588}\u{2584}\u{258C}\u{2590}\u{2580}\u{3B1}\u{DF}\u{393}\u{3C0}\u{3A3}\u{3C3}\u{B5}\u{3C4}\u{3A6}\u{398}\u{3A9}\u{3B4}\u{221E}\u{3C6}\u{3B5}\u{2229}\u{2261}\u{B1}\u{2265}\u{2264}\u{2320}\u{2321}\u{F7}\u{2248}\u{B0}\u{2219}\u{B7}\u{221A}\u{207F}\u{B2}\u{25A0}\u{A0}".unicodeScalars)
    static let windows1252: [Unicode.Scalar] = Array("\u{20AC}\u{81}\u{201A}\u{192}\u{201E}\u{2026}\u{2020}\u{2021}\u{2C6}\u{2030}\u{160}\u{2039}\u{152}\u{8D}\u{17D}\u{8F}\u{90}\u{2018}\u{2019}\u{201C}\u{201D}\u{2022}\u{2013}\u{2014}\u{2DC}\u{2122}\u{161}\u{203A}\u{153}\u{9D}\u{17E}\u{178}".unicodeScalars)
}
