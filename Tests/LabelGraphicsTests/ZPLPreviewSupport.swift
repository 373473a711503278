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

/// Previews of ZPL written in the tests.
enum TestTokens {
    /// The picture of the n-th printing format (0-based) of a stream, read by the Labels tokenizer.
    static func preview(_ zpl: String, label: Int = 0, density: PrinterDensity = .dpi203) throws -> (bitmap: MonoBitmap, notes: [String]) {
        try ZPLPreview(density: density).bitmap(try ZPLDocument(Array(zpl.utf8)), label: label)
    }
}
