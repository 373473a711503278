import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LabelGraphics
import Labels
import Testing

/// The kiosk's SVG previews: the same dots as the PNG for everything but text, and a well-formed
/// document whatever the order's text holds.
struct LabelSVGTests {
    /// Everything an SVG holds that the tests read: filled rectangles in document order (black
    /// or white) and the text of each foreignObject.
    final class Reader: NSObject, XMLParserDelegate {
        var size: (Int, Int)?
        var rects: [(white: Bool, x: Int, y: Int, width: Int, height: Int)] = []
        var texts: [String] = []
        var elements: [String] = []
        var inDiv = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append(name)
            switch name {
            case "svg": size = (Int(attributes["width"] ?? "") ?? -1, Int(attributes["height"] ?? "") ?? -1)
            case "rect":
                rects.append((attributes["fill"] == "#fff", 0, 0, Int(attributes["width"] ?? "") ?? -1, Int(attributes["height"] ?? "") ?? -1))
            case "path":
                // Rectangles are written "Mx yhWvHh-WZ".
                let white = attributes["fill"] == "#fff"
                for part in (attributes["d"] ?? "").split(separator: "Z") where part.contains("h") {
                    let numbers = part.dropFirst().split(whereSeparator: { " hv".contains($0) }).compactMap { Double($0) }
                    if numbers.count == 5 { rects.append((white, Int(numbers[0]), Int(numbers[1]), Int(numbers[2]), Int(numbers[3]))) }
                }
            case "div":
                inDiv = true
                texts.append("")
            default: break
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "div" { inDiv = false }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inDiv { texts[texts.count - 1] += string }
        }

        static func read(_ svg: [UInt8]) throws -> Reader {
            let reader = Reader()
            let parser = XMLParser(data: Data(svg))
            parser.delegate = reader
            guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
            return reader
        }

        /// The rectangles drawn into a bitmap of the page, in order, white over black.
        func bitmap() -> MonoBitmap {
            var bitmap = MonoBitmap(width: size!.0, height: size!.1)
            for r in rects {
                for y in max(0, r.y)..<min(bitmap.height, r.y + r.height) {
                    for x in max(0, r.x)..<min(bitmap.width, r.x + r.width) { bitmap[x, y] = !r.white }
                }
            }
            return bitmap
        }
    }

    static let layouts: [(String, LabelLayout)] = {
        let frame = DotRect(x: 40, y: 60, width: 500, height: 120)
        func code(_ rotation: Rotation, _ symbology: BarcodeBlock.Symbology = .code128, _ data: String = "1Z999AA10123456784") -> LabelLayout {
            let f = rotation.isQuarterTurn ? DotRect(x: frame.x, y: frame.y, width: frame.height, height: frame.width) : frame
            return LabelLayout(size: .inches4x6, density: .dpi203, elements: [.barcode(BarcodeBlock(frame: f, symbology: symbology, data: data, moduleDots: 3, humanReadable: false, rotation: rotation))])
        }
        var logo = MonoBitmap(width: 37, height: 23)
        for y in 0..<23 { for x in 0..<37 where (x * 7 + y * 3) % 5 < 2 { logo[x, y] = true } }
        let shapes = LabelLayout(size: .inches4x6, density: .dpi203, elements: [
            .box(BoxShape(frame: DotRect(x: 10, y: 10, width: 792, height: 1199), thickness: 4)),
            .box(BoxShape(frame: DotRect(x: 20, y: 400, width: 772, height: 8), thickness: 8)),
            .image(ImageBlock(x: 600, y: 30, bitmap: logo)),
            .barcode(BarcodeBlock(frame: DotRect(x: 100, y: 500, width: 300, height: 300), symbology: .qr, data: "https://example.com/track/1Z999AA10123456784", moduleDots: 5)),
            .barcode(BarcodeBlock(frame: DotRect(x: 450, y: 500, width: 300, height: 300), symbology: .gs1_datamatrix, data: "(01)09506000134352(10)LOT42", moduleDots: 6)),
            .barcode(BarcodeBlock(frame: DotRect(x: 40, y: 900, width: 700, height: 200), symbology: .pdf417, data: "PACKSTATION 1001", moduleDots: 2)),
        ])
        return [("code128", code(.normal)), ("code128 turned 90°", code(.clockwise90)), ("code128 upside down", code(.upsideDown)),
                ("code128 turned 270°", code(.clockwise270)), ("GS1-128", code(.normal, .gs1_128, "(00)340123450000000017")),
                ("QR turned 90°", code(.clockwise90, .qr, "ORD-1001")), ("boxes, image, QR, DataMatrix, PDF417", shapes)]
    }()

