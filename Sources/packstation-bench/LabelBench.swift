import Foundation
import LabelGraphics
import Labels
import PackCore

/// Label generation on one core: ZPL labels/s against zpl-core (Python, PyPI) building the same
/// label in the same run; PDF pages/s against ReportLab; resident memory while streaming 10,000
/// labels through the streaming API (ZPL and PDF).
enum LabelBench {
    static let zplLabels = Int(ProcessInfo.processInfo.environment["LABELS"] ?? "300000")!
    static let pdfPages = 2_000

    /// Distinct orders (names, tracking numbers, lines) cycled through the runs.
    static func makeOrders(_ count: Int) -> [Order] {
        let names = ["Anna Muster", "Łukasz Żółkiewski", "Jean-Luc Côté", "María José Pérez", "Søren Kierkegaard"]
        return (0..<count).map { n in
            let to = Address(name: names[n % names.count], company: n % 3 == 0 ? "ACME Logistics GmbH" : nil, street: ["Hauptstraße \(n % 200 + 1)", "Hinterhaus \(n % 7)"], city: "Berlin", region: nil, postalCode: String(10_115 + n % 900), country: "DE", phone: "+49 30 \(1_000_000 + n)")
            let from = Address(name: "Packstation Demo GmbH", street: ["Lagerstraße 5"], city: "Hamburg", postalCode: "20095", country: "DE")
            return Order(id: "SO-\(100_000 + n)", barcodes: ["ORD-\(100_000 + n)"], priority: n % 4 == 0 ? .express : .standard,
                         lines: [Order.Line(sku: "SKU-\(n % 50)", description: "Widget", quantity: 1 + n % 3, weightGrams: 250 + n % 500)],
                         shipment: Shipment(carrier: "DHL", service: "Paket", tracking: "JJD0003900\(String(format: "%011d", n))", from: from, to: to))
        }
    }

    struct NullSink: LabelSink {
        var bytes = 0
        mutating func write(_ chunk: ArraySlice<UInt8>) throws { bytes += chunk.count }
    }

