import PackCore

/// Where streamed label bytes go: a file, a socket, a print job. Called with chunks of whole labels.
public protocol LabelSink {
    /// Takes the next chunk; throwing stops the stream.
    mutating func write(_ bytes: ArraySlice<UInt8>) throws
}

/// Decodes a carrier's PNG into a 1-bit bitmap (the graphics adapter implements it).
public protocol MonoImageDecoder: Sendable {
    /// The image thresholded to black and white, one pixel per printer dot.
    func monoBitmap(png: [UInt8]) throws(LabelError) -> MonoBitmap
}

/// Makes ZPL for orders one at a time into a sink: memory stays the size of one chunk however
/// many labels run (bulk runs stream 10,000 labels this way).
public struct ZPLStream: Sendable {
    /// The design.
    public let template: LabelTemplate
    /// The printer's resolution.
    public let density: PrinterDensity
    /// The renderer (with its text rasterizer, if any).
    public let renderer: ZPLRenderer
    /// Turns a carrier's PNG into ^GF; without it, PNG carrier labels are refused for ZPL.
    public let imageDecoder: (any MonoImageDecoder)?
    /// Rasterizes a carrier's PDF into ^GF labels, one per page; without it, PDF carrier labels are refused for ZPL.
    public let pdfReader: (any PDFReading)?
    /// Copies of each label.
    public let copies: Int
    /// What a carrier's ZPL may carry (`printer.zpl_allow` in station.toml widens it).
    public let zplPolicy: ZPLPolicy
    let compiled: CompiledZPLTemplate

    /// Creates a stream.
    public init(template: LabelTemplate, density: PrinterDensity, renderer: ZPLRenderer = ZPLRenderer(), imageDecoder: (any MonoImageDecoder)? = nil, pdfReader: (any PDFReading)? = nil, copies: Int = 1, zplPolicy: ZPLPolicy = .carrier) {
        self.template = template
        self.density = density
        self.renderer = renderer
        self.imageDecoder = imageDecoder
        self.pdfReader = pdfReader
        self.copies = copies
        self.zplPolicy = zplPolicy
        compiled = CompiledZPLTemplate(template, density: density, renderer: renderer)
    }

    /// Appends the order's label: the carrier's own when the template allows and the order has
    /// one (never silently replaced), else the template filled in.
    public func appendLabel(for context: LabelContext, to out: inout [UInt8]) throws(LabelError) {
        // `case .none` tests in place; `!= nil` copied the whole shipment first.
        if case .none = context.order.shipment {
            throw LabelError(code: "label.no_shipment", message: "Order \(context.order.id) has no shipment (carrier, addresses), so no \(template.name) label can be made; the server must send the shipment first.")
        }
        // Per package: the carrier's label of this package (package 1's is `shipment.label`).
        if template.carrierLabelReplaces, context.order.shipment?.label != nil || context.order.shipment?.hasLabelPerPackage == true {
            guard let carrier = context.order.shipment?.carrierLabel(package: context.package) else {
                let why = context.order.shipment?.hasLabelPerPackage == true
                    ? "no label for package \(context.package) of \(context.order.shipment?.packages ?? 1)"
                    : "one label for the whole shipment (shipment.label), written with package 1"
                throw LabelError(code: "carrier.label_missing", message: "Order \(context.order.id): the carrier sent \(why); have the server add one label per package (shipment.labels). No label of ours is made in its place.")
            }
            switch carrier.format {
            case .zpl:
                out += try CarrierZPL(bytes: carrier.data, policy: zplPolicy).bytes
            case .png:
                guard let imageDecoder else {
                    throw LabelError(code: "carrier.png_unsupported", message: "Order \(context.order.id) carries a PNG label from the carrier and this build cannot convert images.")
                }
                let bitmap = try imageDecoder.monoBitmap(png: carrier.data)
                let layout = LabelLayout(size: LabelSize(widthMM: Double(bitmap.width) / Double(density.dotsPerMM), heightMM: Double(bitmap.height) / Double(density.dotsPerMM)), density: density, elements: [.image(ImageBlock(x: 0, y: 0, bitmap: bitmap))], copies: copies)
                try renderer.render(layout, into: &out)
            case .pdf:
                guard let pdfReader else {
                    throw LabelError(code: "carrier.pdf_on_zpl", message: "Order \(context.order.id) carries the carrier's own label as a PDF, which a ZPL printer cannot print and this build cannot rasterize; print it with --format pdf (or on a PDF printer). It is not replaced by a label of ours.")
                }
                // Into a buffer of its own: a page that fails leaves no half order in the stream.
                var pages: [UInt8] = []
                do {
                    try PDFLabels(reader: pdfReader, density: density, labelSize: template.size).appendLabels(carrier.data, copies: copies, to: &pages)
                } catch {
                    throw LabelError(code: error.code, message: "Order \(context.order.id), the carrier's PDF label: \(error.message)")
                }
                out += pages
            }
            return
        }
        try compiled.render(context, copies: copies, into: &out)
    }

    /// Streams one label per context into the sink, in chunks of about `chunkBytes`; returns the label count.
    @discardableResult
    public func stream<Contexts: Sequence, Sink: LabelSink>(_ contexts: Contexts, to sink: inout Sink, chunkBytes: Int = 64 << 10) throws -> Int where Contexts.Element == LabelContext {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunkBytes + 8192)
        var count = 0
        for context in contexts {
            try appendLabel(for: context, to: &buffer)
            count += 1
            if buffer.count >= chunkBytes {
                try sink.write(buffer[...])
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { try sink.write(buffer[...]) }
        return count
    }
}
