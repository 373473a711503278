import Foundation
import LabelGraphics
import Labels
import Station

extension LabelCommand {
    /// `packstation label --format png|svg FILE.zpl [--label N]`: one label of a ZPL file drawn
    /// in-process; what the preview could not draw faithfully is written under the label and
    /// repeated on stderr.
    func previewZPL(_ path: String, density: PrinterDensity) throws {
        guard format == .png || format == .svg else {
            throw StationError(code: "label.preview_format", message: "A ZPL file is previewed as PNG or SVG, not \(format.rawValue.uppercased()); use --format png or --format svg (packstation print sends the file to a printer as it is).")
        }
        guard order == nil else {
            throw StationError(code: "label.preview_order", message: "Give either --order ORDER.json or a ZPL file to preview, not both.")
        }
        let document: ZPLDocument
        do { document = try ZPLDocument(try readInput(path, what: "ZPL file")) } catch let error as LabelError {
            throw StationError(code: error.code, message: "\(path): \(error.message)")
        }
        guard !document.labels.isEmpty else {
            throw StationError(code: "label.preview_empty", message: "\(path) holds no label that prints (only settings, downloads or stored formats); nothing to preview.")
        }
        guard (1...document.labels.count).contains(label) else {
            throw StationError(code: "label.preview_label", message: "--label \(label) is not in \(path), which holds \(document.labels.count) printing label\(document.labels.count == 1 ? "" : "s"); use 1 to \(document.labels.count).")
        }
        var file = try OutputFile(path: out)
        do {
            let picture = try ZPLPreview(density: density).render(document, label: label - 1, format: format == .png ? .png : .svg)
            try file.write(picture.bytes[...])
            try file.commit()
            for note in picture.notes { FileHandle.standardError.write(Data("note: \(path) label \(label): \(note)\n".utf8)) }
        } catch let error as LabelError {
            file.discard()
            throw StationError(code: error.code, message: "\(path) label \(label): \(error.message)")
        } catch {
            file.discard()
            throw error
        }
    }
}
