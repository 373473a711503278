import Labels

/// A ZPL file's labels numbered as they come out of the printer: a format with `^PQ3` is three
/// labels, a settings-only format none. Maps a label to its format and copy, and gives the bytes
/// that print exactly a run of them, however it cuts the file (pure; table-tested).
public struct ZPLLabelFile: Sendable {
    /// The file, read as a printer reads it.
    public let document: ZPLDocument
    /// `starts[i]`: the file's label number (0-based) of `document.labels[i]`'s first copy.
    private let starts: [Int]

    /// Numbers the labels of `document`.
    public init(_ document: ZPLDocument) {
        self.document = document
        var starts: [Int] = []
        starts.reserveCapacity(document.labels.count)
        var n = 0
        for label in document.labels {
            starts.append(n)
            n += label.quantity
        }
        self.starts = starts
    }

    /// Labels the file prints.
    public var labelCount: Int { document.labelCount }

    /// Where the file's label `k` (0-based) comes from: `document.labels[format]`, copy `copy`
    /// (1-based within its `^PQ`).
    public func position(of k: Int) -> (format: Int, copy: Int) {
        // The last format starting at or before k (formats printing nothing have no number).
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= k { lo = mid } else { hi = mid - 1 }
        }
        while document.labels[lo].quantity == 0 || k >= starts[lo] + document.labels[lo].quantity { lo += 1 }
        return (lo, k - starts[lo] + 1)
    }

    /// The bytes that print exactly the file's labels `labels` (0-based), in order:
    /// - from the top of the file, the file's own bytes up to where they end (so a whole file is
    ///   sent byte for byte, downloads, comments and settings formats included);
    /// - from the middle, first what the first label needs that the printer may have lost
    ///   (`ZPLDocument.preamble(before:)`: its graphics, stored formats and the settings before it);
    /// - a format cut by either end goes with its `^PQ` set to the copies of it in the range;
    /// - when the range ends at the file's last label, what follows it in the file too.
    public func bytes(_ labels: ClosedRange<Int>) -> [UInt8] {
        precondition(labels.lowerBound >= 0 && labels.upperBound < labelCount, "labels outside the file")
        let all = document.bytes
        let (i1, c1) = position(of: labels.lowerBound)
        let (i2, c2) = position(of: labels.upperBound)
        let first = document.labels[i1], last = document.labels[i2]
        var out: [UInt8] = []
        if labels.lowerBound == 0 {
            out += all[0..<first.range.lowerBound]
        } else {
            out += document.preamble(before: i1)
        }
        if i1 == i2 {
            let copies = c2 - c1 + 1
            out += copies == first.quantity ? Array(all[first.range]) : document.bytes(of: i1, quantity: copies)
        } else {
            let copies = first.quantity - c1 + 1
            out += copies == first.quantity ? Array(all[first.range]) : document.bytes(of: i1, quantity: copies)
            out += all[first.range.upperBound..<last.range.lowerBound]
            out += c2 == last.quantity ? Array(all[last.range]) : document.bytes(of: i2, quantity: c2)
        }
        if labels.upperBound == labelCount - 1 { out += all[last.range.upperBound...] }
        return out
    }

    /// The file's label `k` in words for the person: "format 140, copy 2 of 3".
    public func describe(_ k: Int) -> String {
        let (format, copy) = position(of: k)
        let q = document.labels[format].quantity
        return "format \(format + 1)" + (q > 1 ? ", copy \(copy) of \(q)" : "")
    }
}
