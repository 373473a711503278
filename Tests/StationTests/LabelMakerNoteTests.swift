import Foundation
import PackCore
import Station
import Testing

/// The replacement of a voided label (`CMD:VOID`): our own label carries the note across its
/// top in every format, a carrier's label is printed exactly as the carrier made it.
struct LabelMakerNoteTests {
    static func order(carrier: CarrierLabel? = nil) -> Order {
        let address = Address(name: "Pat Jones", street: ["634 Alpha Dr"], city: "Pittsburgh", region: "PA", postalCode: "15238", country: "US")
        return Order(id: "SO-VOID", lines: [Order.Line(sku: "MUG", quantity: 1)],
                     shipment: Shipment(carrier: "UPS", service: "Ground", tracking: "1Z999AA10123456784", from: address, to: address, packages: 2, label: carrier))
    }

    static let label = [PackageLabel(package: 2, packages: 2, reprint: true)]

    @Test func ourZPLLabelCarriesTheNoteReversedAndStillItsContent() throws {
        let maker = LabelMaker(template: try LabelMaker.template(named: "shipping"), density: .dpi203, format: .zpl)
        let plain = String(decoding: try #require(try maker.documents(for: Self.order(), labels: Self.label, packingSlip: false).first).bytes, as: UTF8.self)
        let noted = try #require(try maker.documents(for: Self.order(), labels: Self.label, packingSlip: false, note: LabelMaker.voidNote).first)
        let zpl = String(decoding: noted.bytes, as: UTF8.self)
        #expect(!plain.contains(LabelMaker.voidNote))
        #expect(zpl.contains("^FD\(LabelMaker.voidNote)^FS") && zpl.contains("^FR"), "\(zpl)")
        #expect(zpl.contains("1Z999AA10123456784") && zpl.contains("Pat Jones"), "the label is still the package's label")
        #expect(noted.preview.map { String(decoding: $0, as: UTF8.self).contains(LabelMaker.voidNote) } == true, "the kiosk shows the note too")
    }

    @Test func ourPDFLabelCarriesTheNote() throws {
        let maker = LabelMaker(template: try LabelMaker.template(named: "shipping"), density: .dpi203, format: .pdf)
        let noted = try #require(try maker.documents(for: Self.order(), labels: Self.label, packingSlip: false, note: LabelMaker.voidNote).first)
        let path = NSTemporaryDirectory() + "void-\(UUID().uuidString).pdf"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(noted.bytes).write(to: URL(fileURLWithPath: path))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        p.arguments = [path, "-"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(text.contains(LabelMaker.voidNote), "\(text)")
    }

    @Test func aCarrierLabelIsPrintedAsItIsWithoutTheNote() throws {
        let carrier = Array("^XA^FO50,50^A0N,40,40^FDCARRIER^FS^XZ\n".utf8)
        let maker = LabelMaker(template: try LabelMaker.template(named: "shipping"), density: .dpi203, format: .zpl)
        let noted = try maker.documents(for: Self.order(carrier: CarrierLabel(format: .zpl, data: carrier)), labels: [PackageLabel(package: 1, packages: 2, reprint: true)], packingSlip: false, note: LabelMaker.voidNote)
        #expect(noted.map(\.bytes) == [carrier])
    }
}
