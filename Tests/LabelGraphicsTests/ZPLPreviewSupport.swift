import Foundation
@testable import LabelGraphics
import Labels

/// Decoding pictures with zbarimg (zbar-tools), a decoder we did not write.
enum Zbar {
    /// `SYMBOLOGY:data` lines zbarimg reads in the PNG, sorted.
    static func decode(_ png: [UInt8]) throws -> [String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zpl-preview-\(UUID().uuidString).png").path
        try Data(png).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--nodbus", "-q", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init).sorted()
    }
}

extension MonoBitmap {
    /// Black dots in a rectangle.
    func black(in x: Range<Int>, _ y: Range<Int>) -> Int {
        var n = 0
        for row in y where row < height { for col in x where col < width && self[col, row] { n += 1 } }
        return n
    }
}

/// A stand-in tokenizer for the preview's tests until the Labels one is in: splits at `^` and
/// `~` (field data in these tests holds neither), codes of two letters, `^A` with its font letter.
enum TestTokens {
    static func commands(_ bytes: [UInt8]) -> [ZPLPreviewCommand] {
        var out: [ZPLPreviewCommand] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "^") || bytes[i] == UInt8(ascii: "~"), i + 1 < bytes.count else { i += 1; continue }
            let start = i
            var codeEnd = i + 3
            if bytes[i + 1] | 0x20 == UInt8(ascii: "a"), i + 2 < bytes.count, bytes[i + 2] != UInt8(ascii: "@") { codeEnd = i + 2 }
            codeEnd = min(codeEnd, bytes.count)
            var end = codeEnd
            while end < bytes.count, bytes[end] != UInt8(ascii: "^"), bytes[end] != UInt8(ascii: "~") { end += 1 }
            var params = bytes[codeEnd..<end]
            let code = String(decoding: bytes[(i + 1)..<codeEnd], as: UTF8.self).uppercased()
            if code != "FD" && code != "FV" && code != "FX" && code != "GF" && code != "DG" {
                while let last = params.last, last == 0x0A || last == 0x0D { params = params.dropLast() }
            }
            out.append(ZPLPreviewCommand(tilde: bytes[i] == UInt8(ascii: "~"), code: code, parameters: params, offset: start))
            i = end
        }
        return out
    }

    /// The picture of the n-th printing format (0-based) of a stream.
    static func preview(_ zpl: String, label: Int = 0, density: PrinterDensity = .dpi203) throws -> (bitmap: MonoBitmap, notes: [String]) {
        let commands = commands(Array(zpl.utf8))
        var printing: [Int] = []
        var start: Int?
        var prints = false
        for c in commands {
            if c.code == "XA" { start = c.offset; prints = false }
            if ["FD", "FV", "GF", "GB", "XG", "FN", "XF", "GC", "GE", "GD", "IM"].contains(c.code) { prints = true }
            if c.code == "DF" { start = nil }
            if c.code == "XZ", let s = start { if prints { printing.append(s) }; start = nil }
        }
        return try ZPLPreview(density: density).bitmap(commands, formatAt: printing[label], label: label)
    }
}