    @Test(arguments: layouts.indices)
    func barsModulesBoxesAndImagesAreThePNGsDots(index: Int) throws {
        let (name, layout) = Self.layouts[index]
        let svg = try Reader.read(try LabelSVG.render(layout))
        #expect(svg.size! == (layout.widthDots, layout.heightDots), "\(name)")
        let drawn = svg.bitmap(), painted = try LabelPNG.bitmap(layout)
        #expect(painted.blackCount > 500, "\(name): nothing painted")
        var differing = 0
        for y in 0..<painted.height { for x in 0..<painted.width where drawn[x, y] != painted[x, y] { differing += 1 } }
        #expect(differing == 0, "\(name): \(differing) dots differ between the SVG and the PNG")
    }

    @Test func textIsTextWhateverTheAddressHolds() throws {
        let hostile = "<script>alert(1)</script> & ]]> \"'\u{0}\u{7}\u{1B}[31m \u{FFFE} Straße 山田 😀\r\nline 2"
        let layout = LabelLayout(size: .inches4x6, density: .dpi203, elements: [
            .text(TextBlock(frame: DotRect(x: 20, y: 20, width: 700, height: 200), text: hostile, fontHeight: 40, fit: .wrap(maxLines: 4))),
            .text(TextBlock(frame: DotRect(x: 20, y: 300, width: 800, height: 100), text: hostile, fontHeight: 20, bold: true, fit: .shrink, inverted: true, rotation: .clockwise90)),
        ])
        let bytes = try LabelSVG.render(layout)
        let svg = try Reader.read(bytes)
        #expect(!svg.elements.contains("script"), "\(svg.elements)")
        let shown = "<script>alert(1)</script> & ]]> \"'\u{FFFD}\u{FFFD}\u{FFFD}[31m \u{FFFD} Straße 山田 😀\nline 2"
        #expect(svg.texts == [shown, shown.replacingOccurrences(of: "\n", with: " ")])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("-webkit-line-clamp:4"))
        #expect(text.contains("color:#fff"), "inverted text is white on black")
        #expect(text.contains("transform=\"matrix(0 1 -1 0 "), "the turned block turns its text")
    }

    @Test func longTextIsCutToWhatTheBoxCanShow() throws {
        let address = String(repeating: "Hauptstraße 1, ", count: 10_000)
        let layout = LabelLayout(size: .inches4x6, density: .dpi203, elements: [.text(TextBlock(frame: DotRect(x: 0, y: 0, width: 400, height: 60), text: address, fontHeight: 30))])
        let bytes = try LabelSVG.render(layout)
        #expect(bytes.count < 4_000, "\(bytes.count) bytes for a two-line box")
    }

    @Test func badBarcodeDataIsRefusedAsInThePNG() throws {
        let layout = LabelLayout(size: .inches4x6, density: .dpi203, elements: [.barcode(BarcodeBlock(frame: DotRect(x: 0, y: 0, width: 500, height: 100), symbology: .gs1_128, data: "(01)12345", moduleDots: 2))])
        #expect { try LabelSVG.render(layout) } throws: { ($0 as? LabelError)?.code == "barcode.gs1" }
    }

    @Test func theBuiltInLabelsPreviewSmall() throws {
        for template in ["shipping", "packing-slip"] {
            let bytes = try LabelSVG.render(Sample.layout(template: template))
            let svg = try Reader.read(bytes)
            #expect(svg.texts.contains { $0.contains("Łukasz Żółkiewski") }, "\(template): \(svg.texts)")
            #expect(bytes.count < 64_000, "\(template): \(bytes.count) bytes")
        }
    }
}
