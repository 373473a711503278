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

/// Labels of a run that go to the printer as one piece: ZPL bytes (of one or more files, a
/// format cut by the chunk carrying its `^PQ` rewritten, a piece starting mid-file carrying what
/// its first label needs), or one PDF with the pages to print.
public struct LabelBlock: Sendable {
    /// The run's labels it prints (source numbering).
    public var labels: ClosedRange<Int>
    /// ZPL or PDF.
    public var format: DocumentFormat
    /// The bytes for the printer (for a PDF: the whole file).
    public var bytes: [UInt8]
    /// For a PDF: the pages to print (1-based) when not all of them; nil for the whole file.
    public var pages: ClosedRange<Int>?
    /// For a PDF: all of the file's labels (source numbering), so a printer that cannot pick
    /// pages gets the whole file as one chunk.
    public var file: ClosedRange<Int>
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

/// One file of a label run: a `.zpl` or `.pdf` and the labels it makes.
public struct LabelFile: Hashable, Sendable {
    /// Its name (inside the directory), or the file's own name for a single file.
    public var name: String
    /// Its full path.
    public var path: String
    /// ZPL or PDF.
    public var format: DocumentFormat
    /// The labels it makes in the run's numbering (empty when it prints nothing).
    public var labels: Range<Int>
    /// For a PDF, the 0-based page of each of its labels: each page once, or twice for a sheet
    /// that carries two labels when the printer takes ZPL only (`PDFTwoUp`); empty for ZPL.
    public var pages: [Int] = []

    /// Pages of a PDF (labels of a ZPL file).
    public var pageCount: Int { format == .pdf ? (pages.last.map { $0 + 1 } ?? 0) : labels.count }

    /// Where its `k`th label (0-based) is: "page 2", "page 1, label 2 of 2" (PDFs only).
    func place(ofLabel k: Int) -> String {
        let page = pages[k]
        let first = pages.firstIndex(of: page) ?? k
        let count = pages[first...].prefix { $0 == page }.count
        return "page \(page + 1)" + (count > 1 ? ", label \(k - first + 1) of \(count)" : "")
    }
}

/// The labels of a run, read and rendered a chunk at a time: an orders file is read line by line
/// and only the chunk's orders are rendered; label files are numbered label by label (each `^PQ`
/// copy, each PDF page) and only the files of the chunk are read, one at a time (the last ZPL
/// file read stays parsed, so a run through one big file parses it once). For a printer that
/// takes ZPL only, a PDF sheet that carries two labels (`PDFTwoUp`) counts as two labels, each
/// printed at full size; a printer that takes PDF gets the page, one label.
public final class LabelSource {
    /// Where the labels come from.
    public let source: RunSource
    private let rendering: LabelRendering
    private let pdf: (any PDFReading)?
    private let zplPolicy: ZPLPolicy
    private var lines: LineReader?
    /// The run's label number of the last label of the orders read so far (an order makes one
    /// label per package).
    private var lineNumber = 0
    /// The last order read, with its first label number and label count (a chunk may end
    /// between its packages).
    private var lastOrder: (order: Order, lineNo: Int, first: Int, count: Int)?
    /// The files as numbered for a printer that takes ZPL only (true) or one that takes PDF.
    private var indexes: [Bool: [LabelFile]] = [:]
    private var parsed: (path: String, file: ZPLLabelFile)?

    /// A source; nothing is read until asked. `pdf` counts a PDF's pages (the graphics adapter's
    /// reader, injected so PrintRuns stays free of poppler); without one a PDF file is refused.
    /// `zplPolicy`: what label files may carry (the site's `printer.zpl_allow` widens the default).
    public init(_ source: RunSource, rendering: LabelRendering, pdf: (any PDFReading)? = nil, zplPolicy: ZPLPolicy = .carrier) {
        self.source = source
        self.rendering = rendering
        self.pdf = pdf
        self.zplPolicy = zplPolicy
    }

