/// Reads a stream into segments, labels and definitions, one command at a time.
struct ZPLDocumentReader {
    let bytes: [UInt8]
    let policy: ZPLPolicy
    var segments: [ZPLSegment] = []
    var labels: [ZPLLabel] = []
    var definitions: [String: [ZPLDocument.Piece]] = [:]
    var settings: [(segment: Int, content: Int)] = []
    var settingsContent: [ArraySlice<UInt8>: Int] = [:]
    var syntaxBefore: [ZPLSyntax] = []
    var syntaxAfter: [ZPLSyntax] = []
    /// What each stored format, as last defined, does when recalled.
    var storedFormats: [String: Stored] = [:]

    struct Stored {
        var prints: Bool
        var quantity: Int?
        var needs: [String]
    }

    /// The format between `^XA` and `^XZ` being read.
    struct OpenFormat {
        var start: Int
        var syntax: ZPLSyntax
        var hasOrigin = false
        var hasContent = false
        var storedName: String?
        var quantity: Int?
        var quantityField: Range<Int>?
        /// The syntax `^PQ` was read with: a new quantity written in its place must be read with it.
        var quantitySyntax = ZPLSyntax.standard
        var needs: [String] = []
        var recalledFormats: [String] = []
        var imageSave: ImageSave?
        var pieces: [(name: String, piece: ZPLDocument.Piece)] = []

        mutating func need(_ name: String) {
            if !needs.contains(name) { needs.append(name) }
        }
    }

    /// A format's `^IS`: the image it saves, whether the format also prints, and what sending it
    /// again told not to print rewrites.
    struct ImageSave {
        var name: String
        var prints: Bool
        var offset: Int
        var parameters: Range<Int>
        /// Its first parameter, the object name as written.
        var field: ArraySlice<UInt8>
        /// The syntax its parameters were read with, which `~CD`/`^CD` may change before `^XZ`.
        var syntax: ZPLSyntax
    }

    init(bytes: [UInt8], policy: ZPLPolicy) {
        self.bytes = bytes
        self.policy = policy
    }

    mutating func read() throws(LabelError) {
        var tokenizer = ZPLTokenizer(bytes)
        var syntax = tokenizer.syntax
        var open: OpenFormat?
        while let command = tokenizer.next() {
            let after = tokenizer.syntax
            if after != syntax, !after.canWriteEveryCode {
                throw LabelError(code: "carrier.zpl_unresendable", message: "The ZPL's \(command.name) at byte \(command.offset) makes the command characters \(Self.show(after.caret)) and \(Self.show(after.tilde)), one letter in its two cases: no command could be written after it, so its labels could not be sent again on their own (a resumed run, a reprint). Ask the sender for the label with the usual command characters.")
            }
            let key = command.key
            let object = try storedObject(command, syntax: syntax)
            if let reason = policy.refusal(command, object: object) {
                let name = command.name
                throw LabelError(code: "carrier.zpl_refused", message: "The ZPL has \(name) at byte \(command.offset), which \(reason); it is not printed. If the sender is trusted, add \"\(name)\" to printer.zpl_allow in station.toml.")
            }
            switch key {
            case K.XA:
                if let open {
                    throw LabelError(code: "carrier.zpl_unclosed", message: "The ZPL has ^XA at byte \(command.offset) before the ^XZ that ends the format opened at byte \(open.start); ask the sender for the label again.")
                }
                open = OpenFormat(start: command.offset, syntax: syntax)
            case K.XZ:
                guard let format = open else {
                    throw LabelError(code: "carrier.zpl_unopened", message: "The ZPL has ^XZ at byte \(command.offset) without a ^XA before it; ask the sender for the label again.")
                }
                try close(format, at: command, syntaxAtEnd: syntax, syntaxAfter: after)
                open = nil
            default:
                if open != nil {
                    note(command, object: object, in: &open!, syntax: syntax, syntaxAfter: after)
                } else if let object, K.isDownload(key) {
                    let piece = ZPLDocument.Piece(range: command.range, replacement: nil, syntax: syntax, syntaxAfter: after, needs: [])
                    definitions[object, default: []].append(piece)
                    append(ZPLSegment(kind: .download(name: object), range: command.range), syntax: syntax, after: after)
                } else {
                    append(ZPLSegment(kind: .hostCommand(code: command.name), range: command.range), syntax: syntax, after: after)
                }
            }
            syntax = after
        }
        if let open {
            throw LabelError(code: "carrier.zpl_truncated", message: "The ZPL's format opened by ^XA at byte \(open.start) never ends with ^XZ (the data is cut off); ask the sender for the label again.")
        }
    }

