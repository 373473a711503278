import Labels
import PackCore

/// A carrier's manifest as a PDF (ManifestLayout's pages through the label PDF writer: vector
/// text with embedded fonts, the id as a Code 128 barcode).
public enum ManifestPDF {
    /// The PDF's bytes.
    public static func render(_ manifest: Manifest) throws -> [UInt8] {
        let writer = PDFLabelWriter(sink: ManifestBytes())
        for page in ManifestLayout.pages(manifest) { try writer.addPage(page) }
        try writer.finish()
        return writer.sink.bytes
    }
}

/// Collects a PDF in memory (a manifest is a few pages).
struct ManifestBytes: LabelSink {
    var bytes: [UInt8] = []
    mutating func write(_ chunk: ArraySlice<UInt8>) throws { bytes += chunk }
}
