import Foundation
import LabelGraphics
import Labels
import PackCore
import Testing

/// The carrier's manifest PDF as the driver and the office read it: the manifest id's Code 128
/// decodes (zbarimg on poppler's raster), every package is listed (pdftotext), the pages are
/// numbered, hostile text stays text.
@Suite struct ManifestPDFTests {
    static func manifest(loaded count: Int, paper: Manifest.Paper) -> Manifest {
        let loaded = (1...count).map { i in
            Manifest.Line(orderID: i == 1 ? "<script>alert(1)</script>" : "ORD-\(1000 + i)", package: 1, tracking: String(format: "1Z999AA1%08d", i),
                          service: i % 3 == 0 ? "Next Day Air" : "Ground", weightGrams: i % 5 == 0 ? nil : 1000 + i)
        }
        let missing = [Manifest.Line(orderID: "ORD-2002", package: 2, tracking: "PKG:ORD-2002:2", service: "Ground", weightGrams: 750)]
        return Manifest(id: "UPS-20261204-7", carrier: "UPS", date: "2026-12-04", closedAt: Date(timeIntervalSince1970: 1_796_400_000), closedBy: "Lou =1+1",
                        loaded: loaded, missing: missing, paper: paper)
    }

    @Test(arguments: [Manifest.Paper.a4, .letter])
    func barcodeDecodesAndEveryPackageIsListedOverNumberedPages(paper: Manifest.Paper) throws {
        let m = Self.manifest(loaded: 70, paper: paper)
        let pdf = try ManifestPDF.render(m)
        let dir = try PDFFixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(pdf).write(to: URL(fileURLWithPath: dir + "/m.pdf"))

        let sizes = try PDFFixtures.pdfinfo(pdf)
        let pages = paper == .a4 ? 2 : 3   // 70 packages, the missing one and the counts: Letter is shorter
        #expect(sizes.count == pages && ManifestLayout.pages(m).count == pages, "\(sizes)")
        let (w, h) = paper == .a4 ? (595.3, 841.9) : (612.0, 792.0)
        #expect(sizes.allSatisfy { abs(Double($0.widthPoints) - w) < 1.5 && abs(Double($0.heightPoints) - h) < 1.5 }, "\(paper): \(sizes)")
        let text = try PDFFixtures.run("/usr/bin/pdftotext", ["-layout", dir + "/m.pdf", "-"]).output
        for line in m.loaded + m.missing { #expect(text.contains(line.tracking), "\(line.tracking) is not in the PDF's text") }
        #expect(text.contains("<script>alert(1)</script>") && text.contains("Lou =1+1"), "hostile text is printed as text")
        for n in 1...pages { #expect(text.contains("Page \(n) of \(pages)"), "page \(n)") }
        #expect(text.contains("Expected and NOT loaded: 1"))
        #expect(text.range(of: #"TOTAL\s+70\s+package\(s\) in 70 order\(s\)\s+\#(Manifest.kilograms(m.totalWeightGrams).replacingOccurrences(of: ".", with: "\\."))"#, options: .regularExpression) != nil, "\(text.suffix(600))")
        #expect(text.contains("Next Day Air") && text.contains("Ground"))

        // The driver scans the manifest id on every page.
        _ = try PDFFixtures.run("/usr/bin/pdftoppm", ["-r", "200", "-png", dir + "/m.pdf", dir + "/page"])
        for page in 1...pages {
            let png = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/page-\(page).png")))
            #expect(try PDFFixtures.zbar(png: png) == ["CODE-128:UPS-20261204-7"], "page \(page)")
        }
    }
}
