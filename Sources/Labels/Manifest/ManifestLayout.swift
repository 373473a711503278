import PackCore

/// A carrier's manifest laid out as pages of A4 or Letter (docs/dock.md): on every page the
/// manifest's id as a Code 128 barcode for the driver, the carrier, day and who closed it; then
/// the packages loaded (order, package, tracking, service, weight), those expected and not
/// loaded, the count and weight per service and the totals, continued over as many pages as it
/// takes, each numbered "Page N of M". Pure layout: LabelGraphics draws it.
public enum ManifestLayout {
    static let density = PrinterDensity.dpi300
    static let margin = 12.0        // mm
    static let rowHeight = 5.5      // mm
    static let font = 3.0           // mm, cap height of table text

    /// One line of the table part of the pages.
    enum Row: Hashable {
        case heading(String)
        case columns
        case package(index: Int, Manifest.Line)
        case note(String)
        case service(Manifest.ServiceCount)
        case total(orders: Int, packages: Int, grams: Int)
    }

    /// The pages.
    public static func pages(_ manifest: Manifest) -> [LabelLayout] {
        let size: LabelSize = manifest.paper == .a4 ? .a4 : .letter
        let headerBottom = margin + 44
        let footerTop = size.heightMM - margin - 8
        let perPage = max(1, Int((footerTop - headerBottom) / rowHeight))
        let rows = Self.rows(manifest)
        let chunks = stride(from: 0, to: max(rows.count, 1), by: perPage).map { Array(rows[$0..<min($0 + perPage, rows.count)]) }
        return chunks.enumerated().map { n, chunk in
            var elements = header(manifest, size: size)
            var y = headerBottom
            for row in chunk {
                elements += draw(row, y: y, width: size.widthMM)
                y += rowHeight
            }
            elements.append(text("Manifest \(manifest.id) · Page \(n + 1) of \(chunks.count)", x: margin, y: footerTop + 2, width: size.widthMM - 2 * margin, height: 5, font: 3, align: .center))
            return LabelLayout(size: size, density: density, elements: elements)
        }
    }

    static func rows(_ m: Manifest) -> [Row] {
        var rows: [Row] = [.heading("Packages loaded: \(m.loaded.count)"), .columns]
        rows += m.loaded.enumerated().map { .package(index: $0.offset + 1, $0.element) }
        if !m.missing.isEmpty {
            rows += [.heading("Expected and NOT loaded: \(m.missing.count) (closed with --allow-missing; they stay at the dock)"), .columns]
            rows += m.missing.enumerated().map { .package(index: $0.offset + 1, $0.element) }
        }
        rows.append(.heading("Per service"))
        rows += m.services.map(Row.service)
        rows.append(.total(orders: m.orderCount, packages: m.loaded.count, grams: m.totalWeightGrams))
        rows.append(.note("Weights in kg; packages without a known weight count as 0."))
        return rows
    }

    static func header(_ m: Manifest, size: LabelSize) -> [LabelElement] {
        let w = size.widthMM - 2 * margin
        let closed = m.closedAt.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
        return [
            text("CARRIER MANIFEST", x: margin, y: margin, width: w * 0.5, height: 9, font: 7, bold: true),
            text("\(m.carrier) · \(m.date)", x: margin, y: margin + 11, width: w * 0.5, height: 7, font: 5, bold: true, fit: .shrink),
            text("Closed \(closed) UTC by \(m.closedBy)", x: margin, y: margin + 20, width: w * 0.5, height: 5, font: 3, fit: .shrink),
            text("\(m.loaded.count) package(s), \(m.orderCount) order(s), \(Manifest.kilograms(m.totalWeightGrams)) kg", x: margin, y: margin + 27, width: w * 0.5, height: 5, font: 3, fit: .shrink),
            .barcode(BarcodeBlock(frame: DotRect(x: dots(margin + w * 0.52), y: dots(margin), width: dots(w * 0.48), height: dots(22)),
                                  symbology: .code128, data: m.id, moduleDots: 5, humanReadable: true)),
            .box(BoxShape(frame: DotRect(x: dots(margin), y: dots(margin + 40), width: dots(w), height: dots(0.5)), thickness: dots(0.5))),
        ]
    }

    static func draw(_ row: Row, y: Double, width: Double) -> [LabelElement] {
        let w = width - 2 * margin
        // Columns: #, order, package, tracking, service, weight (fractions of the width).
        let cols: [(Double, Double, TextBlock.Alignment)] = [(0, 0.06, .right), (0.08, 0.22, .left), (0.31, 0.06, .right), (0.39, 0.30, .left), (0.70, 0.18, .left), (0.89, 0.11, .right)]
        func cells(_ texts: [String], bold: Bool = false) -> [LabelElement] {
            zip(cols, texts).map { col, t in text(t, x: margin + w * col.0, y: y, width: w * col.1, height: rowHeight - 0.5, font: font, bold: bold, align: col.2, fit: .shrink) }
        }
        switch row {
        case .heading(let t): return [text(t, x: margin, y: y + 1, width: w, height: rowHeight - 0.5, font: 3.5, bold: true, fit: .shrink)]
        case .columns: return cells(["#", "Order", "Pkg", "Tracking", "Service", "kg"], bold: true)
        case .package(let i, let l): return cells([String(i), l.orderID, String(l.package), l.tracking, l.service, l.weightGrams.map(Manifest.kilograms) ?? "-"])
        case .note(let t): return [text(t, x: margin, y: y, width: w, height: rowHeight - 0.5, font: 2.5, fit: .shrink)]
        case .service(let s): return cells(["", s.service, String(s.packages), "package(s)", "", Manifest.kilograms(s.weightGrams)])
        case .total(let orders, let packages, let grams): return cells(["", "TOTAL", String(packages), "package(s) in \(orders) order(s)", "", Manifest.kilograms(grams)], bold: true)
        }
    }

    static func dots(_ mm: Double) -> Int { density.dots(mm) }

    static func text(_ t: String, x: Double, y: Double, width: Double, height: Double, font: Double, bold: Bool = false, align: TextBlock.Alignment = .left, fit: TextBlock.Fit = .wrap(maxLines: 1)) -> LabelElement {
        // Control characters never reach the page (a tab or line break from an order id would
        // move text out of its cell); the CSV keeps them as data.
        let clean = String(String.UnicodeScalarView(t.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        return .text(TextBlock(frame: DotRect(x: dots(x), y: dots(y), width: dots(width), height: dots(height)), text: clean, fontHeight: dots(font), bold: bold, alignment: align, fit: fit))
    }
}
