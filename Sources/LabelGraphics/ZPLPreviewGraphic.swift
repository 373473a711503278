import Foundation
internal import CZlib
import Labels

/// Graphics as a ZPL printer reads them (`^GF`, `~DG`): ASCII hex with Zebra's run-length
/// compression, `:Z64:` (zlib, base64) and `:B64:` (base64), or plain binary, into a bitmap
/// one bit per dot. Problems are described in words for the preview's notes.
enum ZPLPreviewGraphic {
    /// Decoding failed: what is wrong, for a note under the picture.
    struct Failure: Error, Equatable {
        var reason: String
    }

    /// The largest graphic the preview decodes (bytes of the bitmap): 32 MB is a 600 dpi label
    /// more than a metre long.
    static let maximumBytes = 32 << 20

    /// Decodes `^GF` parameters `a,b,c,d,data`.
    static func field(_ parameters: ArraySlice<UInt8>) throws(Failure) -> MonoBitmap {
        var parts = ZPLPreviewParameters(parameters, limit: 5)
        let format = parts.text(0)?.uppercased() ?? "A"
        let binaryCount = parts.int(1)
        guard let total = parts.int(2), let rowBytes = parts.int(3) else {
            throw Failure(reason: "^GF without its byte counts (total bytes and bytes per row)")
        }
        let data = parts.raw(4) ?? []
        switch format {
        case "A": return try decode(data, total: total, rowBytes: rowBytes)
        case "B":
            let count = min(binaryCount ?? total, data.count)
            return try bitmap(Array(data.prefix(count)), total: total, rowBytes: rowBytes)
        default:
            throw Failure(reason: "^GF\(format) (Zebra's compressed binary) is not drawn by the preview")
        }
    }

