import Foundation
import Labels
import PackCore
import Printing

/// How orders become labels: the template, resolution and renderer (the graphics adapter's
/// text rasterizer and PNG decoder come in from the caller, so this module stays free of them).
public struct LabelRendering: Sendable {
    /// The template's name as recorded in the run.
    public var templateName: String
    /// The streamer that renders one order's label.
    public var stream: ZPLStream

    /// Creates a rendering.
    public init(templateName: String, stream: ZPLStream) {
        self.templateName = templateName
        self.stream = stream
    }
}

/// One label of a run, ready to send.
public struct RunLabel: Sendable {
    /// Its number in the source (1-based).
    public var number: Int
    /// ZPL or PDF.
    public var format: DocumentFormat
    /// The bytes for the printer.
    public var bytes: [UInt8]
}

/// What a source holds, checked label by label before a run is recorded.
public struct SourceSurvey: Hashable, Sendable {
    /// Labels in the source.
    public var count: Int
    /// Size and content hash, compared on resume and reprint.
    public var fingerprint: String
    /// Whether any label is a PDF (those are sent one job each).
    public var hasPDF: Bool
}

/// The labels of a run, read and rendered a chunk at a time: an orders file is read line by line
/// and only the chunk's orders are rendered; a label directory is listed by name and only the
/// chunk's files are read. Memory stays the size of one chunk however long the run.
public final class LabelSource {
    /// Where the labels come from.
    public let source: RunSource
    private let rendering: LabelRendering
    private var lines: LineReader?
    /// The label number the line reader returns next.
    private var lineNumber = 0
    private var files: [String]?

    /// A source; nothing is read until asked.
    public init(_ source: RunSource, rendering: LabelRendering) {
        self.source = source
        self.rendering = rendering
    }

    /// Reads the whole source once, checking every label (orders parse, have a shipment and
    /// render; files are ZPL or PDF), without keeping any. `zplOnly`: the printer takes ZPL only
    /// and counts labels, so every label must be one ZPL format.
    public func survey(zplOnly: Bool) throws(RunError) -> SourceSurvey {
        var count = 0
        var hasPDF = false
        var hash = Fingerprint()
        switch source {
        case .orders(let path):
            let reader = try LineReader(path: path)
            var lineNo = 0
            while let line = try reader.next() {
                lineNo += 1
                hash.add(line)
                hash.add([0x0A])
                guard !Self.isBlank(line) else { continue }
                count += 1
                let label = try render(line, lineNo: lineNo, shippable: true)
                if zplOnly { try Self.checkOneFormat(label, what: "\(path) line \(lineNo)") }
            }
            guard count > 0 else { throw RunError(code: "run.empty", message: "\(path) holds no orders; give a file with one order as JSON per line.") }
        case .labels(let directory):
            for name in try labelFiles() {
                let bytes = try Self.read(directory + "/" + name)
                hash.add(Array(name.utf8) + [0])
                hash.add(bytes)
                count += 1
                let format = DocumentFormat(sniffing: bytes)
                if format == .pdf {
                    hasPDF = true
                    if zplOnly { throw RunError(code: "run.pdf_on_zpl", message: "\(directory)/\(name) is a PDF and this printer takes ZPL only. Print PDFs through a CUPS queue, or remove the file from the directory.") }
                } else {
                    guard Self.formatCount(bytes) > 0 else {
                        throw RunError(code: "run.not_zpl", message: "\(directory)/\(name) is neither ZPL (no ^XA…^XZ) nor a PDF; remove it from the directory or fix it.")
                    }
                    if zplOnly { try Self.checkOneFormat(bytes, what: "\(directory)/\(name)") }
                }
            }
        }
        return SourceSurvey(count: count, fingerprint: "\(hash.bytes)-\(hash.value)", hasPDF: hasPDF)
    }

    /// The source's fingerprint now (size and hash), without rendering.
    public func fingerprint() throws(RunError) -> String {
        var hash = Fingerprint()
        switch source {
        case .orders(let path):
            let reader = try LineReader(path: path)
            while let line = try reader.next() {
                hash.add(line)
                hash.add([0x0A])
            }
        case .labels(let directory):
            for name in try labelFiles() {
                hash.add(Array(name.utf8) + [0])
                hash.add(try Self.read(directory + "/" + name))
            }
        }
        return "\(hash.bytes)-\(hash.value)"
    }

