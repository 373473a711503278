import Foundation
import LabelGraphics
import Labels
import PackCore

/// Makes the labels of one completed order, ready to print: the shipping label (the carrier's
/// own when the order carries one) and, when configured, the packing slip; each with a preview
/// for the kiosk (SVG the browser draws, or the carrier's PNG).
public struct LabelMaker: Sendable {
    public enum Format: String, Sendable { case zpl, pdf }

    /// One rendered document.
    public struct Document: Sendable {
        public var format: Format
        public var bytes: [UInt8]
        public var preview: [UInt8]?
    }

    public var template: LabelTemplate
    public var packingSlip: LabelTemplate?
    public var density: PrinterDensity
    public var format: Format
    /// Reads carriers' PDFs (page sizes, rasters for ZPL printers and previews).
    public var pdfReader: any PDFReading
    /// What a carrier's ZPL may carry (`printer.zpl_allow`); checked before it is printed as it is.
    public var zplPolicy: ZPLPolicy

    public init(template: LabelTemplate, packingSlip: LabelTemplate? = nil, density: PrinterDensity, format: Format, pdfReader: any PDFReading = PopplerPDF(), zplPolicy: ZPLPolicy = .carrier) {
        self.template = template
        self.packingSlip = packingSlip
        self.density = density
        self.format = format
        self.pdfReader = pdfReader
        self.zplPolicy = zplPolicy
    }

    /// A built-in template by name, or a template JSON file.
    public static func template(named name: String) throws(StationError) -> LabelTemplate {
        if let builtin = LabelTemplate.builtin(name) { return builtin }
        guard name.contains("/") || name.hasSuffix(".json") || FileManager.default.fileExists(atPath: name) else {
            throw StationError(code: "label.template_unknown", message: "Unknown template '\(name)'; use \(LabelTemplate.builtinNames.joined(separator: ", ")) or the path of a template JSON file (see docs/templates).")
        }
        do {
            return try LabelTemplate(json: try readInput(name, what: "template file"), source: name)
        } catch let error as LabelError {
            throw StationError(code: error.code, message: error.message)
        } catch let error as StationError {
            throw error
        } catch {
            throw StationError(code: "label.template", message: "\(name): \(error)")
        }
    }

    /// The order's documents: one shipping label per package of its shipment ("1 of N" to
    /// "N of N"), then the packing slip.
    public func documents(for order: Order) throws(StationError) -> [Document] {
        let n = order.shipment?.packages ?? 1
        let labels = (1...max(n, 1)).map { PackageLabel(package: $0, packages: n, weightGrams: order.shipment?.weightGrams(package: $0)) }
        return try documents(for: order, labels: labels, packingSlip: true)
    }

    /// The shipping labels of these packages, in order, then the packing slip when asked for
    /// and configured. A package's label is the carrier's own for that package when the order
    /// carries carrier labels; a package the carrier sent no label for is refused, never given
    /// a label of ours that would not be the carrier's. A carrier label for the whole shipment
    /// (`shipment.label` without `shipment.labels`) is printed once, with package 1.
    ///
    /// `note`, when given, is printed across the top of each of our own labels, white on black
    /// (`voidNote` on the replacement of a voided label); a carrier's label is never changed.
    public func documents(for order: Order, labels: [PackageLabel], packingSlip withSlip: Bool, note: String? = nil) throws(StationError) -> [Document] {
        guard let shipment = order.shipment else {
            throw StationError(code: "label.no_shipment", message: "Order \(order.id) has no shipment (carrier, addresses), so no label can be made.")
        }
        do {
            var documents: [Document] = []
            let carrierLabelled = template.carrierLabelReplaces && (shipment.label != nil || shipment.hasLabelPerPackage)
            for label in labels {
                let context = LabelContext(order: order, package: label.package, packages: label.packages, weightGrams: label.weightGrams)
                var carrier: CarrierLabel?
                if carrierLabelled {
                    guard let own = shipment.carrierLabel(package: label.package) else {
                        // One carrier label for the whole shipment (`shipment.label` alone, often
                        // one file with every package's label): printed once, with package 1.
                        if !shipment.hasLabelPerPackage { continue }
                        throw StationError(code: "label.carrier_missing", message: "Order \(order.id): the carrier sent no label for package \(label.package) of \(shipment.packages); have the server add it (shipment.labels, one per package). No label of ours is printed in its place.")
                    }
                    carrier = own
                }
                documents.append(try render(order, template, context: context, carrierLabel: carrier, note: note))
            }
            if withSlip, let packingSlip { documents.append(try render(order, packingSlip, context: LabelContext(order: order), carrierLabel: nil)) }
            return documents
        } catch let error as LabelError {
            throw StationError(code: error.code, message: "Order \(order.id): \(error.message)")
        } catch let error as StationError {
            throw error
        } catch {
            throw StationError(code: "label.render", message: "Order \(order.id): the label could not be made: \(error)")
        }
    }

