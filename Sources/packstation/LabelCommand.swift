import ArgumentParser
import Foundation
import LabelGraphics
import Labels
import PackCore
import Station

/// `packstation label`: renders each order's shipping label or packing slip as ZPL, PDF, PNG or SVG.
struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Render an order's shipping label or packing slip to ZPL, PDF, PNG or SVG.",
        discussion: """
            One shipping label per package of each order ("1 of 3" … "3 of 3" for shipment.packages 3; an order \
            file may hold several orders); PNG and SVG show one label: package 1, or the one --package names. A \
            label the carrier sent with the order (one per package) is used as it is for the shipping template, \
            never replaced. \
            Templates: \(LabelTemplate.builtinNames.joined(separator: ", ")), or a JSON file (see docs/templates).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case zpl, pdf, png, svg }

    @Option(name: .long, help: ArgumentHelp("The order as JSON (an object, an array, or JSON lines).", valueName: "ORDER.json"))
    var order: String?

    @Argument(help: ArgumentHelp("A ZPL file to preview instead of an order's label (--format png or svg): a carrier's label drawn in-process, what the kiosk shows.", valueName: "FILE.zpl"))
    var zpl: String?

    @Option(name: .long, help: ArgumentHelp("With FILE.zpl: which printing label of the file to preview, from 1.", valueName: "N"))
    var label = 1

    @Option(name: .long, help: "Output format: zpl, pdf, png, or svg (the preview the kiosk shows, drawn by a browser).")
    var format: Format

    @Option(name: .long, help: ArgumentHelp("A built-in template name or a template JSON file.", valueName: "shipping|packing-slip|FILE"))
    var template = "shipping"

    @Option(name: .long, help: "Printer resolution: 203, 300 or 600.")
    var dpi = 203

    @Option(name: .long, help: ArgumentHelp("Only this package of the shipment (1 to shipment.packages); default: every package (ZPL, PDF), package 1 (PNG, SVG).", valueName: "K"))
    var package: Int?

    @Option(name: .long, help: "Copies of each label (ZPL ^PQ; repeated pages in PDF).")
    var copies = 1

    @Option(name: .customLong("printer-font"), help: "What the printer's resident font shows: latin (default) or ascii; other text is sent as graphics.")
    var printerFont = "latin"

    @OptionGroup var zplPolicy: ZPLPolicyOptions

    @Option(name: .long, help: ArgumentHelp("Where to write the result.", valueName: "FILE"))
    var out: String

    func run() throws {
        guard let density = PrinterDensity(dpi: dpi) else {
            throw StationError(code: "label.dpi", message: "--dpi \(dpi) is not a printer resolution; use 203, 300 or 600.")
        }
        guard (1...999).contains(copies) else {
            throw StationError(code: "label.copies", message: "--copies \(copies) is out of range; use 1 to 999.")
        }
        let coverage: ResidentFontCoverage
        switch printerFont {
        case "latin": coverage = .latin
        case "ascii": coverage = ResidentFontCoverage(ranges: [0x20...0x7E])
        default: throw StationError(code: "label.printer_font", message: "--printer-font \(printerFont) is not known; use latin or ascii.")
        }
        if let zpl { return try previewZPL(zpl, density: density) }
        guard let order else {
            throw StationError(code: "label.no_input", message: "Give --order ORDER.json to render an order's label, or a ZPL file to preview (packstation label --format png FILE.zpl --out FILE.png).")
        }
        let labelTemplate = try LabelMaker.template(named: template)
        let orders = try OrderFile.orders(bytes: try readInput(order, what: "order file"), name: order)
        if let missing = orders.first(where: { $0.shipment == nil }) {
            throw StationError(code: "label.no_shipment", message: "Order \(missing.id) has no shipment (carrier, addresses), so no label can be made. Add \"shipment\" to the order or wait for the server to send it.")
        }
        if let (refused, reasons) = orders.lazy.compactMap({ o in Self.shippingBlocks(o).map { (o, $0) } }).first {
            throw StationError(code: "label.not_shippable", message: "Order \(refused.id) cannot be shipped: \(reasons.joined(separator: " and ")). No label was written; resolve the order on the server first.")
        }
        if let package, let outside = orders.first(where: { package < 1 || package > ($0.shipment?.packages ?? 1) }) {
            let n = outside.shipment?.packages ?? 1
            throw StationError(code: "label.package", message: "--package \(package) is not a package of order \(outside.id), which ships in \(n) package\(n == 1 ? "" : "s"); use 1 to \(n).")
        }
        var file = try OutputFile(path: out)
        do {
            switch format {
            case .zpl:
                let stream = ZPLStream(template: labelTemplate, density: density, renderer: ZPLRenderer(rasterizer: CairoTextRasterizer(), coverage: coverage), imageDecoder: CairoPNGDecoder(), pdfReader: PopplerPDF(), copies: copies, zplPolicy: try zplPolicy.policy())
                try stream.stream(orders.lazy.flatMap { self.contexts($0, labelTemplate) }, to: &file)
            case .pdf:
                try writePDF(orders, template: labelTemplate, density: density, to: &file)
            case .png:
                guard orders.count == 1 else {
                    throw StationError(code: "label.png_many", message: "\(order) holds \(orders.count) orders; a PNG shows one label. Use --format pdf for several.")
                }
                let context = contexts(orders[0], labelTemplate)[0]
                let carrier = labelTemplate.carrierLabelReplaces ? try carrierLabel(orders[0], package: context.package) : nil
                if let carrier, carrier.format == .pdf {
                    // The carrier's PDF as a ZPL printer gets it and the kiosk previews it: page 1's dots.
                    let reader = PopplerPDF()
                    let sizes = try reader.pageSizes(carrier.data)
                    let labels = try PDFLabels(reader: reader, density: density, labelSize: labelTemplate.size).labels(carrier.data, index: 0, size: sizes[0])
                    let page = labels[0]
                    try file.write(try LabelPNG.render(page.layout)[...])
                    let more = labels.count > 1
                        ? "The carrier's PDF has \(sizes.count) page\(sizes.count == 1 ? "" : "s") and \(labels.count) labels on page 1; the PNG shows the first label (--format zpl gives every one)."
                        : sizes.count > 1 ? "The carrier's PDF has \(sizes.count) pages; the PNG shows page 1 (--format zpl gives every page)." : nil
                    for note in [page.note, more].compactMap({ $0 }) {
                        FileHandle.standardError.write(Data((note + "\n").utf8))
                    }
                } else if let carrier {
                    guard carrier.format == .png else { throw carrierMismatch(orders[0], carrier) }
                    _ = try CairoPNGDecoder().monoBitmap(png: carrier.data)
                    try file.write(carrier.data[...])
                } else {
                    try file.write(try LabelPNG.render(labelTemplate.layout(for: context, density: density))[...])
                }
            case .svg:
                guard orders.count == 1 else {
                    throw StationError(code: "label.svg_many", message: "\(order) holds \(orders.count) orders; an SVG shows one label. Use --format pdf for several.")
                }
                let context = contexts(orders[0], labelTemplate)[0]
                if labelTemplate.carrierLabelReplaces, let carrier = try carrierLabel(orders[0], package: context.package) {
                    throw carrierMismatch(orders[0], carrier)
                }
                try file.write(try LabelSVG.render(labelTemplate.layout(for: context, density: density))[...])
            }
            try file.commit()
        } catch let error as LabelError {
            file.discard()
            throw StationError(code: error.code, message: error.message)
        } catch {
            file.discard()
            throw error
        }
    }

    /// The labels to make for an order: every package, or the one `--package` names; PNG and
    /// SVG show one (package 1 unless named).
    func contexts(_ order: Order, _ template: LabelTemplate) -> [LabelContext] {
        let all = LabelContext.packages(of: order)
        if let package { return [all[package - 1]] }
        // One carrier label for the whole shipment (`shipment.label` alone) is written once.
        if let shipment = order.shipment, shipment.label != nil, !shipment.hasLabelPerPackage, template.carrierLabelReplaces {
            return [all[0]]
        }
        return format == .png || format == .svg ? [all[0]] : all
    }

    /// The carrier's label of one package, when the order carries carrier labels; a package
    /// without one is refused rather than given a label of ours.
    func carrierLabel(_ order: Order, package: Int) throws -> CarrierLabel? {
        guard let shipment = order.shipment, shipment.label != nil || shipment.hasLabelPerPackage else { return nil }
        guard let label = shipment.carrierLabel(package: package) else {
            let why = shipment.hasLabelPerPackage ? "no label for package \(package) of \(shipment.packages)" : "one label for the whole shipment (shipment.label), written with package 1"
            throw StationError(code: "label.carrier_missing", message: "Order \(order.id): the carrier sent \(why); render package 1, or have the server add one label per package (shipment.labels).")
        }
        return label
    }

    /// Why an order must not get a label (cancelled, on hold, payment not captured); nil when it may ship.
    static func shippingBlocks(_ order: Order) -> [String]? {
        var reasons: [String] = []
        if order.status == .cancelled { reasons.append("it is cancelled") }
        if order.status == .onHold { reasons.append("it is on hold") }
        if order.payment != .captured { reasons.append("its payment is \(order.payment.rawValue), not captured") }
        return reasons.isEmpty ? nil : reasons
    }

    func writePDF(_ orders: [Order], template: LabelTemplate, density: PrinterDensity, to file: inout OutputFile) throws {
        // A carrier's own PDF is passed through untouched; it cannot be merged with other pages.
        let labels = orders.flatMap { order in contexts(order, template).map { (order, $0) } }
        if template.carrierLabelReplaces, let carrier = try labels.lazy.compactMap({ try self.carrierLabel($0.0, package: $0.1.package) }).first(where: { $0.format == .pdf }) {
            guard labels.count == 1 else {
                throw StationError(code: "label.pdf_merge", message: "An order in \(order ?? "the order file") carries the carrier's own PDF label, which is printed as it is and cannot be merged with other labels; render that order on its own, one package at a time (--package K).")
            }
            _ = try PopplerPDF().pageSizes(carrier.data)
            try file.write(carrier.data[...])
            return
        }
        let writer = PDFLabelWriter(sink: file)
        for (order, context) in labels {
            var layout = template.layout(for: context, density: density)
            if template.carrierLabelReplaces, let carrier = try carrierLabel(order, package: context.package) {
                guard carrier.format == .png else { throw carrierMismatch(order, carrier) }
                let bitmap = try CairoPNGDecoder().monoBitmap(png: carrier.data)
                layout = LabelLayout(size: LabelSize(widthMM: Double(bitmap.width) / Double(density.dotsPerMM), heightMM: Double(bitmap.height) / Double(density.dotsPerMM)), density: density, elements: [.image(ImageBlock(x: 0, y: 0, bitmap: bitmap))])
            }
            for _ in 0..<copies { try writer.addPage(layout) }
        }
        try writer.finish()
        file = writer.sink
    }

    func carrierMismatch(_ order: Order, _ carrier: CarrierLabel) -> StationError {
        StationError(code: "label.carrier_format", message: "Order \(order.id) carries the carrier's own label as \(carrier.format.rawValue.uppercased()), which is printed as it is and cannot be turned into \(format.rawValue.uppercased()); use --format \(carrier.format.rawValue).")
    }
}

/// The output file, written beside its final name and renamed into place only when complete,
/// so a failed render never leaves a half label where a printer job might pick it up.
struct OutputFile: LabelSink {
    let path: String
    let temporary: String
    let handle: FileHandle

    init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StationError(code: "output.directory", message: "--out \(path) is a directory; give a file name.")
        }
        temporary = path + ".partial-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
            let dir = (path as NSString).deletingLastPathComponent
            throw StationError(code: "output.unwritable", message: "Cannot write \(path): the folder \(dir.isEmpty ? "." : dir) does not exist or is not writable.")
        }
        self.handle = handle
    }

    mutating func write(_ bytes: ArraySlice<UInt8>) throws {
        do { try handle.write(contentsOf: Data(bytes)) } catch {
            throw StationError(code: "output.write", message: "Writing \(path) failed: \(error.localizedDescription). Free some disk space and try again.")
        }
    }

    func commit() throws {
        try? handle.close()
        guard rename(temporary, path) == 0 else {
            discard()
            throw StationError(code: "output.rename", message: "Cannot replace \(path) (\(String(cString: strerror(errno)))).")
        }
    }

    func discard() {
        try? handle.close()
        unlink(temporary)
    }
}
