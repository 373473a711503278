import Labels
import Markup

/// Labels as SVG for the kiosk: the browser draws the preview, so the agent loads no font or
/// raster library to show the packer the label it just printed. Drawn by the same painter as
/// the PDF and PNG (bars, modules, boxes and images on the same dots); text is laid out by the
/// browser with the same fonts, so line breaks can differ slightly from pango's.
public enum LabelSVG {
    /// The label as an SVG document (UTF-8), one user unit per printer dot.
    public static func render(_ layout: LabelLayout) throws(LabelError) -> [UInt8] {
        var painter = LabelPainter(canvas: SVGCanvas(width: layout.widthDots, height: layout.heightDots))
        try painter.paint(layout)
        return painter.canvas.finish()
    }
}

/// The label canvas as SVG markup: shapes in page coordinates (the turns are quarter turns, so
/// rectangles stay rectangles), text as XHTML in a foreignObject so the browser wraps and
/// ellipsizes it in its box.
struct SVGCanvas: LabelCanvas {
    /// An affine transform (x' = a·x + c·y + e, y' = b·x + d·y + f).
    struct Transform {
        var a = 1.0, b = 0.0, c = 0.0, d = 1.0, e = 0.0, f = 0.0
        func apply(_ x: Double, _ y: Double) -> (x: Double, y: Double) { (a * x + c * y + e, b * x + d * y + f) }
    }

    private var out: [UInt8] = []
    private var path: [UInt8] = []
    private var transform = Transform()
    private var white = false
    private var saved: [(Transform, Bool)] = []

    init(width: Int, height: Int) {
        out.reserveCapacity(16_384)
        out += Array(#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)">"#.utf8)
    }

    /// The finished document.
    mutating func finish() -> [UInt8] {
        out += Array("</svg>\n".utf8)
        return out
    }

    mutating func save() { saved.append((transform, white)) }

    mutating func restore() {
        guard let last = saved.popLast() else { return }
        (transform, white) = last
    }

    mutating func translate(_ x: Double, _ y: Double) {
        let t = transform
        transform.e = t.a * x + t.c * y + t.e
        transform.f = t.b * x + t.d * y + t.f
    }

    mutating func rotate(quarterTurns: Int) {
        // Exact sines for quarter turns, so turned coordinates stay whole dots.
        let (cos, sin): (Double, Double) = [(1, 0), (0, 1), (-1, 0), (0, -1)][((quarterTurns % 4) + 4) % 4]
        let t = transform
        transform.a = t.a * cos + t.c * sin
        transform.b = t.b * cos + t.d * sin
        transform.c = -t.a * sin + t.c * cos
        transform.d = -t.b * sin + t.d * cos
    }

    mutating func setWhite(_ white: Bool) { self.white = white }

    mutating func clear(width: Int, height: Int) {
        out += Array(##"<rect width="\##(width)" height="\##(height)" fill="#fff"/>"##.utf8)
    }

    mutating func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double) {
        let p = transform.apply(x, y), q = transform.apply(x + width, y + height)
        let x0 = min(p.x, q.x), y0 = min(p.y, q.y)
        path.append(UInt8(ascii: "M")); Self.number(x0, &path); path.append(0x20); Self.number(y0, &path)
        path.append(UInt8(ascii: "h")); Self.number(abs(q.x - p.x), &path)
        path.append(UInt8(ascii: "v")); Self.number(abs(q.y - p.y), &path)
        path.append(UInt8(ascii: "h")); Self.number(-abs(q.x - p.x), &path)
        path.append(UInt8(ascii: "Z"))
    }

    mutating func polygon(_ points: [(x: Double, y: Double)]) {
        for (k, point) in points.enumerated() {
            let p = transform.apply(point.x, point.y)
            path.append(UInt8(ascii: k == 0 ? "M" : "L")); Self.number(p.x, &path); path.append(0x20); Self.number(p.y, &path)
        }
        path.append(UInt8(ascii: "Z"))
    }

    mutating func fill(crisp: Bool) {
        guard !path.isEmpty else { return }
        out += Array(#"<path d=""#.utf8)
        out += path
        out += Array(#"" fill="\#(colour)""#.utf8)
        if crisp { out += Array(#" shape-rendering="crispEdges""#.utf8) }
        out += Array("/>".utf8)
        path.removeAll(keepingCapacity: true)
    }

    mutating func circle(x: Double, y: Double, radius: Double, lineWidth: Double?) {
        let p = transform.apply(x, y)
        out += Array(#"<circle cx=""#.utf8); Self.number(p.x, &out)
        out += Array(#"" cy=""#.utf8); Self.number(p.y, &out)
        out += Array(#"" r=""#.utf8); Self.number(radius, &out)
        if let lineWidth {
            out += Array(#"" fill="none" stroke="\#(colour)" stroke-width=""#.utf8); Self.number(lineWidth, &out)
            out += Array(#""/>"#.utf8)
        } else {
            out += Array(#"" fill="\#(colour)"/>"#.utf8)
        }
    }

    mutating func text(_ block: TextBlock, width: Double, height: Double) {
        let t = transform
        var style = "width:\(Int(width))px;height:\(Int(height))px;overflow:hidden;color:\(colour);text-align:\(block.alignment.rawValue);"
        style += "font-family:\(LabelFont.cssFamilies);line-height:normal;"
        if block.bold { style += "font-weight:700;" }
        var size = Double(block.fontHeight)
        switch block.fit {
        case .wrap:
            style += "white-space:pre-wrap;overflow-wrap:anywhere;display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:\(block.lineCapacity);"
        case .shrink:
            // No font metrics here: the same estimate as the ZPL renderer's shrink.
            size = Double(TextFitting.shrunkHeight(block.text, block: block))
            style += "white-space:pre;text-overflow:ellipsis;"
        }
        var fontSize: [UInt8] = []
        Self.number(size * LabelFont.emPerLineHeight, &fontSize)
        style += "font-size:\(String(decoding: fontSize, as: UTF8.self))px"
        out += Array(#"<foreignObject width="\#(Int(width))" height="\#(Int(height))" transform="matrix("#.utf8)
        for (k, value) in [t.a, t.b, t.c, t.d, t.e, t.f].enumerated() {
            if k > 0 { out.append(0x20) }
            Self.number(value, &out)
        }
        out += Array(#")"><div xmlns="http://www.w3.org/1999/xhtml" style=""#.utf8)
        Markup.appendAttribute(style, to: &out)
        out += Array(#"">"#.utf8)
        Markup.appendText(block.text, to: &out)
        out += Array("</div></foreignObject>".utf8)
    }

    private var colour: String { white ? "#fff" : "#000" }

    /// A coordinate with at most two decimals, without trailing zeros.
    private static func number(_ value: Double, _ out: inout [UInt8]) {
        let hundredths = Int((value * 100).rounded())
        if hundredths < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = abs(hundredths)
        out += Array(String(magnitude / 100).utf8)
        let fraction = magnitude % 100
        guard fraction != 0 else { return }
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        if fraction % 10 != 0 { out.append(UInt8(ascii: "0") + UInt8(fraction % 10)) }
    }
}
