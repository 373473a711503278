extension ZPLDocument {
    /// What `labels[label]` needs when it is sent without what precedes it in the stream (a
    /// resumed run, a chunk starting mid-file, a printer switched off since): the settings formats
    /// before it (each distinct one once, where it last occurs) and the latest definition before it
    /// of every object it recalls, transitively, in stream order; with the `~CC`/`~CT`/`~CD` that
    /// put the printer back in the syntax each piece and the label itself were written in.
    public func preamble(before label: Int) -> [UInt8] {
        let target = labels[label]
        let start = target.range.lowerBound
        var pieces: [Piece] = []
        // Settings: keep the last occurrence of each distinct format before the label.
        var seen = Set<Int>()
        for (segment, content) in settings.reversed() where segments[segment].range.lowerBound < start {
            if seen.insert(content).inserted {
                pieces.append(Piece(range: segments[segment].range, replacement: nil, syntax: syntaxBefore[segment], syntaxAfter: syntaxAfter[segment], needs: []))
            }
        }
        // Definitions: what the label recalls, then what those recall, each piece once. What a
        // definition recalls is the definition in force where that piece is, not where the label
        // is: a format stored again under a name it recalls (^XF then ^DF of the same name) needs
        // the earlier one (found by fuzzing).
        var wanted = target.needs.map { (name: $0, before: start) }
        var chosen = Set<Int>()
        var index = 0
        while index < wanted.count {
            let (name, before) = wanted[index]
            index += 1
            guard let piece = latestDefinition(of: name, before: before), chosen.insert(piece.range.lowerBound).inserted else { continue }
            pieces.append(piece)
            for need in piece.needs { wanted.append((need, piece.range.lowerBound)) }
        }
        pieces.sort { $0.range.lowerBound < $1.range.lowerBound }
        var out: [UInt8] = []
        var syntax = ZPLSyntax.standard
        for piece in pieces {
            Self.appendSyntaxChange(from: syntax, to: piece.syntax, into: &out)
            if let (range, replacement) = piece.replacement {
                out += bytes[piece.range.lowerBound..<range.lowerBound]
                out += replacement
                out += bytes[range.upperBound..<piece.range.upperBound]
            } else {
                out += bytes[piece.range]
            }
            syntax = piece.syntaxAfter
        }
        Self.appendSyntaxChange(from: syntax, to: syntaxBefore[target.segment], into: &out)
        return out
    }

    func latestDefinition(of name: String, before offset: Int) -> Piece? {
        guard let list = definitions[name] else { return nil }
        // Definitions are in stream order: find the last that starts before `offset`.
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].range.lowerBound < offset { low = mid + 1 } else { high = mid }
        }
        return low > 0 ? list[low - 1] : nil
    }

    /// Control commands (they work whatever the format prefix is) taking the printer from one
    /// syntax to another, each written in the syntax in force where it stands (`ZPLSyntax.commands(to:)`:
    /// a `~CT` after `~CCT` is written `~Ct`). The reader refuses the syntaxes no command leaves.
    static func appendSyntaxChange(from old: ZPLSyntax, to new: ZPLSyntax, into out: inout [UInt8]) {
        out += old.commands(to: new) ?? []
    }

    /// The bytes of `labels[label]`, `^XA` through `^XZ`, as given; with `quantity`, its `^PQ`
    /// set to that many labels (the first parameter of its last `^PQ` rewritten, or a `^PQ`
    /// added before its `^XZ`).
    public func bytes(of label: Int, quantity: Int? = nil) -> [UInt8] {
        let target = labels[label]
        guard let quantity else { return Array(bytes[target.range]) }
        let digits = Array(String(quantity).utf8)
        let end = target.syntaxAtEnd
        // Digits are read with the syntax where they are written: at the ^PQ, or before ^XZ.
        func readable(in syntax: ZPLSyntax) -> Bool {
            !digits.contains { $0 == syntax.caret || $0 == syntax.tilde || $0 == syntax.delimiter }
        }
        if let field = target.quantityField, readable(in: target.syntaxAtQuantity) {
            return Array(bytes[target.range.lowerBound..<field.lowerBound]) + digits + bytes[field.upperBound..<target.range.upperBound]
        }
        // "PQ" in a case the printer does not read as a prefix there (~CTP made P the tilde: found by fuzzing).
        if target.quantityField == nil, readable(in: end), let pq = end.code("PQ") {
            return Array(bytes[target.range.lowerBound..<target.end]) + [end.caret] + pq + digits + bytes[target.end..<target.range.upperBound]
        }
        // The file made a digit of the quantity a prefix or the delimiter there (^CC3, ^CT3,
        // ^CD3): the digits would be read as commands. The format's own quantity is emptied (one
        // label), and before its ^XZ the printer is switched to ^ ~ , for a ^PQ of its own and back.
        var out: [UInt8]
        if let field = target.quantityField {
            out = Array(bytes[target.range.lowerBound..<field.lowerBound]) + bytes[field.upperBound..<target.end]
        } else {
            out = Array(bytes[target.range.lowerBound..<target.end])
        }
        Self.appendSyntaxChange(from: end, to: .standard, into: &out)
        out += Array("^PQ".utf8) + digits
        Self.appendSyntaxChange(from: .standard, to: end, into: &out)
        return out + bytes[target.end..<target.range.upperBound]
    }
}
