import Foundation
import Labels
import PackCore
import Testing

struct CarrierLabelTests {
    static let two = Array("~SD20\n~DGR:LOGO.GRF,2,1,FF00\n^XA^FO10,10^XGR:LOGO.GRF^FS^FDone^FS^XZ\n~DGR:LOGO.GRF,2,1,00FF\n^XA^MCY^XZ\n^XA^FO10,10^FDtwo^FS^PQ2^XZ\n".utf8)

    @Test func aZPLStreamIsReadIntoItsLabelsAndKeptByteForByte() throws {
        // Issue 13: graphics downloaded between labels and a settings format were refused as
        // "commands between label 1 and 2"; ^PQ2 was counted as one label.
        let zpl = try CarrierZPL(bytes: Self.two)
        #expect(zpl.bytes == Self.two)
        #expect(zpl.labels.count == 2)
        #expect(zpl.labelCount == 3)
        #expect(String(decoding: zpl.labels[1], as: UTF8.self) == "^XA^FO10,10^FDtwo^FS^PQ2^XZ\n")
    }

    @Test(arguments: [
        ("^XA^FDone^FS", "carrier.zpl_truncated"),
        ("^XA^FDone^XA^FDtwo^XZ", "carrier.zpl_unclosed"),
        ("^FDone^XZ", "carrier.zpl_unopened"),
        ("hello", "carrier.zpl_empty"),
        // Settings only: nothing would come out.
        ("^XA^XZ ^MD30 ^XA^MCY^XZ", "carrier.zpl_empty"),
        // What harms the printer or other jobs, wherever it is.
        ("^XA^FO1,1^FDa^FS^XZ~JR", "carrier.zpl_refused"),
        // Found by FuzzCarrierZPL: a ^ command before the first label was kept as the prologue and printed.
        ("^JUS^XA^FO1,1^FDa^FS^XZ", "carrier.zpl_refused"),
        ("~JA\n^MD30\n^XA^FO1,1^FDa^FS^XZ", "carrier.zpl_refused"),
        ("~DGR:LOGO.GRF,8,1,FF00\n^XA^FO1,1^FDa^FS^XZ", "carrier.zpl_payload"),
    ])
    func brokenCarrierZPLIsRefused(text: String, code: String) {
        #expect { try CarrierZPL(bytes: Array(text.utf8)) } throws: { ($0 as? LabelError)?.code == code }
    }

    @Test func aSettingsOnlyCarrierFileSaysWhyNothingWouldPrint() {
        #expect {
            try CarrierZPL(bytes: Array("^XA^MCY^XZ^XA^PW812^LL1218^XZ".utf8))
        } throws: {
            ($0 as? LabelError)?.message == "The carrier's ZPL holds only formats that print nothing (2 of them: settings such as ^MC, ^PW, ^LL), so no label would come out; ask the carrier for the label again."
        }
    }

    @Test func aSiteCanAllowARefusedCommandForCarrierLabels() throws {
        let text = Array("~JA\n^XA^FO1,1^FDa^FS^XZ".utf8)
        #expect(throws: LabelError.self) { try CarrierZPL(bytes: text) }
        #expect(try CarrierZPL(bytes: text, policy: ZPLPolicy(allowed: ["~JA"])).bytes == text)
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