    static func rssMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return .nan }
        return kb / 1024
    }

    static func run() {
        let orders = makeOrders(10_000)
        let template = LabelTemplate.builtin("shipping")!
        let stream = ZPLStream(template: template, density: .dpi203)

        // ZPL: template → layout → bytes, one label at a time into a reused buffer.
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 17)
        var bytes = 0
        let start = Measure.now()
        for i in 0..<zplLabels {
            try! stream.appendLabel(for: LabelContext(order: orders[i % orders.count]), to: &buffer)
            if buffer.count > 1 << 16 {
                bytes += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        bytes += buffer.count
        let zplSeconds = Double(Measure.now() - start) / 1e9
        let ours = Double(zplLabels) / zplSeconds

        // PDF: the same layout through cairo/pango/zint, page by page into a counting sink.
        let pdfStart = Measure.now()
        let writer = PDFLabelWriter(sink: NullSink())
        for i in 0..<pdfPages { try! writer.addPage(template.layout(for: LabelContext(order: orders[i % orders.count]), density: .dpi203)) }
        try! writer.finish()
        let pdfSeconds = Double(Measure.now() - pdfStart) / 1e9
        let pdfRate = Double(pdfPages) / pdfSeconds

        let peers = runPeers(orders: Array(orders.prefix(2_000)))
        print("One core, 203 dpi 4×6 in shipping label (docs/templates/shipping.json: 17 fields, Code 128 + GS1-128 + QR), \(orders.count) distinct orders cycled:\n")
        print("| what | ours | peer (same run) | ratio |")
        print("|---|---:|---:|---:|")
        print(String(format: "| ZPL labels/s (order → compiled template → ZPL, %d labels, %.0f B/label) | %.0f | zpl-core %@ | %@ |", zplLabels, Double(bytes) / Double(zplLabels), ours, fmt(peers.zpl), ratio(ours, peers.zpl)))
        print(String(format: "| PDF pages/s (vector, fonts embedded, %d pages) | %.0f | ReportLab %@ | %@ |", pdfPages, pdfRate, fmt(peers.pdf), ratio(pdfRate, peers.pdf)))
        if let note = peers.note { print("\n\(note)") }
        streamingMemory(orders: orders, template: template)
    }

    /// RSS after 1,000 and after 10,000 labels streamed: flat means no batch kept in memory.
    static func streamingMemory(orders: [Order], template: LabelTemplate) {
        let stream = ZPLStream(template: template, density: .dpi203)
        var sink = NullSink()
        var marks: [(Int, Double)] = []
        for chunk in 0..<10 {
            let slice = orders[(chunk * 1_000)..<((chunk + 1) * 1_000)]
            _ = try! stream.stream(slice.lazy.map { LabelContext(order: $0) }, to: &sink)
            marks.append(((chunk + 1) * 1_000, rssMiB()))
        }
        let writer = PDFLabelWriter(sink: NullSink())
        var pdfMarks: [(Int, Double)] = []
        for (i, order) in orders.enumerated() {
            try! writer.addPage(template.layout(for: LabelContext(order: order), density: .dpi203))
            if (i + 1) % 1_000 == 0 { pdfMarks.append((i + 1, rssMiB())) }
        }
        try! writer.finish()
        print("\nStreaming 10,000 labels into a sink (VmRSS of the benchmark process after n labels):\n")
        print("| n | ZPL stream RSS | PDF writer RSS |")
        print("|---:|---:|---:|")
        for (z, p) in zip(marks, pdfMarks) where [1_000, 2_000, 5_000, 10_000].contains(z.0) {
            print(String(format: "| %d | %.1f MiB | %.1f MiB |", z.0, z.1, p.1))
        }
        print(String(format: "\nZPL bytes streamed: %.1f MiB; PDF bytes: %.1f MiB.", Double(sink.bytes) / 1_048_576, Double(writer.sink.bytes) / 1_048_576))
    }

    static func fmt(_ v: Double?) -> String { v.map { String(format: "%.0f", $0) } ?? "n/a" }
    static func ratio(_ a: Double, _ b: Double?) -> String { b.map { String(format: "%.1f×", a / $0) } ?? "n/a" }

    /// zpl-core and ReportLab building the same label from the same orders (fields resolved per order).
    static func runPeers(orders: [Order]) -> (zpl: Double?, pdf: Double?, note: String?) {
        let rows = orders.map { o -> String in
            let s = o.shipment!
            let fields: [String] = [o.id, s.carrier, s.service, s.tracking ?? "", s.to.name, s.to.company ?? "", s.to.street.joined(separator: "\n"), "\(s.to.postalCode ?? "") \(s.to.city)", s.to.country, s.from.name, s.from.street[0], "\(s.from.postalCode ?? "") \(s.from.city)", s.to.postalCode ?? "", o.priority == .express ? "EXPRESS" : ""]
            return fields.map { $0.replacingOccurrences(of: "\n", with: "\\n") }.joined(separator: "\t")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("packstation-bench-labels.tsv")
        try? rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("packstation-bench-labels.py")
        try? peerScript.write(to: script, atomically: true, encoding: .utf8)
        let result = Measure.shell("python3 \(script.path) \(file.path) \(zplLabels / 10) \(pdfPages / 10) 2>&1")
        var zpl: Double?, pdf: Double?
        var notes: [String] = []
        for line in result.output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.first == "zpl", parts.count == 2 { zpl = Double(parts[1]) }
            else if parts.first == "pdf", parts.count == 2 { pdf = Double(parts[1]) }
            else { notes.append(String(line)) }
        }
        return (zpl, pdf, notes.isEmpty ? nil : "Peer notes: " + notes.joined(separator: "; ") + " (install with `pip install zpl-core reportlab`).")
    }

    static let peerScript = #"""
import sys, time, io
rows = [l.split("\t") for l in open(sys.argv[1], encoding="utf-8").read().split("\n")]
n_zpl, n_pdf = int(sys.argv[2]), int(sys.argv[3])
try:
    from zpl_core.builder import build_label
    def spec(r):
        oid, carrier, service, tracking, name, company, street, city, country, fname, fstreet, fcity, postal, prio = r
        addr = "\\&".join([name] + ([company] if company else []) + street.split("\\n") + [city, country])
        f = [
            {"type": "text", "x_mm": 3, "y_mm": 2, "data": "FROM", "font_height_mm": 2},
            {"type": "text", "x_mm": 3, "y_mm": 5.5, "data": "\\&".join([fname, fstreet, fcity, "DE"]), "font_height_mm": 2.5, "block": {"width_mm": 58, "lines": 7}},
            {"type": "text", "x_mm": 63, "y_mm": 2, "data": carrier, "font_height_mm": 5.5},
            {"type": "text", "x_mm": 63, "y_mm": 10, "data": service, "font_height_mm": 3},
            {"type": "box", "x_mm": 0, "y_mm": 29, "width_mm": 101.6, "height_mm": 0.4},
            {"type": "text", "x_mm": 3, "y_mm": 31, "data": "SHIP TO", "font_height_mm": 2.5},
            {"type": "text", "x_mm": 8, "y_mm": 35.5, "data": addr, "font_height_mm": 4.2, "block": {"width_mm": 90, "lines": 8}},
            {"type": "box", "x_mm": 0, "y_mm": 77, "width_mm": 101.6, "height_mm": 0.4},
            {"type": "text", "x_mm": 3, "y_mm": 79, "data": country + "-" + postal, "font_height_mm": 8},
            {"type": "barcode", "symbology": "code128", "x_mm": 10, "y_mm": 90, "data": ">;>8420" + postal, "height_mm": 15},
            {"type": "barcode", "symbology": "qrcode", "x_mm": 72, "y_mm": 80, "data": tracking},
            {"type": "box", "x_mm": 0, "y_mm": 111, "width_mm": 101.6, "height_mm": 0.4},
            {"type": "text", "x_mm": 3, "y_mm": 113, "data": "TRACKING # " + tracking, "font_height_mm": 3},
            {"type": "barcode", "symbology": "code128", "x_mm": 10, "y_mm": 118, "data": tracking, "height_mm": 18},
            {"type": "box", "x_mm": 0, "y_mm": 143, "width_mm": 101.6, "height_mm": 0.4},
            {"type": "text", "x_mm": 3, "y_mm": 145, "data": "Order " + oid, "font_height_mm": 3},
            {"type": "text", "x_mm": 76, "y_mm": 145, "data": "1 of 1", "font_height_mm": 3},
        ]
        if prio:
            f.append({"type": "text", "x_mm": 63, "y_mm": 17, "data": prio, "font_height_mm": 6})
        return {"dpi": 203, "width_mm": 101.6, "height_mm": 152.4, "char_encoding": 28, "fields": f}
    t = time.perf_counter(); total = 0
    for i in range(n_zpl):
        z, issues = build_label(spec(rows[i % len(rows)]))
        total += len(z)
    print("zpl", n_zpl / (time.perf_counter() - t))
except ImportError:
    print("zpl-core missing")
try:
    from reportlab.pdfgen import canvas
    from reportlab.lib.units import mm, inch
    from reportlab.graphics.barcode import code128, qr
    from reportlab.graphics.shapes import Drawing
    from reportlab.graphics import renderPDF
    t = time.perf_counter()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(4 * inch, 6 * inch))
    H = 6 * inch
    for i in range(n_pdf):
        oid, carrier, service, tracking, name, company, street, city, country, fname, fstreet, fcity, postal, prio = rows[i % len(rows)]
        c.setFont("Helvetica", 6); c.drawString(3 * mm, H - 4 * mm, "FROM")
        for k, l in enumerate([fname, fstreet, fcity, "DE"]): c.drawString(3 * mm, H - (8 + 3 * k) * mm, l)
        c.setFont("Helvetica-Bold", 16); c.drawRightString(99 * mm, H - 8 * mm, carrier)
        c.setFont("Helvetica", 9); c.drawRightString(99 * mm, H - 14 * mm, service)
        c.line(0, H - 29 * mm, 4 * inch, H - 29 * mm)
        c.setFont("Helvetica-Bold", 12)
        for k, l in enumerate([name] + ([company] if company else []) + street.split("\\n") + [city, country]): c.drawString(8 * mm, H - (40 + 5 * k) * mm, l)
        c.line(0, H - 77 * mm, 4 * inch, H - 77 * mm)
        c.setFont("Helvetica-Bold", 22); c.drawString(3 * mm, H - 87 * mm, country + "-" + postal)
        code128.Code128("420" + postal, barHeight=15 * mm, barWidth=0.25 * mm).drawOn(c, 10 * mm, H - 105 * mm)
        d = Drawing(26 * mm, 26 * mm); d.add(qr.QrCodeWidget(tracking, barWidth=26 * mm, barHeight=26 * mm)); renderPDF.draw(d, c, 72 * mm, H - 106 * mm)
        c.setFont("Helvetica", 9); c.drawString(3 * mm, H - 116 * mm, "TRACKING # " + tracking)
        code128.Code128(tracking, barHeight=18 * mm, barWidth=0.375 * mm).drawOn(c, 5 * mm, H - 136 * mm)
        c.drawString(3 * mm, H - 149 * mm, "Order " + oid)
        c.showPage()
    c.save()
    print("pdf", n_pdf / (time.perf_counter() - t))
except ImportError:
    print("reportlab missing")
"""#
}
