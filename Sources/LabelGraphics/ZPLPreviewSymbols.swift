import Barcodes
internal import CZint
internal import CPangoCairo
// Both modules declare cairo (poppler.h includes cairo.h); which one Swift finds its constants in depends on build order.
internal import CPoppler
import Labels

/// The 2D symbols of ZPL (`^BQ`, `^BX`, `^B7`, `^BD`) encoded by libzint with the options the
/// command gives, drawn module by module on whole dots.
enum ZPLPreviewSymbols {
    /// A symbol libzint refused, with its reason, for a note.
    struct Failure: Error { var reason: String }

    /// `^BQ` field data: `<error correction><A|M>,<data>`; in manual mode, segments `N…`,
    /// `A…`, `Bnnnn…` (a 4-digit byte count) and `K…`, separated by commas.
    static func qrData(_ field: [UInt8]) -> (level: UInt8, data: [UInt8]) {
        guard field.count >= 2, [UInt8]("HQML".utf8).contains(field[0] & 0xDF) else { return (UInt8(ascii: "Q"), field) }
        let level = field[0] & 0xDF
        let manual = field[1] & 0xDF == UInt8(ascii: "M")
        var i = field.count > 2 && field[2] == UInt8(ascii: ",") ? 3 : 2
        guard manual else { return (level, Array(field[i...])) }
        var data: [UInt8] = []
        while i < field.count {
            let mode = field[i] & 0xDF
            i += 1
            if mode == UInt8(ascii: "B"), i + 4 <= field.count, let count = Int(String(decoding: field[i..<(i + 4)], as: UTF8.self)) {
                i += 4
                let end = min(field.count, i + count)
                data += field[i..<end]
                i = end
            } else {
                let end = field[i...].firstIndex(of: UInt8(ascii: ",")) ?? field.count
                data += field[i..<end]
                i = end
            }
            if i < field.count, field[i] == UInt8(ascii: ",") { i += 1 }
        }
        return (level, data)
    }

    /// A QR code, `magnification` dots per module.
    static func qr(_ data: [UInt8], level: UInt8, magnification: Int) throws(Failure) -> MonoBitmap {
        let ecc: Int32 = switch level { case UInt8(ascii: "L"): 1; case UInt8(ascii: "M"): 2; case UInt8(ascii: "H"): 4; default: 3 }
        return try encode(data, symbology: BARCODE_QRCODE, what: "QR code") { s in s.pointee.option_1 = ecc }
            .scaled(module: magnification, rowHeight: magnification)
    }

    /// `^BX` ECC 200 data with its escape sequences (`g1` FNC1, `gdNNN` a byte, `gX` a control
    /// character, `gg` the escape character itself) when the escape character is given.
    static func dataMatrixData(_ field: [UInt8], escape: UInt8?) -> (gs1: Bool, data: [UInt8]) {
        guard let escape else { return (false, field) }
        var out: [UInt8] = []
        var gs1 = false
        var i = 0
        while i < field.count {
            let b = field[i]
            guard b == escape, i + 1 < field.count else { out.append(b); i += 1; continue }
            let next = field[i + 1]
            switch next {
            case escape: out.append(escape); i += 2
            case UInt8(ascii: "1"):
                if out.isEmpty { gs1 = true } else { out.append(0x1D) }
                i += 2
            case UInt8(ascii: "d"), UInt8(ascii: "D"):
                if i + 5 <= field.count, let value = UInt8(String(decoding: field[(i + 2)..<(i + 5)], as: UTF8.self)) { out.append(value) }
                i += 5
            case UInt8(ascii: "5"): i += 5
            case UInt8(ascii: "2"): i += 11
            case UInt8(ascii: "@")...UInt8(ascii: "_"): out.append(next - 64); i += 2
            default: out.append(b); i += 1
            }
        }
        return (gs1, out)
    }

    /// A square ECC 200 DataMatrix; `module` nil takes the symbol height divided by its rows.
    static func dataMatrix(_ data: [UInt8], gs1: Bool, module: Int?, symbolHeight: Int) throws(Failure) -> MonoBitmap {
        let (input, mode) = try gs1Input(data, gs1: gs1, what: "DataMatrix")
        let matrix = try encode(input, symbology: BARCODE_DATAMATRIX, mode: mode, what: "DataMatrix") { s in s.pointee.option_3 = DM_SQUARE }
        let m = module ?? max(1, Int((Double(symbolHeight) / Double(max(1, matrix.rows))).rounded()))
        return try matrix.scaled(module: m, rowHeight: m)
    }

    /// A PDF417 symbol: `module` dots per module, `rowHeight` dots per row (nil: the rows share `symbolHeight`).
    static func pdf417(_ data: [UInt8], module: Int, rowHeight: Int?, symbolHeight: Int, security: Int?, columns: Int?, truncated: Bool) throws(Failure) -> MonoBitmap {
        let matrix = try encode(data, symbology: truncated ? BARCODE_PDF417COMP : BARCODE_PDF417, what: "PDF417") { s in
            if let security, (0...8).contains(security) { s.pointee.option_1 = Int32(security) }
            if let columns, (1...30).contains(columns) { s.pointee.option_2 = Int32(columns) }
        }
        return try matrix.scaled(module: module, rowHeight: rowHeight ?? max(1, symbolHeight / max(1, matrix.rows)))
    }

