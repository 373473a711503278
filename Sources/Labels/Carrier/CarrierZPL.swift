import PackCore

/// A carrier's ZPL stream, read as the printer reads it and checked before it is printed as it is.
///
/// Carriers and marketplaces send more than `^XA`…`^XZ`: graphics downloaded before each label
/// (`~DGR:…`), settings-only formats, stored formats recalled with `^XF`, `^PQ` copies, comments
/// and line ends anywhere. All of that is accepted; what is refused is what a printer would
/// misread (a format never closed, a download cut off) and what could harm the printer or other
/// jobs (`ZPLPolicy`: `~JR`, `^JU`, network settings, `~JA`, …), naming the command and its byte.
public struct CarrierZPL: Sendable {
    /// The stream read: its formats, labels, quantities and what each label recalls.
    public let document: ZPLDocument
    /// The whole stream exactly as received: what is sent to the printer.
    public var bytes: [UInt8] { document.bytes }
    /// Each printing format, `^XA` through `^XZ`, byte for byte as the carrier sent it.
    public var labels: [[UInt8]] { document.labels.indices.map { document.bytes(of: $0) } }
    /// Labels the stream prints (`^PQ` copies counted; settings-only formats not).
    public var labelCount: Int { document.labelCount }

    /// Reads and checks a stream: it must print at least one label (`carrier.zpl_empty`
    /// otherwise), and `ZPLDocument` must accept it under `policy`.
    public init(bytes: [UInt8], policy: ZPLPolicy = .carrier) throws(LabelError) {
        let document = try ZPLDocument(bytes, policy: policy)
        guard !document.labels.isEmpty else {
            let formats = document.segments.count { if case .settingsFormat = $0.kind { true } else { false } }
            let what = formats > 0 ? "only formats that print nothing (\(formats) of them: settings such as ^MC, ^PW, ^LL)" : "no format (^XA…^XZ)"
            throw LabelError(code: "carrier.zpl_empty", message: "The carrier's ZPL holds \(what), so no label would come out; ask the carrier for the label again.")
        }
        self.document = document
    }
}
