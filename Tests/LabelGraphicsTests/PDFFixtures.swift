import Foundation
import LabelGraphics
import Labels
import TestPeers
import Testing

/// PDFs for the reader's tests, written here or by tools we did not write (qpdf, pdfinfo, zbarimg).
enum PDFFixtures {
    typealias Page = PlainPDF.Page

    /// A PDF 1.4 with a plain cross-reference table, offsets exact.
    static func plain(_ pages: [Page]) -> [UInt8] { PlainPDF.bytes(pages) }

    /// Two 4 × 6 in pages of our own shipping label, written by cairo (PDFLabelWriter).
    static func ours(_ density: PrinterDensity = .dpi203) throws -> [UInt8] {
        let writer = PDFLabelWriter(sink: CollectingSink())
        try writer.addPage(Sample.layout(density))
        try writer.addPage(Sample.layout(density, order: Sample.order(name: "Anna Schmidt", company: nil)))
        try writer.finish()
        return writer.sink.bytes
    }

    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "pdf-tests-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs a tool; returns its exit status and standard output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `qpdf ARGS in out` on the bytes (exit 3 is "succeeded with warnings").
    static func qpdf(_ pdf: [UInt8], _ arguments: [String]) throws -> [UInt8] {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(pdf).write(to: URL(fileURLWithPath: dir + "/in.pdf"))
        let result = try run("/usr/bin/qpdf", arguments + [dir + "/in.pdf", dir + "/out.pdf"])
        try #require(result.status == 0 || result.status == 3, "qpdf \(arguments) failed")
        return Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/out.pdf")))
    }

    /// What pdfinfo (poppler-utils) says: the page sizes in points, as displayed.
    static func pdfinfo(_ pdf: [UInt8]) throws -> [PDFPageSize] {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(pdf).write(to: URL(fileURLWithPath: dir + "/in.pdf"))
        let pages = try run("/usr/bin/pdfinfo", [dir + "/in.pdf"]).output
            .split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) } ?? 0
        let out = try run("/usr/bin/pdfinfo", ["-f", "1", "-l", String(pages), dir + "/in.pdf"]).output
        // "Page    1 size: 288 x 432 pts" and "Page    1 rot:  90"
        var sizes: [PDFPageSize] = []
        var rotations: [Int] = []
        for line in out.split(separator: "\n") where line.hasPrefix("Page ") {
            let words = line.split(separator: " ")
            if words.count >= 7, words[2] == "size:", let w = Double(words[3]), let h = Double(words[5]) {
                sizes.append(PDFPageSize(widthPoints: w, heightPoints: h))
            } else if words.count >= 4, words[2] == "rot:", let r = Int(words[3]) {
                rotations.append(r)
            }
        }
        // pdfinfo gives the unrotated size and the rotation apart.
        return zip(sizes, rotations + Array(repeating: 0, count: max(0, sizes.count - rotations.count))).map { size, rotation in
            rotation % 180 == 0 ? size : PDFPageSize(widthPoints: size.heightPoints, heightPoints: size.widthPoints)
        }
    }

    /// What zbarimg reads in a bitmap, as "TYPE:data" lines, sorted.
    static func zbar(_ bitmap: MonoBitmap, density: PrinterDensity = .dpi203) throws -> [String] {
        let layout = LabelLayout(size: LabelSize(widthMM: Double(bitmap.width) / Double(density.dotsPerMM), heightMM: Double(bitmap.height) / Double(density.dotsPerMM)), density: density, elements: [.image(ImageBlock(x: 0, y: 0, bitmap: bitmap))])
        return try zbar(png: LabelPNG.render(layout))
    }

    static func zbar(png: [UInt8]) throws -> [String] {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(png).write(to: URL(fileURLWithPath: dir + "/page.png"))
        return try run("/usr/bin/zbarimg", ["--nodbus", "-q", dir + "/page.png"]).output.split(separator: "\n").map(String.init).sorted()
    }

    /// The dots of every `^GFA` in a ZPL stream, in order (Zebra's ASCII compression undone).
    static func graphics(inZPL zpl: [UInt8]) throws -> [MonoBitmap] {
        let text = String(decoding: zpl, as: UTF8.self)
        var bitmaps: [MonoBitmap] = []
        for chunk in text.components(separatedBy: "^GFA,").dropFirst() {
            let fields = chunk.split(separator: ",", maxSplits: 3, omittingEmptySubsequences: false)
            let total = try #require(Int(fields[0])), rowBytes = try #require(Int(fields[2]))
            let data = fields[3].prefix { $0 != "^" }
            var bytes: [UInt8] = []
            var row = ""
            var previous = ""
            var count = 0
            func endRow(_ fill: Character?) {
                if let fill { row += String(repeating: fill, count: max(0, rowBytes * 2 - row.count)) }
                previous = row
                for i in stride(from: 0, to: rowBytes * 2, by: 2) {
                    let a = row.index(row.startIndex, offsetBy: i)
                    bytes.append(UInt8(row[a...row.index(after: a)], radix: 16) ?? 0)
                }
                row = ""
            }
            for c in data where !c.isWhitespace {
                switch c {
                case "G"..."Y": count += Int(c.asciiValue! - Character("F").asciiValue!)
                case "g"..."z": count += 20 * Int(c.asciiValue! - Character("f").asciiValue!)
                case ",": endRow("0")
                case "!": endRow("F")
                case ":": row = previous; endRow(nil)
                default:
                    row += String(repeating: c, count: max(1, count))
                    count = 0
                    if row.count == rowBytes * 2 { endRow(nil) }
                }
            }
            try #require(bytes.count == total, "^GFA declares \(total) bytes, holds \(bytes.count)")
            bitmaps.append(try #require(MonoBitmap(width: rowBytes * 8, height: total / rowBytes, bytes: bytes)))
        }
        return bitmaps
    }
}