    /// `^BD` MaxiCode, its fixed physical size (1.11 × 1.054 in) at the printer's resolution. In
    /// modes 2 and 3 the field data starts with class of service, country and postal code.
    static func maxiCode(_ field: [UInt8], mode: Int, dotsPerInch: Int) throws(Failure) -> MonoBitmap {
        var options = MaxiCodeOptions(mode: MaxiCodeOptions.Mode(rawValue: mode) ?? .numericPostalCode)
        var message = field
        if mode == 2 || mode == 3 {
            let postalLength = mode == 2 ? 9 : 6
            guard field.count >= 6 + postalLength else {
                throw Failure(reason: "^BD mode \(mode) data is shorter than its high-priority message (class, country, postal code)")
            }
            let text = { (r: Range<Int>) in String(decoding: field[r], as: UTF8.self) }
            options.primary = .init(postalCode: text(6..<(6 + postalLength)).trimmingCharacters(in: .whitespaces), countryCode: text(3..<6), serviceClass: text(0..<3))
            message = Array(field[(6 + postalLength)...])
        }
        let width = Int((1.11 * Double(dotsPerInch)).rounded()), height = Int((1.054 * Double(dotsPerInch)).rounded())
        let block = BarcodeBlock(frame: DotRect(x: 0, y: 0, width: width, height: height), symbology: .maxicode, data: String(decoding: message, as: UTF8.self), moduleDots: 1, humanReadable: false, maxiCode: options)
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        var painter = LabelPainter(cr: cr)
        do { try painter.drawBarcode(block) } catch { throw Failure(reason: "the MaxiCode cannot be drawn: \(error.message)") }
        return MonoConversion.threshold(surface)
    }

    /// GS1 data (FNC1 first, GS between elements) as libzint's bracketed form.
    static func gs1Input(_ data: [UInt8], gs1: Bool, what: String) throws(Failure) -> ([UInt8], Int32) {
        guard gs1 else { return (data, DATA_MODE) }
        let elements: GS1ElementString
        do { elements = try GS1ElementString(parsing: String(decoding: data, as: UTF8.self)) } catch {
            throw Failure(reason: "the GS1 \(what) data is not valid GS1 (\(error.reason))")
        }
        return (Array(elements.elements.map { "[\($0.ai)]\($0.value)" }.joined().utf8), GS1_MODE | GS1NOCHECK_MODE)
    }

    /// The modules libzint encoded: `rows` × `width`, one bit each.
    struct Matrix {
        var rows: Int
        var width: Int
        var bits: [Bool]

        /// The modules as dots; a symbol larger than any label (16,000 dots a side) is refused.
        func scaled(module: Int, rowHeight: Int) throws(Failure) -> MonoBitmap {
            let m = max(1, module), rh = max(1, rowHeight)
            guard width * m <= 16_000, rows * rh <= 16_000 else {
                throw Failure(reason: "the symbol would be \(width * m) × \(rows * rh) dots, larger than any label")
            }
            var out = MonoBitmap(width: width * m, height: rows * rh)
            for r in 0..<rows {
                for c in 0..<width where bits[r * width + c] {
                    for dy in 0..<rh { for dx in 0..<m { out[c * m + dx, r * rh + dy] = true } }
                }
            }
            return out
        }
    }

    static func encode(_ data: [UInt8], symbology: Int32, mode: Int32 = DATA_MODE, what: String, _ configure: (UnsafeMutablePointer<zint_symbol>) -> Void) throws(Failure) -> Matrix {
        guard !data.isEmpty else { throw Failure(reason: "the \(what) has no data") }
        guard let s = ZBarcode_Create() else { throw Failure(reason: "libzint could not allocate a symbol") }
        defer { ZBarcode_Delete(s) }
        s.pointee.symbology = symbology
        s.pointee.input_mode = mode
        configure(s)
        let status = data.withUnsafeBufferPointer { ZBarcode_Encode(s, $0.baseAddress, Int32($0.count)) }
        guard status < ZINT_ERROR else {
            let message = withUnsafeBytes(of: s.pointee.errtxt) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw Failure(reason: "libzint cannot encode the \(what): \(message)")
        }
        let rows = Int(s.pointee.rows), width = Int(s.pointee.width)
        var bits = [Bool](repeating: false, count: rows * width)
        withUnsafeBytes(of: &s.pointee.encoded_data) { raw in
            let rowBytes = raw.count / 200
            for r in 0..<rows {
                for c in 0..<width where raw[r * rowBytes + c >> 3] >> UInt8(c & 7) & 1 != 0 { bits[r * width + c] = true }
            }
        }
        return Matrix(rows: rows, width: width, bits: bits)
    }
}
