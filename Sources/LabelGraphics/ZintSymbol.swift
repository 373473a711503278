import Foundation
internal import CZint
import Barcodes
import Labels

/// One barcode encoded by libzint, drawn from its vector geometry with each module a whole
/// number of printer dots (zint 2.11: one module is 2 vector units at scale 1, so scale 0.5
/// makes a unit one module).
struct ZintSymbol {
    let symbol: UnsafeMutablePointer<zint_symbol>
    /// Module size in dots after fitting.
    let module: Int
    /// The human-readable text for linear symbols.
    let readable: String

    init(_ code: BarcodeBlock) throws(LabelError) {
        var data = code.data
        var readable = code.data
        var modules = 0
        var maxi: MaxiCodeEncoding?
        // The same data rules as the ZPL renderer, so both outputs accept and refuse alike.
        switch code.symbology {
        case .code128: modules = try Code128(text: code.data).modules
        case .gs1_128, .gs1_datamatrix:
            let gs1 = try BarcodeData.gs1(code.data)
            modules = Code128(gs1Transmitted: gs1.transmitted).modules
            data = gs1.elements.map { "[\($0.ai)]\($0.value)" }.joined()
            readable = gs1.description
        case .qr: try BarcodeData.checkLength(code.data, max: 2900, what: "QR code")
        case .datamatrix: try BarcodeData.checkLength(code.data, max: 1500, what: "DataMatrix")
        case .pdf417: try BarcodeData.checkLength(code.data, max: 1000, what: "PDF417")
        case .maxicode: maxi = try MaxiCodeEncoding(code)
        }
        module = code.symbology.isLinear ? try BarcodeData.fittedModule(modules, requested: max(1, code.moduleDots), space: code.frame.width, data: code.data) : max(1, code.moduleDots)
        self.readable = readable
        guard let s = ZBarcode_Create() else { throw LabelError(code: "barcode.zint", message: "libzint could not allocate a symbol (out of memory).") }
        symbol = s
        s.pointee.scale = 0.5
        s.pointee.show_hrt = 0
        s.pointee.output_options |= Int32(BARCODE_NO_QUIET_ZONES)
        s.pointee.input_mode = Int32(UNICODE_MODE)
        switch code.symbology {
        case .code128: s.pointee.symbology = Int32(BARCODE_CODE128)
        case .gs1_128: s.pointee.symbology = Int32(BARCODE_GS1_128); s.pointee.input_mode = Int32(GS1_MODE)
        case .qr: s.pointee.symbology = Int32(BARCODE_QRCODE); s.pointee.option_1 = 2
        case .datamatrix: s.pointee.symbology = Int32(BARCODE_DATAMATRIX)
        case .gs1_datamatrix: s.pointee.symbology = Int32(BARCODE_DATAMATRIX); s.pointee.input_mode = Int32(GS1_MODE)
        case .pdf417: s.pointee.symbology = Int32(BARCODE_PDF417); s.pointee.option_2 = 6
        case .maxicode:
            // Modes 2 and 3: `primary` holds postal code (padded to 9), country and class; the data
            // is the secondary message.
            s.pointee.symbology = Int32(BARCODE_MAXICODE)
            s.pointee.option_1 = Int32(maxi?.mode.rawValue ?? 4)
            let primary = Array((maxi?.zintPrimary ?? "").utf8)
            withUnsafeMutableBytes(of: &s.pointee.primary) { buffer in
                buffer.initializeMemory(as: UInt8.self, repeating: 0)
                buffer.copyBytes(from: primary.prefix(buffer.count - 1))
            }
            data = maxi?.message ?? code.data
        }
        if code.symbology.isLinear { s.pointee.height = Float(code.frame.height) / Float(module) }
        let status = Array(data.utf8).withUnsafeBufferPointer { ZBarcode_Encode_and_Buffer_Vector(s, $0.baseAddress, Int32($0.count), 0) }
        guard status < ZINT_ERROR, s.pointee.vector != nil else {
            let message = withUnsafeBytes(of: s.pointee.errtxt) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            ZBarcode_Delete(s)
            throw LabelError(code: "barcode.encode", message: "The \(code.symbology.rawValue) barcode cannot encode \"\(code.data.prefix(60))\": \(message).")
        }
    }

    func close() { ZBarcode_Delete(symbol) }

    /// Width of the symbol in modules, as libzint encoded it.
    var modulesWide: Int { Int(symbol.pointee.width) }

    /// Draws the symbol in the block's frame (upright), each module a whole number of dots.
    func draw<Canvas: LabelCanvas>(on canvas: inout Canvas, in code: BarcodeBlock) {
        let vector = symbol.pointee.vector!.pointee
        var unit = Double(module)
        if code.symbology == .maxicode {
            // MaxiCode has a fixed physical size of its own: fit the frame instead.
            unit = min(Double(code.frame.width) / Double(vector.width), Double(max(code.frame.height, code.frame.width)) / Double(vector.height))
        }
        let width = Double(vector.width) * unit
        var x0 = Double(code.frame.x)
        if code.symbology.isLinear { x0 += max(0, (Double(code.frame.width) - width) / 2).rounded(.down) }
        let y0 = Double(code.frame.y)
        canvas.save()
        defer { canvas.restore() }
        canvas.setWhite(false)
        var rect = vector.rectangles
        while let r = rect {
            let v = r.pointee
            if v.colour == -1 || v.colour == 7 {
                canvas.rect(x0 + Double(v.x) * unit, y0 + Double(v.y) * unit, Double(v.width) * unit, Double(v.height) * unit)
            }
            rect = v.next
        }
        canvas.fill(crisp: code.symbology != .maxicode)
        // Hexagons drawn touching their neighbours: the radius follows the centre pitch of a row
        // (libzint's own diameter field is smaller than the pitch at scale 0.5).
        var pitch = Double.infinity
        var scan = vector.hexagons
        while let a = scan, let b = a.pointee.next {
            if a.pointee.y == b.pointee.y, b.pointee.x > a.pointee.x { pitch = min(pitch, Double(b.pointee.x - a.pointee.x)) }
            scan = b
        }
        var hex = vector.hexagons
        while let hp = hex {
            let h = hp.pointee
            let diameter = pitch.isFinite ? pitch * 2 / 3.0.squareRoot() * 0.96 : Double(h.diameter)
            let r = diameter * unit / 2, cx = x0 + Double(h.x) * unit, cy = y0 + Double(h.y) * unit
            let flat = h.rotation == 90 || h.rotation == 270
            canvas.polygon((0..<6).map { k in
                let angle = Double.pi / 3 * Double(k) + (flat ? 0 : Double.pi / 2)
                return (cx + r * cos(angle), cy + r * sin(angle))
            })
            hex = h.next
        }
        canvas.fill(crisp: false)
        var circle = vector.circles
        while let cp = circle {
            let c = cp.pointee
            canvas.setWhite(c.colour != 0)
            canvas.circle(x: x0 + Double(c.x) * unit, y: y0 + Double(c.y) * unit, radius: Double(c.diameter) * unit / 2, lineWidth: c.width > 0 ? Double(c.width) * unit : nil)
            circle = c.next
        }
    }
}
