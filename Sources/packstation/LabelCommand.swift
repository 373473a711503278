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
            One label per order (an order file may hold several; PNG and SVG take one). A label the carrier \
            sent with the order is used as it is for the shipping template, never replaced. \
            Templates: \(LabelTemplate.builtinNames.joined(separator: ", ")), or a JSON file (see docs/templates).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case zpl, pdf, png, svg }

    @Option(name: .long, help: ArgumentHelp("The order as JSON (an object, an array, or JSON lines).", valueName: "ORDER.json"))
    var order: String

    @Option(name: .long, help: "Output format: zpl, pdf, png, or svg (the preview the kiosk shows, drawn by a browser).")
    var format: Format

    @Option(name: .long, help: ArgumentHelp("A built-in template name or a template JSON file.", valueName: "shipping|packing-slip|FILE"))
    var template = "shipping"

    @Option(name: .long, help: "Printer resolution: 203, 300 or 600.")
    var dpi = 203

    @Option(name: .long, help: "Copies of each label (ZPL ^PQ; repeated pages in PDF).")
    var copies = 1

    @Option(name: .customLong("printer-font"), help: "What the printer's resident font shows: latin (default) or ascii; other text is sent as graphics.")
    var printerFont = "latin"

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
        let labelTemplate = try LabelMaker.template(named: template)
        let orders = try OrderFile.orders(bytes: try readInput(order, what: "order file"), name: order)
        if let missing = orders.first(where: { $0.shipment == nil }) {
            throw StationError(code: "label.no_shipment", message: "Order \(missing.id) has no shipment (carrier, addresses), so no label can be made. Add \"shipment\" to the order or wait for the server to send it.")
        }
        if let (refused, reasons) = orders.lazy.compactMap({ o in Self.shippingBlocks(o).map { (o, $0) } }).first {
            throw StationError(code: "label.not_shippable", message: "Order \(refused.id) cannot be shipped: \(reasons.joined(separator: " and ")). No label was written; resolve the order on the server first.")
        }
        var file = try OutputFile(path: out)
        do {
            switch format {
            case .zpl:
                let stream = ZPLStream(template: labelTemplate, density: density, renderer: ZPLRenderer(rasterizer: CairoTextRasterizer(), coverage: coverage), imageDecoder: CairoPNGDecoder(), pdfReader: PopplerPDF(), copies: copies)
                try stream.stream(orders.lazy.map { LabelContext(order: $0) }, to: &file)
            case .pdf:
                try writePDF(orders, template: labelTemplate, density: density, to: &file)
            case .png:
                guard orders.count == 1 else {
                    throw StationError(code: "label.png_many", message: "\(order) holds \(orders.count) orders; a PNG shows one label. Use --format pdf for several.")
                }
                let context = LabelContext(order: orders[0])
                if labelTemplate.carrierLabelReplaces, let carrier = orders[0].shipment?.label {
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
                if labelTemplate.carrierLabelReplaces, let carrier = orders[0].shipment?.label {
                    throw carrierMismatch(orders[0], carrier)
                }
                try file.write(try LabelSVG.render(labelTemplate.layout(for: LabelContext(order: orders[0]), density: density))[...])
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
        if template.carrierLabelReplaces, let carrier = orders.lazy.compactMap({ $0.shipment?.label }).first(where: { $0.format == .pdf }) {
            guard orders.count == 1 else {
                throw StationError(code: "label.pdf_merge", message: "An order in \(order) carries the carrier's own PDF label, which is printed as it is; render that order on its own.")
            }
            _ = try PopplerPDF().pageSizes(carrier.data)
            try file.write(carrier.data[...])
            return
        }
        let writer = PDFLabelWriter(sink: file)
        for order in orders {
            var layout = template.layout(for: LabelContext(order: order), density: density)
            if template.carrierLabelReplaces, let carrier = order.shipment?.label {
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
