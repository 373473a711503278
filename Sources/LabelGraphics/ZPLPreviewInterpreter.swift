import Labels

/// One ZPL command as the preview reads it (from the Labels tokenizer).
struct ZPLPreviewCommand {
    /// `~` (control) rather than `^` (format) command.
    var tilde: Bool
    /// Upper-cased code: "XA", "FD", "A", "GF" …
    var code: String
    /// Raw parameter bytes (field data before ^FH decoding).
    var parameters: ArraySlice<UInt8>
    /// Byte offset of the command character in the stream.
    var offset: Int

    /// The command as written in notes: `^GF`, `~DG`.
    var name: String { (tilde ? "~" : "^") + code }
}

/// What the printer remembers between formats: downloaded graphics, stored formats and the
/// settings a format leaves behind (print width, label length, label home, character set).
struct ZPLPreviewMemory {
    var graphics: [String: MonoBitmap] = [:]
    /// Downloads that could not be decoded, by name: noted when a label recalls them.
    var broken: [String: String] = [:]
    var formats: [String: [ZPLPreviewCommand]] = [:]
    var printWidth: Int?
    var labelLength: Int?
    var home = (x: 0, y: 0)
    var utf8 = false
    var upsideDown = false
    var mirrored = false
    var shift = 0
    var notes: [String] = []

    /// An object name as stored: upper-cased, `R:` when no drive is given, extension added.
    static func objectName(_ raw: ArraySlice<UInt8>, defaultExtension: String) -> String {
        var name = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        if let comma = name.firstIndex(of: ",") { name = String(name[..<comma]) }
        if !name.contains(":") { name = "R:" + name }
        if !name.contains(".") { name += "." + defaultExtension }
        return name
    }

    /// Reads a command that changes the printer's memory outside formats (downloads, deletes).
    mutating func host(_ command: ZPLPreviewCommand) {
        switch command.code {
        case "DG":
            // ~DGd:o.x,t,w,data
            let parts = ZPLPreviewParameters(command.parameters, limit: 4)
            let name = Self.objectName(parts.raw(0) ?? [], defaultExtension: "GRF")
            guard let total = parts.int(1), let rowBytes = parts.int(2) else {
                broken[name] = "\(command.name) \(name) at byte \(command.offset) has no byte counts"
                return
            }
            do {
                graphics[name] = try ZPLPreviewGraphic.decode(parts.raw(3) ?? [], total: total, rowBytes: rowBytes)
                broken[name] = nil
            } catch {
                graphics[name] = nil
                broken[name] = "\(command.name) \(name) at byte \(command.offset): \(error.reason)"
            }
        case "ID", "EG":
            if command.code == "EG" { graphics.removeAll(); return }
            let name = Self.objectName(command.parameters, defaultExtension: "GRF")
            if name.contains("*") { graphics.removeAll() } else { graphics[name] = nil; formats[name] = nil }
        default:
            break
        }
    }

    mutating func note(_ text: String) {
        if !notes.contains(text) { notes.append(text) }
    }
}

/// Walks a ZPL stream as a printer would and draws one of its formats.
struct ZPLPreviewInterpreter {
    let dotsPerInch: Int
    var memory = ZPLPreviewMemory()

    init(dotsPerInch: Int) { self.dotsPerInch = dotsPerInch }

    /// Reads `commands` in order and draws the format whose `^XA` is at byte `target`; nil when
    /// no printing format starts there.
    mutating func draw(_ commands: [ZPLPreviewCommand], target: Int) -> (canvas: ZPLPreviewCanvas, notes: [String])? {
        var format: [ZPLPreviewCommand]? = nil
        for command in commands {
            if command.tilde, command.code != "XA" && command.code != "XZ" {
                memory.host(command)
                continue
            }
            switch command.code {
            case "XA": format = [command]
            case "XZ":
                guard let body = format else { continue }
                format = nil
                if body[0].offset == target {
                    var state = ZPLPreviewFormatState(memory: memory, dotsPerInch: dotsPerInch)
                    state.run(Array(body.dropFirst()))
                    let canvas = state.finish()
                    return (canvas, state.memory.notes)
                }
                remember(Array(body.dropFirst()))
                if body[0].offset > target { return nil }
            default:
                if format != nil { format?.append(command) } else { memory.host(command) }
            }
        }
        return nil
    }

    /// A format that is not drawn: what it leaves in the printer (stored format, settings, graphics).
    mutating func remember(_ body: [ZPLPreviewCommand]) {
        if let df = body.firstIndex(where: { $0.code == "DF" }) {
            let name = ZPLPreviewMemory.objectName(body[df].parameters, defaultExtension: "ZPL")
            var rest = body[(df + 1)...]
            if rest.first?.code == "FS" { rest = rest.dropFirst() }
            memory.formats[name] = Array(rest)
            return
        }
        var state = ZPLPreviewFormatState(memory: memory, dotsPerInch: dotsPerInch)
        state.drawing = false
        state.run(body)
        memory = state.memory
    }
}
