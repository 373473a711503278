import Labels

/// The label as a thermal head sees it: one bit per dot. Fields are composed onto it as a
/// printer does: black on black stays black, `^FR`/`^LR` reverse what is under them, white
/// boxes clear.
struct ZPLPreviewCanvas {
    enum Blend { case black, white, reverse }

    private(set) var bitmap: MonoBitmap

    init(width: Int, height: Int) { bitmap = MonoBitmap(width: max(1, width), height: max(1, height)) }

    var width: Int { bitmap.width }
    var height: Int { bitmap.height }

    /// Draws the black dots of `image` with its top-left corner at (x, y); what falls off the label is cut.
    mutating func compose(_ image: MonoBitmap, x: Int, y: Int, blend: Blend) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + image.width), y1 = min(height, y + image.height)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for col in x0..<x1 where image[col - x, row - y] {
                switch blend {
                case .black: bitmap[col, row] = true
                case .white: bitmap[col, row] = false
                case .reverse: bitmap[col, row].toggle()
                }
            }
        }
    }

    /// Fills a rectangle (clipped to the label), a byte at a time.
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, blend: Blend) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        let rowBytes = bitmap.bytesPerRow
        bitmap.bytes.withUnsafeMutableBufferPointer { bytes in
            for row in y0..<y1 {
                var col = x0
                while col < x1 {
                    let bit = col & 7
                    let count = min(8 - bit, x1 - col)
                    let mask = UInt8(truncatingIfNeeded: (0xFF00 >> count) & 0xFF) >> UInt8(bit)
                    let i = row * rowBytes + col >> 3
                    switch blend {
                    case .black: bytes[i] |= mask
                    case .white: bytes[i] &= ~mask
                    case .reverse: bytes[i] ^= mask
                    }
                    col += count
                }
            }
        }
    }

    /// The whole label turned upside down (`^POI`).
    mutating func turnUpsideDown() { bitmap = bitmap.rotated(quarterTurns: 2) }

    /// The whole label mirrored left to right (`^PMY`).
    mutating func mirror() {
        var out = MonoBitmap(width: width, height: height)
        for row in 0..<height { for col in 0..<width where bitmap[col, row] { out[width - 1 - col, row] = true } }
        bitmap = out
    }
}

extension MonoBitmap {
    /// The bitmap turned clockwise by `quarterTurns` × 90°.
    func rotated(quarterTurns: Int) -> MonoBitmap {
        let turns = ((quarterTurns % 4) + 4) % 4
        guard turns != 0 else { return self }
        let w = turns == 2 ? width : height, h = turns == 2 ? height : width
        var out = MonoBitmap(width: w, height: h)
        for y in 0..<height {
            for x in 0..<width where self[x, y] {
                switch turns {
                case 1: out[height - 1 - y, x] = true
                case 2: out[width - 1 - x, height - 1 - y] = true
                default: out[y, width - 1 - x] = true
                }
            }
        }
        return out
    }

    /// Each dot made `mx` × `my` dots (`^XG` magnification).
    func magnified(_ mx: Int, _ my: Int) -> MonoBitmap {
        guard mx > 1 || my > 1 else { return self }
        var out = MonoBitmap(width: width * mx, height: height * my)
        for y in 0..<height {
            for x in 0..<width where self[x, y] {
                for dy in 0..<my { for dx in 0..<mx { out[x * mx + dx, y * my + dy] = true } }
            }
        }
        return out
    }
}

/// A field drawn upright, before its rotation and placement; `anchor` is the point `^FT` puts
/// at the field's origin (the baseline start of text, the bottom left of a symbol).
struct ZPLPreviewImage {
    var bitmap: MonoBitmap
    var anchor: (x: Int, y: Int)

    /// Where the top-left corner of the rotated image goes for an origin at (x, y).
    func placed(at x: Int, _ y: Int, typeset: Bool, rotation: Rotation) -> (image: MonoBitmap, x: Int, y: Int) {
        let turns = rotation.rawValue / 90
        let image = bitmap.rotated(quarterTurns: turns)
        guard typeset else { return (image, x, y) }
        // The anchor turned with the image (continuous coordinates).
        let w = bitmap.width, h = bitmap.height
        let a: (x: Int, y: Int)
        switch turns {
        case 1: a = (h - anchor.y, anchor.x)
        case 2: a = (w - anchor.x, h - anchor.y)
        case 3: a = (anchor.y, w - anchor.x)
        default: a = anchor
        }
        return (image, x - a.x, y - a.y)
    }
}