    /// Reads the whole source once, checking every label (orders parse, have a shipment and
    /// render; files are ZPL a printer takes or PDFs with pages), without keeping any. `zplOnly`:
    /// the printer takes ZPL only and counts labels.
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
                let order = try parse(line, lineNo: lineNo, shippable: true)
                let n = labelCount(order)
                for k in 1...n {
                    let label = try render(order, package: k, lineNo: lineNo)
                    if zplOnly { try Self.checkOneFormat(label, what: "\(path) line \(lineNo)" + (n > 1 ? ", package \(k) of \(n)," : "")) }
                }
                count += n
            }
            guard count > 0 else { throw RunError(code: "run.empty", message: "\(path) holds no orders; give a file with one order as JSON per line.") }
        case .labels:
            let files = try labelFiles(hash: &hash, zplOnly: zplOnly)
            indexes[zplOnly] = files
            hasPDF = files.contains { $0.format == .pdf }
            count = (files.last?.labels.upperBound ?? 1) - 1
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
        case .labels:
            for (name, path) in try fileNames() {
                hash.add(Array(name.utf8) + [0])
                hash.add(try Self.read(path))
            }
        }
        return "\(hash.bytes)-\(hash.value)"
    }

    /// The label files in order with the labels each makes (label sources only; read once).
    /// `zplOnly`: numbered for a printer that takes ZPL only, where a two-up PDF sheet is two labels.
    public func files(zplOnly: Bool = false) throws(RunError) -> [LabelFile] {
        if let index = indexes[zplOnly] { return index }
        var hash = Fingerprint()
        let files = try labelFiles(hash: &hash, zplOnly: zplOnly)
        indexes[zplOnly] = files
        return files
    }

    /// Where label `n` is, in words: "bulk-500.zpl format 140, copy 2 of 3", "a4.pdf page 2",
    /// "a4.pdf page 1, label 2 of 2"; nil for orders.
    public func describe(_ n: Int, zplOnly: Bool = false) throws(RunError) -> String? {
        guard case .labels = source, let file = try files(zplOnly: zplOnly).first(where: { $0.labels.contains(n) }) else { return nil }
        let k = n - file.labels.lowerBound
        if file.format == .pdf { return "\(file.name) " + file.place(ofLabel: k) }
        return "\(file.name) " + (try zpl(file)).describe(k)
    }

    /// The labels `range` (source numbering) as the pieces that print them, in order: ZPL of
    /// consecutive files joined into one piece, each PDF a piece of its own. `zplOnly`: the
    /// printer takes ZPL only, so each PDF page is rasterized at the run's resolution and fitted
    /// to the template's stock (`PDFLabels`) as one `^GF` label, joined with the ZPL around it.
    public func blocks(_ range: ClosedRange<Int>, zplOnly: Bool = false) throws(RunError) -> [LabelBlock] {
        switch source {
        case .orders(let path):
            // Read on from the last order read when the range starts at or after its labels.
            if lines == nil || range.lowerBound < (lastOrder?.first ?? lineNumber + 1) {
                lines = try LineReader(path: path)
                lineNumber = 0
                lastOrder = nil
            }
            var bytes: [UInt8] = []
            var rendered = 0
            // The labels first...first+n-1 of an order that fall in the range.
            func emit(_ order: Order, lineNo: Int, first: Int, count n: Int) throws(RunError) {
                for k in 1...n where range.contains(first + k - 1) {
                    bytes += try render(order, package: k, lineNo: lineNo)
                    rendered += 1
                }
            }
            if let last = lastOrder, last.first + last.count - 1 >= range.lowerBound {
                try emit(last.order, lineNo: last.lineNo, first: last.first, count: last.count)
            }
            var lineNo = lines!.linesRead
            while lineNumber < range.upperBound, let line = try lines!.next() {
                lineNo += 1
                guard !Self.isBlank(line) else { continue }
                let order = try parse(line, lineNo: lineNo)
                let n = labelCount(order)
                let first = lineNumber + 1
                lineNumber += n
                lastOrder = (order, lineNo, first, n)
                if lineNumber >= range.lowerBound { try emit(order, lineNo: lineNo, first: first, count: n) }
            }
            guard rendered == range.count else { throw changed(path) }
            return [LabelBlock(labels: range, format: .zpl, bytes: bytes, pages: nil, file: range)]
        case .labels(let path):
            let files = try files(zplOnly: zplOnly)
            guard range.upperBound < (files.last?.labels.upperBound ?? 1) else { throw changed(path) }
            var out: [LabelBlock] = []
            for file in files where file.labels.overlaps(range.lowerBound..<range.upperBound + 1) {
                let first = max(range.lowerBound, file.labels.lowerBound), last = min(range.upperBound, file.labels.upperBound - 1)
                let local = (first - file.labels.lowerBound)...(last - file.labels.lowerBound)
                let whole = file.labels.lowerBound...(file.labels.upperBound - 1)
                if file.format == .pdf, !zplOnly {
                    let bytes = try Self.read(file.path)
                    let pages = local.count == file.labels.count ? nil : (local.lowerBound + 1)...(local.upperBound + 1)
                    out.append(LabelBlock(labels: first...last, format: .pdf, bytes: bytes, pages: pages, file: whole))
                } else {
                    let bytes = file.format == .pdf ? try rasterized(file, labels: local) : try zpl(file).bytes(local)
                    if let previous = out.last, previous.format == .zpl {
                        out[out.count - 1].bytes += bytes
                        out[out.count - 1].labels = previous.labels.lowerBound...last
                        out[out.count - 1].file = previous.file.lowerBound...whole.upperBound
                    } else {
                        out.append(LabelBlock(labels: first...last, format: .zpl, bytes: bytes, pages: nil, file: whole))
                    }
                }
            }
            return out
        }
    }

    // MARK: Details

    /// Labels an order makes: one per package ("k of N"), the carrier's own label of each
    /// package when it sent them; a carrier label for the whole shipment (`shipment.label`
    /// without `shipment.labels`) is one label, as at the bench.
    private func labelCount(_ order: Order) -> Int {
        guard let shipment = order.shipment else { return 1 }
        if rendering.stream.template.carrierLabelReplaces, shipment.label != nil, !shipment.hasLabelPerPackage { return 1 }
        return max(shipment.packages, 1)
    }

    /// Package `package`'s label of an order.
    private func render(_ order: Order, package: Int, lineNo: Int) throws(RunError) -> [UInt8] {
        let packages = max(order.shipment?.packages ?? 1, 1)
        let context = LabelContext(order: order, package: package, packages: packages, weightGrams: order.shipment?.weightGrams(package: package))
        var bytes: [UInt8] = []
        do { try rendering.stream.appendLabel(for: context, to: &bytes) } catch {
            throw RunError(code: error.code, message: "\(source.path) line \(lineNo): \(error.message)")
        }
        return bytes
    }

    private func parse(_ line: [UInt8], lineNo: Int, shippable: Bool = false) throws(RunError) -> Order {
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
        return order
    }

    /// Every file of the source with its labels, checked; fills the fingerprint on the way.
    private func labelFiles(hash: inout Fingerprint, zplOnly: Bool) throws(RunError) -> [LabelFile] {
        var files: [LabelFile] = []
        var next = 1
        for (name, path) in try fileNames() {
            let bytes = try Self.read(path)
            hash.add(Array(name.utf8) + [0])
            hash.add(bytes)
            let format = DocumentFormat(sniffing: bytes)
            let count: Int
            var pages: [Int] = []
            if format == .pdf {
                // For a printer that takes ZPL only, each page is rasterized into one ^GF label
                // (two for a two-up sheet) when its chunk is sent (`blocks(_:zplOnly:)`).
                guard let pdf else {
                    throw RunError(code: "run.no_pdf_reader", message: "\(path) is a PDF, and no PDF reader was given to count its pages.")
                }
                do {
                    let sizes = try pdf.pageSizes(bytes)
                    for (index, size) in sizes.enumerated() {
                        let labels = zplOnly ? try pdfLabels(pdf).twoUpAreas(bytes, index: index, size: size)?.count ?? 1 : 1
                        pages += Array(repeating: index, count: labels)
                    }
                } catch {
                    throw RunError(code: "run.bad_pdf", message: "\(path): \(error.message) Fix or remove the file, then start the run again.")
                }
                count = pages.count
            } else {
                let document: ZPLDocument
                do { document = try ZPLDocument(bytes, policy: zplPolicy) } catch {
                    throw RunError(code: "run.not_zpl", message: "\(path) cannot be printed as it is: \(error.message) Fix or remove the file, then start the run again.")
                }
                let file = ZPLLabelFile(document)
                guard file.labelCount > 0 else {
                    throw RunError(code: "run.no_label", message: "\(path) prints no label: \(Self.formatCount(bytes) > 0 ? "its formats only change settings or store graphics and formats" : "it holds no ZPL format (^XA…^XZ) and is not a PDF"). A run counts the labels that come out, so put what it sets up into the file whose labels need it, or remove it.")
                }
                count = file.labelCount
                parsed = (path, file)
            }
            files.append(LabelFile(name: name, path: path, format: format, labels: next..<(next + count), pages: pages))
            next += count
        }
        return files
    }

    /// How the run's PDF pages become ZPL labels: its resolution and the template's stock.
    private func pdfLabels(_ reader: any PDFReading) -> PDFLabels {
        PDFLabels(reader: reader, density: rendering.stream.density, labelSize: rendering.stream.template.size)
    }

    /// Labels `local` (0-based, in the file) of a PDF file as ZPL, one `^GF` label each: a page,
    /// or one label of a two-up sheet.
    private func rasterized(_ file: LabelFile, labels local: ClosedRange<Int>) throws(RunError) -> [UInt8] {
        guard let pdf else {
            throw RunError(code: "run.no_pdf_reader", message: "\(file.path) is a PDF, and no PDF reader was given to rasterize its pages.")
        }
        let bytes = try Self.read(file.path)
        let labels = pdfLabels(pdf)
        var out: [UInt8] = []
        do {
            let sizes = try pdf.pageSizes(bytes)
            guard sizes.count == file.pageCount, file.pages.count == file.labels.count else { throw changed(file.path) }
            let renderer = ZPLRenderer()
            var sheet: (page: Int, areas: [PDFArea]?)?
            for k in local {
                let page = file.pages[k]
                if sheet?.page != page { sheet = (page, try labels.twoUpAreas(bytes, index: page, size: sizes[page])) }
                let part = k - (file.pages.firstIndex(of: page) ?? k)
                // The page must still split as it did when the labels were numbered.
                guard (sheet?.areas?.count ?? 1) == file.pages.filter({ $0 == page }).count else { throw changed(file.path) }
                let area = sheet?.areas?[part]
                try renderer.render(try labels.page(bytes, index: page, size: sizes[page], area: area).layout, into: &out)
            }
        } catch let error as RunError {
            throw error
        } catch let error as LabelError {
            throw RunError(code: error.code, message: "\(file.path): \(error.message) Fix or remove the file, or print it through a CUPS queue that takes PDF.")
        } catch {
            throw RunError(code: "run.bad_pdf", message: "\(file.path): \(error)")
        }
        return out
    }

    /// The parsed ZPL of a file (the last one stays parsed).
    private func zpl(_ file: LabelFile) throws(RunError) -> ZPLLabelFile {
        if let parsed, parsed.path == file.path { return parsed.file }
        let bytes = try Self.read(file.path)
        let document: ZPLDocument
        do { document = try ZPLDocument(bytes, policy: zplPolicy) } catch {
            // Refused now but read when the run started: the file changed, or the allowlist did.
            throw RunError(code: "run.not_zpl", message: "\(file.path) cannot be printed as it is: \(error.message) Either the file or printer.zpl_allow changed since the run started; restore it, or cancel the run and start a new one.")
        }
        let zpl = ZPLLabelFile(document)
        guard zpl.labelCount == file.labels.count else { throw changed(file.path) }
        parsed = (file.path, zpl)
        return zpl
    }

    /// The source's files (name, path): the file itself, or the directory's `.zpl`/`.pdf` files
    /// in name order (numbers compared as numbers).
    private func fileNames() throws(RunError) -> [(String, String)] {
        let path = source.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RunError(code: "run.no_source", message: "\(path) does not exist. Check the path: --labels takes a .zpl or .pdf file or a directory of them.")
        }
        guard isDirectory.boolValue else { return [((path as NSString).lastPathComponent, path)] }
        guard let all = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw RunError(code: "run.no_source", message: "The label directory \(path) cannot be read; check its permissions.")
        }
        let names = all.filter { name in
            let lower = name.lowercased()
            return (lower.hasSuffix(".zpl") || lower.hasSuffix(".pdf")) && !name.hasPrefix(".")
        }.sorted { $0.compare($1, options: [.numeric]) == .orderedAscending }
        guard !names.isEmpty else {
            throw RunError(code: "run.empty", message: "The label directory \(path) holds no .zpl or .pdf files.")
        }
        return names.map { ($0, path + "/" + $0) }
    }

    private func changed(_ path: String) -> RunError {
        RunError(code: "run.source_changed", message: "\(path) does not hold the labels it held when the run started; it was changed. Restore it, or cancel the run and start a new one.")
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

    /// A label-counting printer settles chunks by its counter, so one order must be one format.
    static func checkOneFormat(_ bytes: [UInt8], what: String) throws(RunError) {
        let formats = formatCount(bytes)
        guard formats == 1 else {
            throw RunError(code: "run.multi_label", message: "\(what) makes \(formats) ZPL formats; a run counts one label per package of an order so that it can tell exactly which came out. Use a template (or carrier labels) that make one ZPL format per package.")
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
