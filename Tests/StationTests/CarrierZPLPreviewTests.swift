import Foundation
import Labels
import PackCore
import Station
import Testing

/// The kiosk's preview of an order whose carrier label is ZPL: the label drawn in-process.
@Suite struct CarrierZPLPreviewTests {
    static let zpl = Array("""
        ~DGR:LOGO.GRF,00016,002,FFFF800180018001800180018001FFFF
        ^XA^PW812^LL1218^FO20,20^XGR:LOGO.GRF,2,2^FS^FO60,100^A0N,40,40^FDCARRIER LABEL^FS
        ^FO60,300^BY3^BCN,200,Y,N,N^FD1Z4W8F270327595804^FS^XZ
        """.utf8)

    static func order(_ label: CarrierLabel) -> Order {
        let a = Address(name: "Margaret Holloway", street: ["1420 Birchwood Ave"], city: "Pittsburgh", postalCode: "15238", country: "US")
        return Order(id: "SO-9", barcodes: ["ORD-9"], lines: [Order.Line(sku: "MUG", description: "Mug", quantity: 1)],
                     shipment: Shipment(carrier: "UPS", service: "Ground", tracking: "1Z4W8F270327595804", from: a, to: a, label: label))
    }

    static func zbar(_ png: [UInt8]) throws -> [String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("carrier-preview-\(UUID().uuidString).png").path
        try Data(png).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--nodbus", "-q", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func aCarrierZPLLabelIsPrintedAsSentAndPreviewedAsDrawn() throws {
        let maker = LabelMaker(template: LabelTemplate.builtin("shipping")!, density: .dpi203, format: .zpl)
        let documents = try maker.documents(for: Self.order(CarrierLabel(format: .zpl, data: Self.zpl)))
        #expect(documents[0].bytes == Self.zpl)
        let preview = try #require(documents[0].preview)
        #expect(preview.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try Self.zbar(preview) == ["CODE-128:1Z4W8F270327595804"])
    }

    @Test func aStreamThePreviewCannotReadHasNoPreviewButStillPrints() throws {
        // ^XA without ^XZ: printing reports it; the kiosk shows no picture rather than a wrong one.
        #expect(LabelMaker.carrierZPLPreview(Array("^XA^FO10,10^FDcut off".utf8), density: .dpi203) == nil)
        #expect(LabelMaker.carrierZPLPreview(Array("^XA^MCY^XZ".utf8), density: .dpi203) == nil)
    }
}