    /// The kiosk's picture of a carrier's ZPL: its first printing label drawn in-process at the
    /// printer's resolution (PNG, with what could not be drawn faithfully written under it). Nil
    /// when the stream cannot be read: printing it reports why.
    public static func carrierZPLPreview(_ zpl: [UInt8], density: PrinterDensity) -> [UInt8]? {
        guard let document = try? ZPLDocument(zpl), !document.labels.isEmpty else { return nil }
        return try? ZPLPreview(density: density).render(document, label: 0, format: .png).bytes
    }

    /// The note on the replacement of a voided label (ASCII: every printer font has it).
    public static let voidNote = "REPRINT - replaces voided label"

    private func render(_ order: Order, _ template: LabelTemplate, context: LabelContext, carrierLabel: CarrierLabel?, note: String? = nil) throws -> Document {
        if let carrier = carrierLabel {
            switch (carrier.format, format) {
            case (.zpl, .zpl):
                // Printed as it is, once it is known to print a label and harm nothing.
                return Document(format: .zpl, bytes: try CarrierZPL(bytes: carrier.data, policy: zplPolicy).bytes, preview: Self.carrierZPLPreview(carrier.data, density: density))
            case (.pdf, _):
                return try carrierPDF(carrier.data, template: template)
            case (.png, _):
                let bitmap = try CairoPNGDecoder().monoBitmap(png: carrier.data)
                let layout = LabelLayout(size: LabelSize(widthMM: Double(bitmap.width) / Double(density.dotsPerMM), heightMM: Double(bitmap.height) / Double(density.dotsPerMM)), density: density, elements: [.image(ImageBlock(x: 0, y: 0, bitmap: bitmap))])
                return Document(format: format, bytes: try bytes(layout: layout, context: nil), preview: carrier.data)
            default:
                throw StationError(code: "label.carrier_format", message: "Order \(order.id) carries the carrier's own label as \(carrier.format.rawValue.uppercased()), which must be printed as it is, but this printer takes \(format.rawValue.uppercased()). Set printer.format = \"\(carrier.format.rawValue)\" or use a printer that takes it.")
            }
        }
        var layout = template.layout(for: context, density: density)
        if let note {
            // Drawn over the top of the label, so the layout is rendered on its own rather than
            // through the template's stored format.
            let height = max(24, layout.heightDots / 16)
            layout.elements.append(.text(TextBlock(frame: DotRect(x: 0, y: 0, width: layout.widthDots, height: height), text: note, fontHeight: height * 2 / 3, bold: true, alignment: .center, fit: .shrink, inverted: true)))
            return Document(format: format, bytes: try bytes(layout: layout, context: nil), preview: try LabelSVG.render(layout))
        }
        return Document(format: format, bytes: try bytes(layout: layout, context: context, template: template), preview: try LabelSVG.render(layout))
    }

    /// A carrier's PDF: as it is for a PDF printer, else each page rasterized at the printer's
    /// resolution into a ^GF label (two for a two-up sheet); either way the kiosk previews the
    /// first label as the printer's dots.
    private func carrierPDF(_ pdf: [UInt8], template: LabelTemplate) throws -> Document {
        let labels = PDFLabels(reader: pdfReader, density: density, labelSize: template.size)
        let sizes = try pdfReader.pageSizes(pdf)
        let firstPage = try labels.labels(pdf, index: 0, size: sizes[0])
        let preview = try LabelPNG.render(firstPage[0].layout)
        guard format == .zpl else { return Document(format: .pdf, bytes: pdf, preview: preview) }
        let renderer = ZPLRenderer()
        var zpl: [UInt8] = []
        for label in firstPage { try renderer.render(label.layout, into: &zpl) }
        for (index, size) in sizes.enumerated().dropFirst() {
            for label in try labels.labels(pdf, index: index, size: size) { try renderer.render(label.layout, into: &zpl) }
        }
        return Document(format: .zpl, bytes: zpl, preview: preview)
    }

    private func bytes(layout: LabelLayout, context: LabelContext?, template: LabelTemplate? = nil) throws -> [UInt8] {
        var sink = ByteSink()
        switch format {
        case .zpl:
            let renderer = ZPLRenderer(rasterizer: CairoTextRasterizer(), coverage: .latin)
            if let template, let context {
                _ = try ZPLStream(template: template, density: density, renderer: renderer, imageDecoder: CairoPNGDecoder(), pdfReader: pdfReader, zplPolicy: zplPolicy).stream([context], to: &sink)
            } else {
                sink.bytes = try renderer.render(layout)
            }
        case .pdf:
            let writer = PDFLabelWriter(sink: sink)
            try writer.addPage(layout)
            try writer.finish()
            sink = writer.sink
        }
        return sink.bytes
    }
}

/// Collects label bytes in memory (one order's labels).
struct ByteSink: LabelSink {
    var bytes: [UInt8] = []
    mutating func write(_ chunk: ArraySlice<UInt8>) throws { bytes += chunk }
}