    mutating func append(_ segment: ZPLSegment, syntax: ZPLSyntax, after: ZPLSyntax) {
        segments.append(segment)
        syntaxBefore.append(syntax)
        syntaxAfter.append(after)
    }

    /// What a command inside a format adds to it: content, origin, quantity, recalls, definitions.
    mutating func note(_ command: ZPLCommand, object: String?, in format: inout OpenFormat, syntax: ZPLSyntax, syntaxAfter: ZPLSyntax) {
        let parameters = command.parameters
        switch command.key {
        case K.FO, K.FT:
            format.hasOrigin = true
        case K.FD, K.FV, K.SN:
            if format.hasOrigin { format.hasContent = true }
        case K.FN:
            // A variable field of a stored format prints when the format is recalled.
            if format.hasOrigin, format.storedName != nil { format.hasContent = true }
        case K.GB, K.GC, K.GD, K.GE, K.GF:
            format.hasContent = true
        case K.XG, K.IL, K.IM:
            format.hasContent = true
            if let name = field(0, of: parameters, syntax: syntax).flatMap({ ZPLPayload.objectName($0, defaultExtension: "GRF") }) { format.need(name) }
        case K.XF:
            if let name = field(0, of: parameters, syntax: syntax).flatMap({ ZPLPayload.objectName($0, defaultExtension: "ZPL") }) {
                format.need(name)
                format.recalledFormats.append(name)
            }
        case K.fontAt:
            if let name = field(3, of: parameters, syntax: syntax).flatMap({ ZPLPayload.objectName($0, defaultExtension: "FNT") }) { format.need(name) }
        case K.CW:
            if let name = field(1, of: parameters, syntax: syntax).flatMap({ ZPLPayload.objectName($0, defaultExtension: "FNT") }) { format.need(name) }
        case K.PQ:
            let first = field(0, of: parameters, syntax: syntax) ?? bytes[parameters.lowerBound..<parameters.lowerBound]
            // Out of range or absent, the printer prints one; it prints at most 99,999,999.
            format.quantity = min(max(ZPLNumber.parse(first) ?? 1, 1), 99_999_999)
            format.quantityField = first.startIndex..<first.endIndex
            format.quantitySyntax = syntax
        case K.DF:
            format.storedName = object
        case K.IS:
            if let object, let first = field(0, of: parameters, syntax: syntax) {
                let flag = field(1, of: parameters, syntax: syntax)?.first { $0 != 0x20 && $0 != 0x0D && $0 != 0x0A }
                format.imageSave = ImageSave(name: object, prints: flag.map { ZPLTokenizer.upper($0) != 0x4E } ?? true, offset: command.offset, parameters: parameters, field: first, syntax: syntax)
            }
        default:
            if let object, K.isDownload(command.key) {
                // A download inside a format is sent again on its own.
                format.pieces.append((object, ZPLDocument.Piece(range: command.range, replacement: nil, syntax: syntax, syntaxAfter: syntaxAfter, needs: [])))
            }
        }
    }

