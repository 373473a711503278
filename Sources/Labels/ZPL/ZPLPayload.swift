/// Object names (`R:LOGO.GRF`) and graphic payloads as the printer reads them.
enum ZPLPayload {
    /// A stored object's name normalised: upper case, the drive `R:` when none is given, the
    /// command's default extension when none is given; nil when the field is empty.
    static func objectName(_ field: ArraySlice<UInt8>, defaultExtension: String) -> String? {
        var name = field.filter { $0 != 0x0D && $0 != 0x0A }.map { ZPLTokenizer.upper($0) }
        while let last = name.last, last == 0x20 || last == 0x09 { name.removeLast() }
        while let first = name.first, first == 0x20 || first == 0x09 { name.removeFirst() }
        guard !name.isEmpty else { return nil }
        if !name.contains(0x3A) { name = Array("R:".utf8) + name }
        if let colon = name.firstIndex(of: 0x3A), !name[colon...].contains(0x2E) { name += Array(".\(defaultExtension)".utf8) }
        return String(decoding: name, as: UTF8.self)
    }

    /// The drive letter of a normalised name ("R" for "R:LOGO.GRF").
    static func drive(_ name: String) -> Substring { name.prefix { $0 != ":" } }

    /// What is wrong with a graphic's ASCII data (hex with Zebra's run-length letters, or
    /// `:B64:`/`:Z64:`), given the bytes it declares and its bytes per row; nil when it holds
    /// exactly that many. `data` stops at the next prefix character, as the printer reads it.
    static func graphicDataProblem(_ data: ArraySlice<UInt8>, totalBytes: Int, bytesPerRow: Int) -> String? {
        guard totalBytes > 0, bytesPerRow > 0 else {
            return "declares \(totalBytes) bytes in rows of \(bytesPerRow) bytes, so it cannot hold a picture"
        }
        let text = data.filter { $0 != 0x0D && $0 != 0x0A && $0 != 0x20 && $0 != 0x09 }
        if text.starts(with: Array(":B64:".utf8)) || text.starts(with: Array(":Z64:".utf8)) {
            return base64Problem(text, totalBytes: totalBytes)
        }
        let rowNibbles = bytesPerRow.multipliedReportingOverflow(by: 2)
        guard !rowNibbles.overflow else { return "declares rows of \(bytesPerRow) bytes, more than any printer holds" }
        let limit = totalBytes > Int.max / 4 ? Int.max / 2 : totalBytes * 2
        var nibbles = 0
        var inRow = 0
        var run = 0
        func add(_ count: Int) {
            nibbles = nibbles > limit ? nibbles : nibbles + count
            inRow = (inRow + count % rowNibbles.partialValue) % rowNibbles.partialValue
        }
        for b in text {
            switch b {
            case 0x30...0x39, 0x41...0x46, 0x61...0x66:
                add(max(run, 1))
                run = 0
            case 0x47...0x59:  // G–Y: repeat the next digit 1–19 times
                run = min(run + Int(b - 0x46), 1 << 20)
            case 0x67...0x7A:  // g–z: 20–400 times, added to any G–Y before
                run = min(run + Int(b - 0x66) * 20, 1 << 20)
            case 0x2C, 0x21:  // , and !: zeros or ones to the end of the row (a whole row at its start)
                add(rowNibbles.partialValue - inRow)
                run = 0
            case 0x3A:  // : repeats the previous row
                add(rowNibbles.partialValue - inRow)
                run = 0
            default:
                return "holds \(printable(b)) in its hex data, which is neither a hex digit nor one of Zebra's compression letters"
            }
            if nibbles > limit { break }
        }
        let decoded = (nibbles + 1) / 2
        if decoded < totalBytes {
            return "declares \(totalBytes) bytes but its data holds \(decoded) (the data is cut off or the size is wrong)"
        }
        if decoded > totalBytes {
            return "declares \(totalBytes) bytes but its data holds more (the size is wrong)"
        }
        return nil
    }

    static func base64Problem(_ text: [UInt8], totalBytes: Int) -> String? {
        let compressed = text[1] == 0x5A
        var body = text[5...]
        // An optional ":CRC" (four hex digits) ends the data.
        if let colon = body.lastIndex(of: 0x3A) {
            let crc = body[(colon + 1)...]
            guard crc.count == 4, crc.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }) else {
                return "ends its base64 data with ':\(String(decoding: crc.prefix(8), as: UTF8.self))' where four hex digits of CRC belong (the data is cut off)"
            }
            body = body[..<colon]
        }
        var padding = 0
        for b in body {
            switch b {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2B, 0x2F:
                guard padding == 0 else { return "has base64 data after its '=' padding" }
            case 0x3D: padding += 1
            default: return "holds \(printable(b)) in its base64 data"
            }
        }
        guard !body.isEmpty, body.count % 4 == 0, padding <= 2 else {
            return "has \(body.count) characters of base64 data, not a whole number of groups of four (the data is cut off)"
        }
        let decoded = body.count / 4 * 3 - padding
        // :Z64: is deflated, so only :B64: says its size; a printer inflates :Z64: to check it.
        if !compressed, decoded != totalBytes {
            return "declares \(totalBytes) bytes but its base64 data holds \(decoded) (the data is cut off or the size is wrong)"
        }
        return nil
    }

    /// How many hex digits a font or encoding download (`~DB`, `~DS`, `~DT`, `~DU`, `~DE`) holds,
    /// or what else it holds.
    static func hexDigitCount(_ data: ArraySlice<UInt8>) -> Int? {
        var count = 0
        for b in data {
            switch b {
            case 0x30...0x39, 0x41...0x46, 0x61...0x66: count += 1
            case 0x0D, 0x0A, 0x20, 0x09: continue
            default: return nil
            }
        }
        return count
    }

    /// A byte as a message shows it: 'x' when printable, else its hex value.
    static func printable(_ b: UInt8) -> String {
        b >= 0x21 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "the byte 0x" + String(b, radix: 16, uppercase: true)
    }
}
