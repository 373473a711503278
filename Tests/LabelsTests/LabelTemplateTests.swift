import Foundation
import Labels
import PackCore
import Testing

struct LabelTemplateTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/templates").standardized

    @Test(arguments: LabelTemplate.builtinNames)
    func builtInTemplatesAreTheFilesAdminsEdit(name: String) throws {
        let file = try String(contentsOf: Self.docs.appendingPathComponent("\(name).json"), encoding: .utf8)
        #expect(LabelTemplate.builtinJSON[name] == String(file.dropLast(file.hasSuffix("\n") ? 1 : 0)))
        let template = try LabelTemplate(json: Array(file.utf8), source: name)
        #expect(template.name == name)
        for density in PrinterDensity.supported {
            _ = try ZPLRenderer().render(template.layout(for: LabelContext(order: try Fixtures.order("order-unicode.json")), density: density))
        }
    }

    static func template(_ elements: String, size: String = "\"4x6\"") -> String {
        "{\"name\": \"t\", \"size\": \(size), \"elements\": [\(elements)]}"
    }

    @Test(arguments: [
        (#"{"type": "text", "x": 1, "y": 1, "width": 10, "height": 5, "font": 3, "text": "{to.nmae}"}"#, "t.json.elements[0].text: unknown field {to.nmae}"),
        (#"{"type": "text", "x": 95, "y": 1, "width": 10, "height": 5, "font": 3, "text": "x"}"#, "t.json.elements[0]: ends at x = 105.0 mm, past the label's width of 101.6 mm"),
        (#"{"type": "text", "x": 1, "y": 150, "width": 10, "height": 5, "font": 3, "text": "x"}"#, "past the label's height of 152.4 mm"),
        (#"{"type": "text", "x": "1", "y": 1, "width": 10, "height": 5, "font": 3, "text": "x"}"#, "t.json.elements[0].x must be a number (millimetres), not a string"),
        (#"{"type": "circle", "x": 1, "y": 1}"#, "t.json.elements[0].type: \"circle\" is not an element type"),
        (#"{"type": "barcode", "x": 1, "y": 1, "width": 10, "height": 5, "symbology": "ean13", "data": "x"}"#, "\"ean13\" is not supported"),
        (#"{"type": "text", "x": 1, "y": 1, "width": 10, "height": 5, "font": 3, "text": "{line.sku}"}"#, "{line.sku} is a per-line field"),
        (#"{"type": "text", "x": 1, "y": 1, "width": 10, "height": 5, "font": 3, "text": "open { brace"}"#, "'{' without a closing '}'"),
        (#"{"type": "text", "x": 1, "y": 1, "width": 10, "height": 5, "font": 300, "text": "x"}"#, "t.json.elements[0].font is 300; it must be between 0.5 and 100.0"),
        (#"{"type": "text", "x": 1, "y": 1, "width": 10, "height": 5, "font": 3, "text": "x", "fit": "squeeze"}"#, "\"squeeze\" is not a fit"),
    ])
    func badTemplatesSayWhatAndWhere(element: String, message: String) {
        #expect {
            try LabelTemplate(json: Array(Self.template(element).utf8), source: "t.json")
        } throws: { error in
            (error as? LabelError)?.message.contains(message) == true
        }
    }

    @Test func badJSONAndSizeAreReported() {
        #expect { try LabelTemplate(json: Array("{\"name\": ".utf8), source: "t.json") } throws: { ($0 as? LabelError)?.code == "template.not_json" }
        #expect { try LabelTemplate(json: Array(Self.template(#"{"type": "line", "x": 0, "y": 0, "width": 10}"#, size: "\"6x9\"").utf8), source: "t.json") } throws: {
            ($0 as? LabelError)?.message.contains("unknown size \"6x9\"") == true
        }
        #expect { try LabelTemplate(json: Array(Self.template("").utf8), source: "t.json") } throws: { ($0 as? LabelError)?.code == "template.empty" }
    }

    @Test func customSizeAndFieldsFillIn() throws {
        let json = Self.template(#"{"type": "text", "x": 1, "y": 1, "width": 48, "height": 5, "font": 3, "text": "{{{order.id}}} {carrier}/{service} {package} of {packages} {weight}"}"#, size: #"{"width_mm": 50, "height_mm": 30}"#)
        let template = try LabelTemplate(json: Array(json.utf8), source: "t.json")
        let layout = template.layout(for: LabelContext(order: Fixtures.simple()), density: .dpi300)
        #expect(layout.widthDots == 600 && layout.heightDots == 360)
        guard case .text(let t) = layout.elements[0] else { Issue.record("not text"); return }
        #expect(t.text == "{SO-1} DHL/Paket 1 of 1 0.50 kg")
        #expect(t.frame == DotRect(x: 12, y: 12, width: 576, height: 60))
    }

    @Test func conditionalElementsAppearOnlyWithData() throws {
        let shipping = LabelTemplate.builtin("shipping")!
        func texts(_ order: Order) -> [String] {
            shipping.layout(for: LabelContext(order: order), density: .dpi203).elements.compactMap { if case .text(let t) = $0 { t.text } else { nil } }
        }
        var express = Fixtures.simple()
        express.priority = .express
        #expect(texts(express).contains("EXPRESS"))
        #expect(!texts(Fixtures.simple()).contains("EXPRESS"))
        // Without a tracking number the Code 128 is the package's dock code (docs/dock.md), said over it.
        let order = Fixtures.simple(tracking: nil)
        let untracked = shipping.layout(for: LabelContext(order: order), density: .dpi203)
        let codes = untracked.elements.compactMap { if case .barcode(let b) = $0, b.symbology == .code128 { b.data } else { nil } }
        #expect(codes == ["PKG:\(order.id):1"])
        #expect(texts(order).contains("PACKAGE PKG:\(order.id):1   ") && !texts(order).contains { $0.hasPrefix("TRACKING #") })
    }

    @Test func packingSlipShowsPackedAndShortAndCutsLongOrders() throws {
        let lines = (1...40).map { Order.Line(sku: "SKU-\($0)", description: "Item \($0)", quantity: 2) }
        let order = Fixtures.simple(lines: lines, gift: "Enjoy!")
        let result = try #require(Fixtures.packed(order, shortOne: "SKU-1"))
        let layout = LabelTemplate.builtin("packing-slip")!.layout(for: LabelContext(order: order, result: result), density: .dpi203)
        let texts = layout.elements.compactMap { if case .text(let t) = $0 { t.text } else { nil } }
        #expect(texts.contains("Units 80   packed 79   short 1"))
        #expect(texts.contains { $0.hasPrefix("… and ") && $0.contains("more lines") })
        #expect(texts.contains("Gift message: Enjoy!"))
        #expect(!texts.contains("SKU-40"))
    }
}
