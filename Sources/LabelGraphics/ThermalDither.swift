internal import CPangoCairo
import Labels

/// A page drawn onto a cairo image surface for a thermal head: white ground, antialiasing off
/// (edges land on whole dots, so bars keep their widths), then `ThermalDither`.
enum ThermalRaster {
    /// `draw` gets a cairo context whose user space is points scaled by `scale`.
    static func render(width: Int, height: Int, scale: Double, draw: (OpaquePointer) -> Void) -> MonoBitmap {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_scale(cr, scale, scale)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)
        let options = cairo_font_options_create()
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_NONE)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_set_font_options(cr, options)
        cairo_font_options_destroy(options)
        draw(cr)
        cairo_destroy(cr)
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = UnsafeRawPointer(cairo_image_surface_get_data(surface)!)
        return ThermalDither.bitmap(width: width, height: height) { y, luminance in
            let row = (data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                let p = row[x]
                luminance[x] = Int32(((p >> 16) & 0xFF) * 299 + ((p >> 8) & 0xFF) * 587 + (p & 0xFF) * 114) / 1000
            }
        }
    }
}

/// Gray to dots for a thermal head: pixels that are nearly black or nearly white are thresholded
/// (bars, text and their edges stay exactly where the page put them), and only the gray in between
/// is spread by Floyd–Steinberg error diffusion, so tints and photos keep their tone. Error never
/// flows into a near-black or near-white pixel, which keeps barcode quiet zones clean.
enum ThermalDither {
    /// At or below: black without dithering.
    static let black: Int32 = 48
    /// At or above: white without dithering.
    static let white: Int32 = 208

    /// `row(y, luminance)` fills `luminance[0..<width]` with 0 (black) … 255 (white) for row `y`.
    static func bitmap(width: Int, height: Int, row: (Int, inout [Int32]) -> Void) -> MonoBitmap {
        var bitmap = MonoBitmap(width: width, height: height)
        var luminance = [Int32](repeating: 0, count: width)
        // Error carried into this row and the next, with a cell of margin on each side.
        var current = [Int32](repeating: 0, count: width + 2)
        var next = [Int32](repeating: 0, count: width + 2)
        let rowBytes = bitmap.bytesPerRow
        bitmap.bytes.withUnsafeMutableBufferPointer { dots in
            for y in 0..<height {
                row(y, &luminance)
                for x in 0..<width {
                    let l = luminance[x]
                    let isBlack: Bool
                    if l <= black {
                        isBlack = true
                    } else if l >= white {
                        isBlack = false
                    } else {
                        let value = l + current[x + 1] / 16
                        isBlack = value < 128
                        let error = value - (isBlack ? 0 : 255)
                        current[x + 2] += error * 7
                        next[x] += error * 3
                        next[x + 1] += error * 5
                        next[x + 2] += error
                    }
                    if isBlack { dots[y * rowBytes + x >> 3] |= 0x80 >> UInt8(x & 7) }
                }
                swap(&current, &next)
                for i in next.indices { next[i] = 0 }
            }
        }
        return bitmap
    }
}
