import PackCore

/// A carrier's ZPL stream, split into its labels and checked before it is printed as it is.
public struct CarrierZPL: Hashable, Sendable {
    /// Each label, `^XA` through `^XZ` inclusive, byte for byte as the carrier sent it.
    public let labels: [[UInt8]]
    /// Bytes before the first label (host commands such as `~JA`), kept as sent.
    public let prologue: [UInt8]
    /// The whole stream exactly as received: what is sent to the printer.
    public let bytes: [UInt8]

    /// Splits and checks a stream: at least one label; every `^XA` closed by `^XZ` before the next
    /// `^XA`; before the first label nothing but whitespace and tilde host commands, between and
    /// after labels only whitespace.
    public init(bytes: [UInt8]) throws(LabelError) {
        var labels: [[UInt8]] = []
        var prologue: [UInt8] = []
        var start: Int?
        var lastEnd = 0
        var i = 0
        let n = bytes.count
        func isCommand(_ i: Int, _ a: UInt8, _ b: UInt8) -> Bool {
            i + 2 < n && bytes[i] == 0x5E && (bytes[i + 1] | 0x20) == (a | 0x20) && (bytes[i + 2] | 0x20) == (b | 0x20)
        }
        while i < n {
            if isCommand(i, UInt8(ascii: "X"), UInt8(ascii: "A")) {
                guard start == nil else {
                    throw LabelError(code: "carrier.zpl_unclosed", message: "The carrier's ZPL label \(labels.count + 1) has ^XA at byte \(i) before the ^XZ that ends the previous label; ask the carrier for the label again.")
                }
                let between = bytes[lastEnd..<i]
                if labels.isEmpty {
                    // Host commands (~JA) may come first; a ^ command there would change the printer's settings.
                    if let caret = between.firstIndex(of: 0x5E) {
                        throw LabelError(code: "carrier.zpl_stray", message: "The carrier's ZPL has a ^ command before its first label (byte \(caret)); it is not printed as it could change the printer's settings.")
                    }
                    prologue = Array(between)
                } else if !Self.isIgnorable(between) {
                    throw LabelError(code: "carrier.zpl_stray", message: "The carrier's ZPL has commands between label \(labels.count) and \(labels.count + 1) (byte \(lastEnd)); it is not printed as it could change the printer's settings.")
                }
                start = i
                i += 3
                continue
            }
            if isCommand(i, UInt8(ascii: "X"), UInt8(ascii: "Z")) {
                guard let s = start else {
                    throw LabelError(code: "carrier.zpl_unopened", message: "The carrier's ZPL has ^XZ at byte \(i) without a ^XA before it; ask the carrier for the label again.")
                }
                labels.append(Array(bytes[s..<(i + 3)]))
                start = nil
                i += 3
                lastEnd = i
                continue
            }
            i += 1
        }
        guard start == nil else {
            throw LabelError(code: "carrier.zpl_truncated", message: "The carrier's ZPL label \(labels.count + 1) starts with ^XA but never ends with ^XZ (the data is cut off); ask the carrier for the label again.")
        }
        guard !labels.isEmpty else {
            throw LabelError(code: "carrier.zpl_empty", message: "The carrier's ZPL holds no label (no ^XA…^XZ); ask the carrier for the label again.")
        }
        guard Self.isIgnorable(bytes[lastEnd...]) else {
            throw LabelError(code: "carrier.zpl_stray", message: "The carrier's ZPL has commands after its last label (byte \(lastEnd)); it is not printed as it could change the printer's settings.")
        }
        self.labels = labels
        self.prologue = prologue
        self.bytes = bytes
    }

    static func isIgnorable(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }
}

/// The page count of a carrier's PDF, read from its page tree without rendering it.
public enum CarrierPDF {
    /// Counts `/Type /Page` objects; fails when the data is not a PDF or has no page.
    public static func pageCount(_ bytes: [UInt8]) throws(LabelError) -> Int {
        guard bytes.starts(with: Array("%PDF-".utf8)) else {
            throw LabelError(code: "carrier.pdf_invalid", message: "The carrier's label is marked PDF but does not start with %PDF-; ask the carrier for the label again.")
        }
        let tail = bytes.suffix(2048)
        guard tail.windows(ofCount: 5).contains(where: { $0.elementsEqual("%%EOF".utf8) }) else {
            throw LabelError(code: "carrier.pdf_truncated", message: "The carrier's PDF has no %%EOF at its end (the data is cut off); ask the carrier for the label again.")
        }
        var count = 0
        let pattern = Array("/Type".utf8)
        var i = 0
        while i + pattern.count < bytes.count {
            if bytes[i] == 0x2F, bytes[i..<(i + 5)].elementsEqual(pattern) {
                var j = i + 5
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x0A || bytes[j] == 0x0D { j += 1 }
                if j + 5 <= bytes.count, bytes[j..<(j + 5)].elementsEqual("/Page".utf8), j + 5 == bytes.count || !(bytes[j + 5] >= 0x41 && bytes[j + 5] <= 0x7A) {
                    count += 1
                }
                i = j
                continue
            }
            i += 1
        }
        guard count > 0 else {
            throw LabelError(code: "carrier.pdf_no_pages", message: "No page was found in the carrier's PDF (compressed page tree or empty file); ask the carrier for an uncompressed PDF or for ZPL.")
        }
        return count
    }
}

extension Collection {
    func windows(ofCount k: Int) -> [SubSequence] {
        guard count >= k else { return [] }
        var out: [SubSequence] = []
        var start = startIndex
        var end = index(startIndex, offsetBy: k)
        while true {
            out.append(self[start..<end])
            guard end != endIndex else { break }
            formIndex(after: &start)
            formIndex(after: &end)
        }
        return out
    }
}