    /// The labels `range` (source numbering), rendered.
    public func labels(_ range: ClosedRange<Int>) throws(RunError) -> [RunLabel] {
        switch source {
        case .orders(let path):
            if lines == nil || lineNumber + 1 > range.lowerBound {
                lines = try LineReader(path: path)
                lineNumber = 0
            }
            var out: [RunLabel] = []
            var lineNo = lines!.linesRead
            while lineNumber < range.upperBound, let line = try lines!.next() {
                lineNo += 1
                guard !Self.isBlank(line) else { continue }
                lineNumber += 1
                if lineNumber >= range.lowerBound {
                    out.append(RunLabel(number: lineNumber, format: .zpl, bytes: try render(line, lineNo: lineNo)))
                }
            }
            guard out.count == range.count else { throw changed(path) }
            return out
        case .labels(let directory):
            let names = try labelFiles()
            guard range.upperBound <= names.count else { throw changed(directory) }
            var out: [RunLabel] = []
            for n in range {
                let bytes = try Self.read(directory + "/" + names[n - 1])
                out.append(RunLabel(number: n, format: DocumentFormat(sniffing: bytes), bytes: bytes))
            }
            return out
        }
    }

    // MARK: Details

    private func render(_ line: [UInt8], lineNo: Int, shippable: Bool = false) throws(RunError) -> [UInt8] {
        let order: Order
        do {
            order = try Order.decode(from: try JSONParser.parse(line))
        } catch let error as JSONSyntaxError {
            throw RunError(code: "run.bad_order", message: "\(source.path) line \(lineNo) is not valid JSON: \(error.message) (column \(error.column)). --orders takes one order per line; fix that line or export the file again.")
        } catch {
            throw RunError(code: "run.bad_order", message: "\(source.path) line \(lineNo) is not a valid order: \(error). Fix that line or export the file again.")
        }
        if shippable {
            // The packing bench's rule: no shipping label for an order that must not ship.
            var why: [String] = []
            if order.status == .cancelled { why.append("it is cancelled") }
            if order.status == .onHold { why.append("it is on hold") }
            if order.payment != .captured { why.append("its payment is \(order.payment.rawValue), not captured") }
            guard why.isEmpty else {
                throw RunError(code: "run.not_shippable", message: "\(source.path) line \(lineNo): order \(order.id) must not ship: \(why.joined(separator: " and ")). Remove it from the file (or settle it in the order system), then start the run again.")
            }
        }
        var bytes: [UInt8] = []
        do { try rendering.stream.appendLabel(for: LabelContext(order: order), to: &bytes) } catch {
            throw RunError(code: error.code, message: "\(source.path) line \(lineNo): \(error.message)")
        }
        return bytes
    }

    private func labelFiles() throws(RunError) -> [String] {
        if let files { return files }
        let directory = source.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunError(code: "run.no_source", message: "The label directory \(directory) does not exist. Check the path.")
        }
        guard let all = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw RunError(code: "run.no_source", message: "The label directory \(directory) cannot be read; check its permissions.")
        }
        let names = all.filter { name in
            let lower = name.lowercased()
            return (lower.hasSuffix(".zpl") || lower.hasSuffix(".pdf")) && !name.hasPrefix(".")
        }.sorted { $0.compare($1, options: [.numeric]) == .orderedAscending }
        guard !names.isEmpty else {
            throw RunError(code: "run.empty", message: "The label directory \(directory) holds no .zpl or .pdf files.")
        }
        files = names
        return names
    }

    private func changed(_ path: String) -> RunError {
        RunError(code: "run.source_changed", message: "\(path) holds fewer labels than when the run started; it was changed. Restore it, or cancel the run and start a new one.")
    }

    static func read(_ path: String) throws(RunError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunError(code: "run.unreadable", message: "Cannot read \(path); check that it exists and its permissions.")
        }
        return Array(data)
    }

    static func isBlank(_ line: [UInt8]) -> Bool { line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }

    /// Formats (`^XA`) in ZPL bytes.
    static func formatCount(_ bytes: [UInt8]) -> Int {
        var n = 0, i = 0
        while i + 2 < bytes.count {
            if bytes[i] == 0x5E, bytes[i + 1] | 0x20 == 0x78, bytes[i + 2] | 0x20 == 0x61 { n += 1 }
            i += 1
        }
        return n
    }

    /// A label-counting printer settles chunks by its counter, so one label must be one format.
    static func checkOneFormat(_ bytes: [UInt8], what: String) throws(RunError) {
        let formats = formatCount(bytes)
        guard formats == 1 else {
            throw RunError(code: "run.multi_label", message: "\(what) makes \(formats) ZPL formats; a run counts one label per order or file so that it can tell exactly which came out. Split it into one label per file.")
        }
    }
}

/// FNV-1a over the bytes plus their count: cheap, and enough to notice an edited source.
struct Fingerprint {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    var bytes = 0
    mutating func add(_ data: [UInt8]) {
        for b in data { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }
        bytes += data.count
    }
}
