import Foundation
import Labels
import PackCore
import Testing

struct CarrierLabelTests {
    static let two = Array("~JA\n^XA^FO10,10^FDone^FS^XZ\n^XA^FO10,10^FDtwo^FS^XZ\n".utf8)

    @Test func aZPLStreamIsSplitIntoItsLabelsAndKeptByteForByte() throws {
        let zpl = try CarrierZPL(bytes: Self.two)
        #expect(zpl.labels.count == 2)
        #expect(String(decoding: zpl.labels[1], as: UTF8.self) == "^XA^FO10,10^FDtwo^FS^XZ")
        #expect(String(decoding: zpl.prologue, as: UTF8.self) == "~JA\n")
    }

    @Test(arguments: [
        ("^XA^FDone^FS", "carrier.zpl_truncated"),
        ("^XA^FDone^XA^FDtwo^XZ", "carrier.zpl_unclosed"),
        ("^FDone^XZ", "carrier.zpl_unopened"),
        ("hello", "carrier.zpl_empty"),
        ("^XA^XZ ^MD30 ^XA^XZ", "carrier.zpl_stray"),
        ("^XA^XZ~JR", "carrier.zpl_stray"),
        // Found by FuzzCarrierZPL: a ^ command before the first label was kept as the prologue and printed.
        ("^JUS^XA^XZ", "carrier.zpl_stray"),
        ("~JA\n^MD30\n^XA^XZ", "carrier.zpl_stray"),
    ])
    func brokenCarrierZPLIsRefused(text: String, code: String) {
        #expect { try CarrierZPL(bytes: Array(text.utf8)) } throws: { ($0 as? LabelError)?.code == code }
    }

    static func order(carrier: CarrierLabel) -> Order {
        var order = Fixtures.simple()
        order.shipment?.label = carrier
        return order
    }

    @Test func theCarriersZPLIsPrintedAsItIsNeverReplaced() throws {
        let zpl = try Fixtures.zpl(Self.order(carrier: CarrierLabel(format: .zpl, data: Self.two)))
        #expect(Array(zpl.utf8) == Self.two)
        // The packing slip is ours whatever the carrier sent.
        let slip = try Fixtures.zpl(Self.order(carrier: CarrierLabel(format: .zpl, data: Self.two)), template: "packing-slip")
        #expect(slip.contains("PACKING SLIP"))
    }

    @Test func aCarrierPDFNeedsAPDFReaderForAZPLPrinter() {
        let pdf = Array("%PDF-1.4\n<< /Type /Page >>\n%%EOF".utf8)
        #expect { try Fixtures.zpl(Self.order(carrier: CarrierLabel(format: .pdf, data: pdf))) } throws: {
            ($0 as? LabelError)?.message.contains("carries the carrier's own label as a PDF, which a ZPL printer cannot print and this build cannot rasterize; print it with --format pdf") == true
        }
    }

    @Test func aCarrierPNGNeedsAnImageDecoder() {
        #expect { try Fixtures.zpl(Self.order(carrier: CarrierLabel(format: .png, data: [0x89, 0x50]))) } throws: { ($0 as? LabelError)?.code == "carrier.png_unsupported" }
    }

    @Test func anOrderWithoutShipmentGetsNoLabel() {
        var order = Fixtures.simple()
        order.shipment = nil
        #expect { try Fixtures.zpl(order) } throws: { ($0 as? LabelError)?.code == "label.no_shipment" }
    }
}
