import Labels

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
