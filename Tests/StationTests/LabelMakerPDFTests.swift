import Foundation
import PackCore
import Station
import Testing

/// An order whose carrier label is a PDF, through the agent's LabelMaker: printed as it is on a
/// PDF printer, as one ^GF label per page on a ZPL printer, and previewed on the kiosk as page
/// 1's dots (a PNG) either way.
struct LabelMakerPDFTests {
    /// A valid PDF 1.4 of `pages` 4 × 6 in pages, each with a black bar.
    static func pdf(pages: Int) -> [UInt8] {
        var objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Count \(pages) /Kids [\((0..<pages).map { "\(3 + 2 * $0) 0 R" }.joined(separator: " "))] >>"]
        let content = "0 g 20 20 100 50 re f"
        for i in 0..<pages {
            objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] /Contents \(4 + 2 * i) 0 R >>")
            objects.append("<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream")
        }
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, object) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n" + offsets.map { String(format: "%010d 00000 n \n", $0) }.joined()
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(out.utf8)
    }

    static func order(carrier: [UInt8]) -> Order {
        let address = Address(name: "Pat Jones", street: ["634 Alpha Dr"], city: "Pittsburgh", region: "PA", postalCode: "15238", country: "US")
        return Order(id: "SO-PDF", lines: [Order.Line(sku: "MUG", quantity: 1)],
                     shipment: Shipment(carrier: "UPS", service: "Ground", tracking: "1Z999AA10123456784", from: address, to: address, label: CarrierLabel(format: .pdf, data: carrier)))
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47]

    @Test func onAZPLPrinterEachPageIsOneGFLabelAndTheKioskSeesPageOne() throws {
        let maker = LabelMaker(template: try LabelMaker.template(named: "shipping"), density: .dpi203, format: .zpl)
        let documents = try maker.documents(for: Self.order(carrier: Self.pdf(pages: 2)))
        let label = try #require(documents.first)
        let zpl = String(decoding: label.bytes, as: UTF8.self)
        #expect(label.format == .zpl)
        #expect(zpl.components(separatedBy: "^XA").count - 1 == 2 && zpl.components(separatedBy: "^GFA,").count - 1 == 2)
        #expect(label.preview?.starts(with: Self.png) == true, "the kiosk gets a PNG of the printer's dots")
    }

    @Test func onAPDFPrinterThePDFGoesAsItIsWithAPreview() throws {
        let pdf = Self.pdf(pages: 1)
        let maker = LabelMaker(template: try LabelMaker.template(named: "shipping"), density: .dpi300, format: .pdf)
        let label = try #require(try maker.documents(for: Self.order(carrier: pdf)).first)
        #expect(label.format == .pdf && label.bytes == pdf)
        #expect(label.preview?.starts(with: Self.png) == true)
    }

    @Test func aCutOffCarrierPDFIsRefusedNamingTheOrder() throws {
        let maker = LabelMaker(template: try LabelMaker.template(named: "shipping"), density: .dpi203, format: .zpl)
        let error = try #require(throws: StationError.self) { try maker.documents(for: Self.order(carrier: Array(Self.pdf(pages: 1).prefix(200)))) }
        #expect(error.code == "pdf.truncated")
        #expect(error.message == "Order SO-PDF: The PDF is cut off: it has no %%EOF at its end (200 bytes arrived); ask the sender for the label again.")
    }
}