    mutating func close(_ format: OpenFormat, at xz: ZPLCommand, syntaxAtEnd: ZPLSyntax, syntaxAfter after: ZPLSyntax) throws(LabelError) {
        let range = format.start..<xz.parameters.upperBound
        let index = segments.count
        var needs = format.needs
        var recalledPrints = false
        var recalledQuantity: Int?
        for name in format.recalledFormats {
            // A format stored on the printer beforehand (not in this stream) is taken to print.
            guard let stored = storedFormats[name] else {
                recalledPrints = true
                continue
            }
            recalledPrints = recalledPrints || stored.prints
            recalledQuantity = stored.quantity ?? recalledQuantity
            for need in stored.needs where !needs.contains(need) { needs.append(need) }
        }
        for (name, piece) in format.pieces { definitions[name, default: []].append(piece) }
        let kind: ZPLSegment.Kind
        if let stored = format.storedName {
            storedFormats[stored] = Stored(prints: format.hasContent || recalledPrints, quantity: format.quantity ?? recalledQuantity, needs: needs)
            definitions[stored, default: []].append(ZPLDocument.Piece(range: range, replacement: nil, syntax: format.syntax, syntaxAfter: after, needs: needs))
            kind = .storedFormat(name: stored)
        } else {
            let saveOnly = format.imageSave.map { !$0.prints } ?? false
            if (format.hasContent || recalledPrints) && !saveOnly {
                labels.append(ZPLLabel(segment: index, range: range, quantity: format.quantity ?? recalledQuantity ?? 1, needs: needs, quantityField: format.quantityField, syntaxAtQuantity: format.quantitySyntax, end: xz.offset, syntaxAtEnd: syntaxAtEnd))
                kind = .printingFormat(label: labels.count - 1)
                if let save = format.imageSave {
                    // Sent again, it must store the image without printing a label nobody counts:
                    // its parameters become the name and "N", written in the syntax they are read
                    // with there (a ~CD after the ^IS changes only what follows; found by fuzzing).
                    let rewritten = try Self.notPrinting(save)
                    definitions[save.name, default: []].append(ZPLDocument.Piece(range: range, replacement: (save.parameters, rewritten), syntax: format.syntax, syntaxAfter: after, needs: needs))
                }
            } else if let save = format.imageSave {
                definitions[save.name, default: []].append(ZPLDocument.Piece(range: range, replacement: nil, syntax: format.syntax, syntaxAfter: after, needs: needs))
                kind = .download(name: save.name)
            } else {
                let content = bytes[range]
                let id = settingsContent[content] ?? settingsContent.count
                settingsContent[content] = id
                // One that recalls a stored format or graphic is not sent again before a label:
                // without that definition it would read as a printing format (found by fuzzing).
                if needs.isEmpty { settings.append((index, id)) }
                kind = .settingsFormat
            }
        }
        append(ZPLSegment(kind: kind, range: range), syntax: format.syntax, after: after)
    }

    /// The parameters of `save` rewritten to store its image without printing: its name, the
    /// delimiter and `N` (or `n` when `N` is a prefix or the delimiter there). Throws
    /// `carrier.zpl_unresendable` when both are: the format could not be sent again on its own.
    static func notPrinting(_ save: ImageSave) throws(LabelError) -> [UInt8] {
        let syntax = save.syntax
        guard let flag = [UInt8(ascii: "N"), UInt8(ascii: "n")].first(where: { $0 != syntax.caret && $0 != syntax.tilde && $0 != syntax.delimiter }) else {
            throw LabelError(code: "carrier.zpl_unresendable", message: "The ZPL's ^IS at byte \(save.offset) saves \(save.name) from a format that also prints, while the command characters (^CC, ^CT, ^CD) make both N and n commands or delimiters: that format could not be sent again before a later label (a resumed run, a reprint) without printing a label nobody counts. Ask the sender for the label with the usual command characters.")
        }
        return Array(save.field) + [syntax.delimiter, flag]
    }

