import Foundation
import LabelGraphics
import Labels
import PackCore
import Testing

struct CollectingSink: LabelSink {
    var bytes: [UInt8] = []
    var writes = 0
    mutating func write(_ chunk: ArraySlice<UInt8>) throws {
        bytes += chunk
        writes += 1
    }
}

enum Sample {
    static func order(name: String = "Łukasz Żółkiewski", company: String? = "山田商事株式会社") -> Order {
        let to = Address(name: name, company: company, street: ["ul. Świętokrzyska 12", "Ольга Петрова"], city: "Warszawa", postalCode: "00-916", country: "PL")
        let from = Address(name: "Packstation Demo GmbH", street: ["Lagerstraße 5"], city: "Hamburg", postalCode: "20095", country: "DE")
        return Order(id: "SO-7", barcodes: ["ORD-7"], lines: [Order.Line(sku: "MUG", description: "Mug", quantity: 1)],
                     shipment: Shipment(carrier: "DHL", service: "Paket", tracking: "JJD000390007812345678", from: from, to: to))
    }

    static func layout(_ density: PrinterDensity = .dpi203, template: String = "shipping", order: Order = order()) -> LabelLayout {
        LabelTemplate.builtin(template)!.layout(for: LabelContext(order: order), density: density)
    }

    /// Width and height from a PNG's IHDR.
    static func pngSize(_ png: [UInt8]) -> (Int, Int) {
        func be(_ i: Int) -> Int { png[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }
}

struct LabelPNGTests {
    @Test(arguments: [(PrinterDensity.dpi203, 812, 1219), (.dpi300, 1219, 1828), (.dpi600, 2438, 3657)])
    func pngHasOnePixelPerPrinterDot(density: PrinterDensity, width: Int, height: Int) throws {
        let png = try LabelPNG.render(Sample.layout(density))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(Sample.pngSize(png) == (width, height))
    }

    @Test(arguments: [2, 3, 4])
    func barsAreWholeMultiplesOfTheModuleInDots(module: Int) throws {
        let code = BarcodeBlock(frame: DotRect(x: 0, y: 0, width: 1_000, height: 100), symbology: .code128, data: "1Z999AA10123456784", moduleDots: module, humanReadable: false)
        let bitmap = try LabelPNG.bitmap(LabelLayout(size: .a4, density: .dpi203, elements: [.barcode(code)]))
        var runs: [Int] = []
        var x = 0
        while x < bitmap.width {
            let black = bitmap[x, 50]
            var n = 0
            while x < bitmap.width && bitmap[x, 50] == black { n += 1; x += 1 }
            if black { runs.append(n) }
        }
        // Start B, "1Z999AA1", CODE C, 5 digit pairs, check: 16 characters of 3 bars; the stop has 4.
        #expect(runs.count == 16 * 3 + 4)
        #expect(runs.allSatisfy { $0 % module == 0 && $0 / module >= 1 && $0 / module <= 4 })
    }

    @Test func hugeTextNeverLeavesItsBox() throws {
        let frame = DotRect(x: 100, y: 100, width: 300, height: 60)
        let text = String(repeating: "Łukasz 山田 Ольга שלום ", count: 600)
        let block = TextBlock(frame: frame, text: text, fontHeight: 28, fit: .wrap(maxLines: 2))
        let bitmap = try LabelPNG.bitmap(LabelLayout(size: .inches2x1, density: .dpi600, elements: [.text(block)]))
        var inside = 0, outside = 0
        for y in 0..<bitmap.height {
            for x in 0..<bitmap.width where bitmap[x, y] {
                if x >= frame.x && x < frame.x + frame.width && y >= frame.y && y < frame.y + frame.height { inside += 1 } else { outside += 1 }
            }
        }
        #expect(inside > 1000)
        #expect(outside == 0)
    }

    @Test func aPNGReadsBackAsTheSameDots() throws {
        let layout = Sample.layout()
        let decoded = try CairoPNGDecoder().monoBitmap(png: try LabelPNG.render(layout))
        #expect(decoded == (try LabelPNG.bitmap(layout)))
        #expect(throws: LabelError.self) { try CairoPNGDecoder().monoBitmap(png: Array("GIF89a".utf8)) }
        #expect(throws: LabelError.self) { try CairoPNGDecoder().monoBitmap(png: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A]) }
    }

    @Test func badBarcodeDataIsRefusedLikeInZPL() {
        let code = BarcodeBlock(frame: DotRect(x: 0, y: 0, width: 800, height: 100), symbology: .gs1_128, data: "(00)340123450000000018", moduleDots: 2)
        let layout = LabelLayout(size: .inches4x4, density: .dpi203, elements: [.barcode(code)])
        #expect { try LabelPNG.render(layout) } throws: { ($0 as? LabelError)?.code == "barcode.gs1" }
        #expect { try ZPLRenderer().render(layout) } throws: { ($0 as? LabelError)?.code == "barcode.gs1" }
    }
}

struct PDFLabelWriterTests {
    @Test func onePagePerLabelWithFontsEmbedded() throws {
        let writer = PDFLabelWriter(sink: CollectingSink())
        for density in PrinterDensity.supported { try writer.addPage(Sample.layout(density)) }
        try writer.addPage(Sample.layout(template: "packing-slip-a4"))
        try writer.finish()
        let pdf = writer.sink.bytes
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-"))
        #expect(try PopplerPDF().pageCount(pdf) == 4)
        #expect(writer.pages == 4)
        #expect(writer.sink.writes >= 4, "bytes reach the sink page by page")
        // 4×6 in on the printer's dot grid: 812×1219 dots at 8 dots/mm = 287.7×431.9 pt; A4 = 595.3×841.9 pt.
        #expect(text.components(separatedBy: "/MediaBox [ 0 0 287.7").count - 1 == 1)
        #expect(text.components(separatedBy: "/MediaBox [ 0 0 595.2").count - 1 == 1)
        #expect(text.contains("/FontFile"))
        #expect(text.contains("NotoSansCJK"))
    }
}

struct ZPLGraphicsTests {
    @Test func textTheResidentFontLacksIsSentAsAGraphic() throws {
        let renderer = ZPLRenderer(rasterizer: CairoTextRasterizer())
        let zpl = String(decoding: try renderer.render(Sample.layout()), as: UTF8.self)
        #expect(zpl.contains("^GFA,"))
        #expect(!zpl.contains("山田") && !zpl.contains("Ольга"))
        // Latin text (Polish included) stays text.
        let latin = String(decoding: try renderer.render(Sample.layout(order: Sample.order(company: nil).withStreet(["Świętokrzyska 12"]))), as: UTF8.self)
        #expect(!latin.contains("^GFA,"))
        #expect(latin.contains("Łukasz Żółkiewski"))
    }

    @Test func aCarrierPNGBecomesOneGFLabel() throws {
        let png = try LabelPNG.render(Sample.layout(template: "packing-slip"))
        var order = Sample.order()
        order.shipment?.label = CarrierLabel(format: .png, data: png)
        var out: [UInt8] = []
        try ZPLStream(template: LabelTemplate.builtin("shipping")!, density: .dpi203, imageDecoder: CairoPNGDecoder()).appendLabel(for: LabelContext(order: order), to: &out)
        let zpl = String(decoding: out, as: UTF8.self)
        #expect(zpl.hasPrefix("^XA^CI28^PW812^LL1219"))
        #expect(zpl.components(separatedBy: "^GFA,").count == 2)
        #expect(zpl.utf8.count < 60_000, "compressed, not raw hex (\(812 / 8 * 1219 * 2) bytes)")
    }
}

extension Order {
    func withStreet(_ street: [String]) -> Order {
        var copy = self
        copy.shipment?.to.street = street
        return copy
    }
}

struct CompiledWithRasterizerTests {
    @Test(arguments: ["Łukasz Żółkiewski", "山田太郎", "Ольга ^XZ", "שלום", "Anna"])
    func compiledOutputEqualsTheLayoutRenderer(name: String) throws {
        let renderer = ZPLRenderer(rasterizer: CairoTextRasterizer())
        let order = Sample.order(name: name, company: nil).withStreet(["Hauptstraße 1"])
        for template in ["shipping", "packing-slip"] {
            var fast: [UInt8] = []
            try ZPLStream(template: LabelTemplate.builtin(template)!, density: .dpi203, renderer: renderer).appendLabel(for: LabelContext(order: order), to: &fast)
            let slow = try renderer.render(LabelTemplate.builtin(template)!.layout(for: LabelContext(order: order), density: .dpi203))
            #expect(fast == slow)
        }
    }
}

/// Text drawn from many threads at once: pango's one font map is shared under a lock, so labels
/// rendered concurrently (several benches) are the same dots as one rendered alone.
struct ConcurrentTextTests {
    @Test func labelsRenderedAtOnceAreTheSameAsAlone() async throws {
        let layout = Sample.layout()
        let alone = try LabelPNG.bitmap(layout)
        let together = try await withThrowingTaskGroup(of: MonoBitmap.self) { group in
            for _ in 0..<16 { group.addTask { try LabelPNG.bitmap(layout) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(together.count == 16)
        #expect(together.allSatisfy { $0 == alone })
    }
}
