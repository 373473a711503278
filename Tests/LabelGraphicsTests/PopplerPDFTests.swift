import Foundation
import LabelGraphics
import Labels
import PackCore
import Testing

/// PDFs read through poppler: page counts and sizes as pdfinfo gives them, whatever wrote the file.
struct PopplerPDFPageTests {
    enum Variant: String, CaseIterable {
        case cairo, pdf14, objectStreams, encryptedEmptyPassword, rotated, mixedSizes
    }

    static func pdf(_ variant: Variant) throws -> [UInt8] {
        switch variant {
        case .cairo: return try PDFFixtures.ours()
        case .pdf14: return PDFFixtures.plain([.init(), .init(), .init()])
        // PDF 1.5: compressed cross-reference stream and object streams, as most libraries write.
        case .objectStreams: return try PDFFixtures.qpdf(PDFFixtures.ours(), ["--object-streams=generate", "--compress-streams=y"])
        case .encryptedEmptyPassword: return try PDFFixtures.qpdf(PDFFixtures.ours(), ["--encrypt", "", "owner-secret", "256", "--"])
        case .rotated: return try PDFFixtures.qpdf(PDFFixtures.ours(), ["--rotate=+90:1"])
        case .mixedSizes: return PDFFixtures.plain([.init(), .init(width: 595.28, height: 841.89), .init(width: 432, height: 288, rotate: 270)])
        }
    }

    @Test(arguments: Variant.allCases)
    func sizesAgreeWithPdfinfo(variant: Variant) throws {
        let pdf = try Self.pdf(variant)
        let sizes = try PopplerPDF().pageSizes(pdf)
        let expected = try PDFFixtures.pdfinfo(pdf)
        try #require(!expected.isEmpty, "pdfinfo read no page")
        #expect(sizes.count == expected.count)
        for (got, want) in zip(sizes, expected) {
            // pdfinfo prints sizes to 3 significant decimals.
            #expect(abs(got.widthPoints - want.widthPoints) < 0.01 && abs(got.heightPoints - want.heightPoints) < 0.01, "\(got) against pdfinfo's \(want)")
        }
    }

    @Test func objectStreamsReallyAreCompressed() throws {
        let pdf = try Self.pdf(.objectStreams)
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.contains("/ObjStm") && text.contains("/XRef") && !text.contains("\nxref\n"))
        #expect(try PopplerPDF().pageCount(pdf) == 2)
    }

    @Test func aRotatedPageIsMeasuredAsShown() throws {
        let sizes = try PopplerPDF().pageSizes(try Self.pdf(.rotated))
        // 4 × 6 in on the printer's grid: 812 × 1219 dots at 8 dots/mm = 287.7 × 431.9 pt.
        #expect(sizes[0].widthPoints > 431 && sizes[0].heightPoints < 288, "page 1 is turned: \(sizes[0])")
        #expect(sizes[1].widthPoints < 288 && sizes[1].heightPoints > 431)
        #expect(sizes[1].description == "4 × 6 in")
    }

    struct Bad: Sendable, CustomStringConvertible {
        var name: String
        var make: @Sendable () throws -> [UInt8]
        var code: String
        var says: String
        var description: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "empty", make: { [] }, code: "pdf.empty", says: "The PDF is empty (0 bytes)"),
        Bad(name: "HTML", make: { Array("<html><body>Label</body></html>\n%%EOF".utf8) }, code: "pdf.invalid", says: "not a PDF (it does not start with %PDF-)"),
        Bad(name: "PNG", make: { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] }, code: "pdf.invalid", says: "ask the sender for the label again, as a PDF or as ZPL"),
        Bad(name: "cut off", make: { let pdf = try PDFFixtures.ours(); return Array(pdf.prefix(pdf.count / 2)) }, code: "pdf.truncated", says: "The PDF is cut off: it has no %%EOF at its end"),
        Bad(name: "password", make: { try PDFFixtures.qpdf(PDFFixtures.ours(), ["--encrypt", "user-secret", "owner-secret", "256", "--"]) }, code: "pdf.password", says: "protected by a password"),
        Bad(name: "no pages", make: { PDFFixtures.plain([]) }, code: "pdf.no_pages", says: "The PDF has no pages"),
        Bad(name: "damaged", make: { Array("%PDF-1.7\n\u{1}\u{2}garbage without objects\n%%EOF\n".utf8) }, code: "pdf.damaged", says: "The PDF cannot be read: it is damaged"),
    ]

    @Test(arguments: bad)
    func aBadPDFIsRefusedSayingWhatIsWrong(bad: Bad) throws {
        let pdf = try bad.make()
        for attempt in [{ _ = try PopplerPDF().pageSizes(pdf) }, { _ = try PopplerPDF().rasterize(pdf, page: 0, dotsPerInch: 203) }] {
            let error = try #require(throws: LabelError.self) { try attempt() }
            #expect(error.code == bad.code, "\(error)")
            #expect(error.message.contains(bad.says), "\(error.message)")
        }
    }

    @Test func aPageThatIsNotThereIsNamed() throws {
        let error = try #require(throws: LabelError.self) { try PopplerPDF().rasterize(try PDFFixtures.ours(), page: 2, dotsPerInch: 203) }
        #expect(error.code == "pdf.no_such_page" && error.message == "The PDF has 2 pages; page 3 does not exist.")
    }
}
