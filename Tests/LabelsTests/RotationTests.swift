import Foundation
import Labels
import PackCore
import Testing

/// Rotated text and barcodes carry ZPL's field orientation (N, R, I, B), and a quarter-turned
/// Code 128 runs down its box: its length is fitted to the box's height, its bars fill the width.
struct RotationTests {
    static func template(rotation: Int) throws -> LabelTemplate {
        let json = """
            {"name": "rotated", "size": "4x6", "elements": [
              {"type": "text", "x": 3, "y": 2, "width": 60, "height": 8, "font": 4, "rotation": \(rotation), "text": "Order {order.id}"},
              {"type": "barcode", "x": 5, "y": 20, "width": 30, "height": 120, "symbology": "code128", "module": 0.375, "rotation": \(rotation), "data": "{tracking}", "human_readable": false}
            ]}
            """
        return try LabelTemplate(json: Array(json.utf8), source: "rotated.json")
    }

    @Test(arguments: [(0, "N"), (90, "R"), (180, "I"), (270, "B")])
    func fieldsCarryTheirOrientation(rotation: Int, letter: String) throws {
        let template = try Self.template(rotation: rotation)
        let order = Fixtures.simple(id: "SO-9", tracking: "1Z999AA10123456784")
        var out: [UInt8] = []
        let stream = ZPLStream(template: template, density: .dpi203)
        let fields = { (zpl: String) in zpl.split(separator: "\n").filter { $0.hasPrefix("^FO") } }
        try stream.appendLabel(for: LabelContext(order: order), to: &out)
        let zpl = String(decoding: out, as: UTF8.self)
        if rotation == 90 || rotation == 270 {
            // The 8 mm tall text box is the line length; 189 modules at 3 dots fit the 960-dot
            // height (not the 240-dot width), centred down the box; bars 240 dots across.
            #expect(fields(zpl).contains { $0.contains("^A0\(letter),32,32^FB64,1,") }, "\(zpl)")
            #expect(fields(zpl).contains { $0 == "^FO40,356^BY3^BC\(letter),240,N,N,N^FH^FD>:1Z999AA1>50123456784^FS" }, "\(zpl)")
        } else {
            // Upright or upside down the same box holds the symbol only at 1 dot, centred across, bars 960 tall.
            #expect(fields(zpl).contains { $0.contains("^A0\(letter),32,32^FB480,1,") }, "\(zpl)")
            #expect(fields(zpl).contains { $0 == "^FO65,160^BY1^BC\(letter),960,N,N,N^FH^FD>:1Z999AA1>50123456784^FS" }, "\(zpl)")
        }
        // The general renderer agrees with the compiled path.
        let slow = try ZPLRenderer().render(template.layout(for: LabelContext(order: order), density: .dpi203))
        #expect(slow == out)
    }
}