    /// The object a storing or deleting command names, after checking a download's data against
    /// its declared size.
    func storedObject(_ command: ZPLCommand, syntax: ZPLSyntax) throws(LabelError) -> String? {
        let parameters = command.parameters
        let key = command.key
        func damaged(_ object: String?, _ problem: String) -> LabelError {
            LabelError(code: "carrier.zpl_payload", message: "The ZPL's \(command.name) at byte \(command.offset)\(object.map { " (\($0))" } ?? "") \(problem); it is not printed, as the printer would misread the commands after it. Ask the sender for the label again.")
        }
        switch key {
        case K.DF: return field(0, of: parameters, syntax: syntax).flatMap { ZPLPayload.objectName($0, defaultExtension: "ZPL") }
        case K.IS, K.ID: return field(0, of: parameters, syntax: syntax).flatMap { ZPLPayload.objectName($0, defaultExtension: "GRF") }
        case K.DG:
            guard let header = ZPLHeader(bytes, from: parameters.lowerBound, fields: 3, syntax: syntax) else {
                throw damaged(nil, "is cut off before its data (it needs a name, the total bytes and the bytes per row)")
            }
            let object = ZPLPayload.objectName(bytes[header.fields[0]], defaultExtension: "GRF")
            guard let total = header.integer(of: 1, in: bytes), let row = header.integer(of: 2, in: bytes) else {
                throw damaged(object, "has no number for its total bytes or bytes per row")
            }
            if let problem = ZPLPayload.graphicDataProblem(bytes[header.dataStart..<parameters.upperBound], totalBytes: total, bytesPerRow: row) {
                throw damaged(object, problem)
            }
            return object
        case K.DY:
            guard let header = ZPLHeader(bytes, from: parameters.lowerBound, fields: 5, syntax: syntax) else {
                throw damaged(nil, "is cut off before its data (it needs a name, format, extension, total bytes and bytes per row)")
            }
            let format = header.firstByte(of: 1, in: bytes).map(ZPLTokenizer.upper) ?? 0x41
            let extensionField = bytes[header.fields[2]].filter { $0 != 0x20 && $0 != 0x0D && $0 != 0x0A }.map(ZPLTokenizer.upper)
            let object = ZPLPayload.objectName(bytes[header.fields[0]], defaultExtension: Self.dyExtension(extensionField))
            guard let total = header.integer(of: 3, in: bytes) else { throw damaged(object, "has no number for its total bytes") }
            let data = bytes[header.dataStart..<parameters.upperBound]
            let ascii = format == 0x41 || data.first == 0x3A
            if !ascii {
                if data.count < total { throw damaged(object, "declares \(total) bytes but only \(data.count) follow (the data is cut off)") }
            } else if extensionField == [0x47] {
                if let problem = ZPLPayload.graphicDataProblem(data, totalBytes: total, bytesPerRow: header.integer(of: 4, in: bytes) ?? 0) { throw damaged(object, problem) }
            } else if data.first != 0x3A, let digits = ZPLPayload.hexDigitCount(data), digits != total * 2 {
                throw damaged(object, "declares \(total) bytes but its hex data holds \(digits / 2) (the data is cut off or the size is wrong)")
            }
            return object
        case K.GF:
            guard let header = ZPLHeader(bytes, from: parameters.lowerBound, fields: 4, syntax: syntax) else {
                throw damaged(nil, "is cut off before its data (it needs a format, byte counts and bytes per row)")
            }
            let format = header.firstByte(of: 0, in: bytes).map(ZPLTokenizer.upper) ?? 0x41
            let data = bytes[header.dataStart..<parameters.upperBound]
            if format == 0x42 || format == 0x43 {
                let count = header.integer(of: 1, in: bytes) ?? 0
                if data.count < count { throw damaged(nil, "declares \(count) bytes but only \(data.count) follow (the data is cut off)") }
            } else if let total = header.integer(of: 2, in: bytes), let row = header.integer(of: 3, in: bytes) {
                if let problem = ZPLPayload.graphicDataProblem(data, totalBytes: total, bytesPerRow: row) { throw damaged(nil, problem) }
            } else {
                throw damaged(nil, "has no number for its total bytes or bytes per row")
            }
            return nil
        case K.DB: return field(0, of: parameters, syntax: syntax).flatMap { ZPLPayload.objectName($0, defaultExtension: "FNT") }
        case K.DS, K.DT, K.DU, K.DE:
            let object = field(0, of: parameters, syntax: syntax).flatMap { ZPLPayload.objectName($0, defaultExtension: key == K.DS || key == K.DU ? "FNT" : "DAT") }
            guard let header = ZPLHeader(bytes, from: parameters.lowerBound, fields: 2, syntax: syntax), let size = header.integer(of: 1, in: bytes) else {
                throw damaged(object, "is cut off before its data (it needs a name and a size)")
            }
            let digits = ZPLPayload.hexDigitCount(bytes[header.dataStart..<parameters.upperBound])
            if digits != size * 2 {
                throw damaged(object, digits.map { "declares \(size) bytes but its hex data holds \($0 / 2) (the data is cut off or the size is wrong)" } ?? "holds something other than hex digits in its data")
            }
            return object
        default: return nil
        }
    }

