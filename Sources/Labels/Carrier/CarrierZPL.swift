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
