/// A file of recorded scans: one raw scan per line, UTF-8, GS as the byte 0x1D,
/// commands as their barcode text.
public struct ScanFile: Sendable {
    /// One scan and the line it came from.
    public struct Entry: Hashable, Sendable {
        /// 1-based line number in the file.
        public let line: Int
        /// The scan data.
        public let data: String
    }

    /// The longest scan accepted. The largest symbols hold 7,089 digits (QR); anything longer
    /// is not a scan but a wrong file.
    public static let maximumScanBytes = 8_192

    /// The scans, blank lines skipped.
    public let entries: [Entry]

    /// Reads and checks the whole file before anything is replayed, so a bad file changes nothing.
    public init(bytes: [UInt8], name: String) throws(StationError) {
        var entries: [Entry] = []
        var problems: [String] = []
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var stop = end
            if stop > start, bytes[stop - 1] == 0x0D { stop -= 1 }
            defer { start = end + 1 }
            let line = bytes[start..<stop]
            if line.isEmpty { continue }
            if line.count > Self.maximumScanBytes {
                problems.append("line \(lineNumber) is \(line.count) bytes long; no barcode holds more than 7,089 characters")
                continue
            }
            if let bad = line.firstIndex(where: { $0 < 0x20 && !Self.allowedControls.contains($0) || $0 == 0x7F }) {
                problems.append("line \(lineNumber) holds binary data (byte 0x\(String(bytes[bad], radix: 16, uppercase: true)) at column \(bad - start + 1)); only GS, RS, FS and EOT control characters occur in barcodes")
                continue
            }
            guard let text = String(validating: line, as: UTF8.self) else {
                problems.append("line \(lineNumber) is not valid UTF-8")
                continue
            }
            entries.append(Entry(line: lineNumber, data: text))
        }
        if !problems.isEmpty {
            let shown = problems.prefix(10).map { "  \($0)" }.joined(separator: "\n")
            let more = problems.count > 10 ? "\n  … and \(problems.count - 10) more" : ""
            throw StationError(code: "scans.invalid", message: "\(name) is not a scan file:\n\(shown)\(more)\nA scan file has one scan per line in UTF-8.")
        }
        guard !entries.isEmpty else {
            throw StationError(code: "scans.empty", message: "\(name) has no scans. Put one scan per line.")
        }
        self.entries = entries
    }

    /// GS, RS, FS and EOT are barcode data (GS1 separators, ISO 15434 envelopes); TAB is a scanner suffix some sites keep.
    static let allowedControls: Set<UInt8> = [0x04, 0x09, 0x1C, 0x1D, 0x1E]
}