    /// A command character for a message: the letter, or its code when it is not printable.
    static func show(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(UnicodeScalar(byte)))'" : "0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }

    static func dyExtension(_ letters: [UInt8]) -> String {
        switch letters {
        case [0x42]: "FNT"
        case [0x45]: "TTE"
        case [0x47]: "GRF"
        case [0x50]: "PNG"
        case [0x54]: "TTF"
        case [0x58]: "PCX"
        case [0x43]: "WML"
        case [0x46]: "HTM"
        case [0x48]: "GET"
        default: String(decoding: letters, as: UTF8.self)
        }
    }

    /// The `index`th delimited field of a command's parameters, or nil when it has fewer.
    func field(_ index: Int, of parameters: Range<Int>, syntax: ZPLSyntax) -> ArraySlice<UInt8>? {
        var start = parameters.lowerBound
        var current = 0
        var i = start
        while i < parameters.upperBound {
            if bytes[i] == syntax.delimiter {
                if current == index { return bytes[start..<i] }
                current += 1
                start = i + 1
            }
            i += 1
        }
        return current == index ? bytes[start..<parameters.upperBound] : nil
    }
}

/// Command keys the reader compares with (prefix and code as one number, `ZPLCommand.key`),
/// written out so that comparing costs no lazy initialisation; a test checks each.
enum K {
    static let XA: UInt32 = 0x00025841  // ^XA
    static let XZ: UInt32 = 0x0002585A  // ^XZ
    static let FO: UInt32 = 0x0002464F  // ^FO
    static let FT: UInt32 = 0x00024654  // ^FT
    static let FD: UInt32 = 0x00024644  // ^FD
    static let FV: UInt32 = 0x00024656  // ^FV
    static let SN: UInt32 = 0x0002534E  // ^SN
    static let FN: UInt32 = 0x0002464E  // ^FN
    static let GB: UInt32 = 0x00024742  // ^GB
    static let GC: UInt32 = 0x00024743  // ^GC
    static let GD: UInt32 = 0x00024744  // ^GD
    static let GE: UInt32 = 0x00024745  // ^GE
    static let GF: UInt32 = 0x00024746  // ^GF
    static let XG: UInt32 = 0x00025847  // ^XG
    static let IL: UInt32 = 0x0002494C  // ^IL
    static let IM: UInt32 = 0x0002494D  // ^IM
    static let XF: UInt32 = 0x00025846  // ^XF
    static let fontAt: UInt32 = 0x00024140  // ^A@
    static let CW: UInt32 = 0x00024357  // ^CW
    static let PQ: UInt32 = 0x00025051  // ^PQ
    static let DF: UInt32 = 0x00024446  // ^DF
    static let IS: UInt32 = 0x00024953  // ^IS
    static let ID: UInt32 = 0x00024944  // ^ID
    static let DG: UInt32 = 0x01024447  // ~DG
    static let DY: UInt32 = 0x01024459  // ~DY
    static let DB: UInt32 = 0x01024442  // ~DB
    static let DS: UInt32 = 0x01024453  // ~DS
    static let DT: UInt32 = 0x01024454  // ~DT
    static let DU: UInt32 = 0x01024455  // ~DU
    static let DE: UInt32 = 0x01024445  // ~DE

    /// Commands that download an object outside a format, each a segment of its own.
    static func isDownload(_ key: UInt32) -> Bool {
        switch key {
        case DG, DY, DB, DS, DT, DU, DE: true
        default: false
        }
    }

    static let all: [(String, UInt32)] = [("^XA", XA), ("^XZ", XZ), ("^FO", FO), ("^FT", FT), ("^FD", FD), ("^FV", FV), ("^SN", SN), ("^FN", FN), ("^GB", GB), ("^GC", GC), ("^GD", GD), ("^GE", GE), ("^GF", GF), ("^XG", XG), ("^IL", IL), ("^IM", IM), ("^XF", XF), ("^A@", fontAt), ("^CW", CW), ("^PQ", PQ), ("^DF", DF), ("^IS", IS), ("^ID", ID), ("~DG", DG), ("~DY", DY), ("~DB", DB), ("~DS", DS), ("~DT", DT), ("~DU", DU), ("~DE", DE)]
}
