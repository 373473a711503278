import Labels

extension ZPLPreview {
    /// The picture of `document.labels[label]` (0-based), with the graphics, stored formats and
    /// settings the stream gives before it, as PNG or SVG.
    public func render(_ document: ZPLDocument, label: Int, format: Format) throws(LabelError) -> Picture {
        let (bitmap, notes) = try bitmap(document, label: label)
        return try picture(bitmap, notes: notes, format: format)
    }

    /// The label as a 1-bit bitmap, one bit per dot, and what the preview could not draw faithfully.
    public func bitmap(_ document: ZPLDocument, label: Int) throws(LabelError) -> (bitmap: MonoBitmap, notes: [String]) {
        guard document.labels.indices.contains(label) else {
            throw LabelError(code: "preview.label", message: "The ZPL holds \(document.labels.count) printing label\(document.labels.count == 1 ? "" : "s"); there is no label \(label + 1). Give a number from 1 to \(document.labels.count).")
        }
        let start = document.labels[label].range.lowerBound
        // Only what comes before the label's end matters to it.
        return try bitmap(Self.commands(document.bytes, through: document.labels[label].range.upperBound), formatAt: start, label: label)
    }

    /// The stream's commands through byte `end`, as the Labels tokenizer reads them (`^CC`/`~CC`
    /// applied); CR and LF inside field data are dropped, as the printer ignores them.
    static func commands(_ bytes: [UInt8], through end: Int) -> [ZPLPreviewCommand] {
        var out: [ZPLPreviewCommand] = []
        var tokenizer = ZPLTokenizer(bytes)
        while let command = tokenizer.next(), command.offset < end {
            var parameters = bytes[command.parameters]
            if command.code == "FD" || command.code == "FV" {
                if parameters.contains(where: { $0 == 0x0A || $0 == 0x0D }) { parameters = ArraySlice(parameters.filter { $0 != 0x0A && $0 != 0x0D }) }
            } else if command.code != "GF" && command.code != "DG" {
                while let last = parameters.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 { parameters = parameters.dropLast() }
            }
            out.append(ZPLPreviewCommand(tilde: command.prefix == .tilde, code: command.code, parameters: parameters, offset: command.offset))
        }
        return out
    }
}