    /// Decodes the data of a `~DG` download: `total` bytes in rows of `rowBytes`.
    static func decode(_ data: ArraySlice<UInt8>, total: Int, rowBytes: Int) throws(Failure) -> MonoBitmap {
        guard total > 0, rowBytes > 0, total <= maximumBytes, rowBytes <= total else {
            throw Failure(reason: "a graphic of \(total) bytes in rows of \(rowBytes) cannot be drawn")
        }
        let trimmed = data.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if trimmed.starts(with: Array(":Z64:".utf8)) || trimmed.starts(with: Array(":B64:".utf8)) {
            let compressed = trimmed.dropFirst().first == UInt8(ascii: "Z")
            var body = trimmed.dropFirst(5)
            // The base64 text ends at the `:` before its CRC.
            if let colon = body.firstIndex(of: UInt8(ascii: ":")) { body = body[..<colon] }
            let text = String(decoding: body.filter { $0 > 0x20 }, as: UTF8.self)
            guard let decoded = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                throw Failure(reason: "a \(compressed ? ":Z64:" : ":B64:") graphic whose base64 text is damaged")
            }
            let raw = compressed ? try inflate(Array(decoded), expected: total) : Array(decoded)
            return try bitmap(raw, total: total, rowBytes: rowBytes)
        }
        return try bitmap(hex(trimmed, total: total, rowBytes: rowBytes), total: total, rowBytes: rowBytes)
    }

    /// Packed rows into a bitmap; short data is padded white, as the printer does.
    static func bitmap(_ bytes: [UInt8], total: Int, rowBytes: Int) throws(Failure) -> MonoBitmap {
        guard total > 0, rowBytes > 0, total <= maximumBytes else {
            throw Failure(reason: "a graphic of \(total) bytes in rows of \(rowBytes) cannot be drawn")
        }
        let height = max(1, total / rowBytes)
        var padded = Array(bytes.prefix(rowBytes * height))
        if padded.count < rowBytes * height { padded += [UInt8](repeating: 0, count: rowBytes * height - padded.count) }
        return MonoBitmap(width: rowBytes * 8, height: height, bytes: padded)!
    }

    /// Zebra's ASCII hex: `G`–`Y` repeat the next digit 1–19 times, `g`–`z` 20–400 times (counts
    /// add up), `,` fills the rest of the row with 0, `!` with 1, `:` repeats the row above.
    static func hex(_ data: ArraySlice<UInt8>, total: Int, rowBytes: Int) -> [UInt8] {
        let rowNibbles = rowBytes * 2
        let rows = max(1, total / rowBytes)
        var out = [UInt8](repeating: 0, count: rowBytes * rows)
        var row = 0, nibble = 0, count = 0
        func put(_ value: UInt8) {
            guard row < rows else { return }
            let index = row * rowBytes + nibble / 2
            out[index] |= nibble & 1 == 0 ? value << 4 : value
            nibble += 1
            if nibble == rowNibbles { row += 1; nibble = 0 }
        }
        for c in data {
            guard row < rows else { break }
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "a")...UInt8(ascii: "f"):
                let value = c <= UInt8(ascii: "9") ? c - 48 : (c | 0x20) - 87
                for _ in 0..<max(1, count) where row < rows { put(value) }
                count = 0
            case UInt8(ascii: "G")...UInt8(ascii: "Y"): count += Int(c - UInt8(ascii: "F"))
            case UInt8(ascii: "g")...UInt8(ascii: "z"): count += 20 * Int(c - UInt8(ascii: "f"))
            case UInt8(ascii: ","):
                // The rest of the row white (a whole row when it comes first).
                row += 1
                nibble = 0
                count = 0
            case UInt8(ascii: "!"):
                repeat { put(0x0F) } while nibble != 0 && row < rows
                count = 0
            case UInt8(ascii: ":"):
                // The rest of the row as the row above (white for the first row).
                repeat {
                    let above = row > 0 ? out[(row - 1) * rowBytes + nibble / 2] : 0
                    put(nibble & 1 == 0 ? above >> 4 : above & 0x0F)
                } while nibble != 0 && row < rows
                count = 0
            default:
                continue
            }
        }
        return out
    }

    /// zlib inflate (the data of `:Z64:`), at most `expected` bytes.
    static func inflate(_ input: [UInt8], expected: Int) throws(Failure) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: max(1, expected))
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(reason: "zlib could not start inflating a :Z64: graphic")
        }
        defer { inflateEnd(&stream) }
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = inp.baseAddress
                stream.avail_in = UInt32(inp.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END || status == Z_OK || status == Z_BUF_ERROR, stream.total_out > 0 else {
            throw Failure(reason: "a :Z64: graphic whose compressed data is damaged (zlib status \(status))")
        }
        return Array(output.prefix(Int(stream.total_out)))
    }
}

/// A command's comma-separated parameters; the last one (`limit`) takes the rest, commas included.
struct ZPLPreviewParameters {
    private(set) var fields: [ArraySlice<UInt8>] = []

    init(_ bytes: ArraySlice<UInt8>, limit: Int = .max) {
        var start = bytes.startIndex
        var i = bytes.startIndex
        while i < bytes.endIndex, fields.count < limit - 1 {
            if bytes[i] == UInt8(ascii: ",") {
                fields.append(bytes[start..<i])
                start = i + 1
            }
            i += 1
        }
        fields.append(bytes[start..<bytes.endIndex])
    }

    /// The raw bytes of parameter `k`; nil when absent.
    func raw(_ k: Int) -> ArraySlice<UInt8>? { k < fields.count ? fields[k] : nil }

    /// Parameter `k` as trimmed text; nil when absent or empty.
    func text(_ k: Int) -> String? {
        guard let raw = raw(k) else { return nil }
        let text = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// Parameter `k` as a whole number (a decimal part is cut); nil when absent or not a number.
    func int(_ k: Int) -> Int? {
        guard let text = text(k) else { return nil }
        if let value = Int(text) { return value }
        return Double(text).map { Int($0) }
    }

    /// Parameter `k` as a number with a fraction.
    func double(_ k: Int) -> Double? { text(k).flatMap(Double.init) }

    /// The first letter of parameter `k`, upper-cased.
    func letter(_ k: Int) -> UInt8? {
        guard let raw = raw(k), let first = raw.first(where: { $0 > 0x20 }) else { return nil }
        return first >= 0x61 && first <= 0x7A ? first - 0x20 : first
    }
}
