/// `^GFA` image data with Zebra's ASCII compression: runs of a hex digit become a count letter
/// (G–Y = 1–19, g–z = 20–400), `,` ends a row of zeros, `!` a row of ones, `:` repeats the row above.
public enum ZPLGraphic {
    /// Appends `^GFA,total,total,rowBytes,data` for the bitmap (without ^FO/^FS).
    public static func appendGF(_ bitmap: MonoBitmap, to out: inout [UInt8]) {
        let total = bitmap.bytes.count
        out.append(ascii: "^GFA,")
        out.append(number: total)
        out.append(UInt8(ascii: ","))
        out.append(number: total)
        out.append(UInt8(ascii: ","))
        out.append(number: bitmap.bytesPerRow)
        out.append(UInt8(ascii: ","))
        appendCompressed(bitmap, to: &out)
    }

    /// Appends the compressed hex rows.
    public static func appendCompressed(_ bitmap: MonoBitmap, to out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        let rowBytes = bitmap.bytesPerRow
        var row = [UInt8](repeating: 0, count: rowBytes * 2)
        bitmap.bytes.withUnsafeBufferPointer { bytes in
            for y in 0..<bitmap.height {
                let start = y * rowBytes
                if y > 0 && bytes[start..<(start + rowBytes)].elementsEqual(bytes[(start - rowBytes)..<start]) {
                    out.append(UInt8(ascii: ":"))
                    continue
                }
                for i in 0..<rowBytes {
                    row[2 * i] = hex[Int(bytes[start + i] >> 4)]
                    row[2 * i + 1] = hex[Int(bytes[start + i] & 0x0F)]
                }
                // Trailing zeros (or Fs) up to the row's end are one character.
                var end = row.count
                while end > 0 && row[end - 1] == UInt8(ascii: "0") { end -= 1 }
                var tail: UInt8? = end < row.count ? UInt8(ascii: ",") : nil
                if tail == nil {
                    while end > 0 && row[end - 1] == UInt8(ascii: "F") { end -= 1 }
                    if end < row.count { tail = UInt8(ascii: "!") }
                }
                var i = 0
                while i < end {
                    let c = row[i]
                    var run = 1
                    while i + run < end && row[i + run] == c { run += 1 }
                    appendRun(c, count: run, to: &out)
                    i += run
                }
                if let tail { out.append(tail) }
            }
        }
    }

    static func appendRun(_ c: UInt8, count: Int, to out: inout [UInt8]) {
        var left = count
        while left > 0 {
            if left == 1 {
                out.append(c)
                return
            }
            let chunk = min(left, 419)
            if chunk >= 20 { out.append(UInt8(ascii: "f") + UInt8(chunk / 20)) }  // g = 20 … z = 400
            if chunk % 20 > 0 { out.append(UInt8(ascii: "F") + UInt8(chunk % 20)) }  // G = 1 … Y = 19
            out.append(c)
            left -= chunk
        }
    }
}
