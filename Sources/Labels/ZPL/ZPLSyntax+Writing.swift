extension ZPLSyntax {
    /// Whether commands can be written in this syntax whatever their letters: the two prefixes
    /// are not one letter in its two cases (`~CTc` after `^CCC`), so each letter of a code has a
    /// case that is no prefix (the printer reads codes in either case).
    var canWriteEveryCode: Bool { ZPLTokenizer.upper(caret) != ZPLTokenizer.upper(tilde) }

    /// `letters` as a command code readable in this syntax: each letter upper case, or lower
    /// case where the upper one is a prefix; nil when both are.
    func code(_ letters: String) -> [UInt8]? {
        var out: [UInt8] = []
        for letter in letters.utf8 {
            let upper = ZPLTokenizer.upper(letter), lower = upper | 0x20
            if upper != caret && upper != tilde {
                out.append(upper)
            } else if lower != caret && lower != tilde {
                out.append(lower)
            } else {
                return nil
            }
        }
        return out
    }

    /// The syntax after a `~CC`/`~CT`/`~CD` (`which` is C, T or D) to `value`, as the tokenizer
    /// applies it (a change that would make the prefixes ambiguous is ignored).
    func changed(_ which: UInt8, to value: UInt8) -> ZPLSyntax {
        ZPLTokenizer.changed(self, which, to: value)
    }

    /// Control commands taking the printer from this syntax to `new`, each written so that it is
    /// read in the syntax in force where it stands (a swap of the prefixes goes through a spare
    /// character); nil when no such commands exist (`canWriteEveryCode` false on the way).
    func commands(to new: ZPLSyntax) -> [UInt8]? {
        // Breadth first over at most a few steps: each step sets one character to its target
        // or, to get out of a swap, a prefix to a spare character.
        let spares: [UInt8] = Array("!#$%&*+/;=@|".utf8).filter { $0 != new.caret && $0 != new.tilde && $0 != new.delimiter }
        var frontier: [(syntax: ZPLSyntax, bytes: [UInt8])] = [(self, [])]
        var seen: Set<ZPLSyntax> = [self]
        for _ in 0..<6 {
            var next: [(syntax: ZPLSyntax, bytes: [UInt8])] = []
            for (syntax, bytes) in frontier {
                if syntax == new { return bytes }
                var moves: [(UInt8, UInt8)] = [(0x44, new.delimiter), (0x43, new.caret), (0x54, new.tilde)]
                if let spare = spares.first(where: { $0 != syntax.caret && $0 != syntax.tilde && $0 != syntax.delimiter }) {
                    moves += [(0x43, spare), (0x54, spare)]
                }
                for (which, value) in moves {
                    guard let code = syntax.code("C" + String(UnicodeScalar(which))) else { continue }
                    let after = syntax.changed(which, to: value)
                    guard after != syntax, after.canWriteEveryCode, seen.insert(after).inserted else { continue }
                    next.append((after, bytes + [syntax.tilde] + code + [value]))
                }
            }
            frontier = next
        }
        return frontier.first { $0.syntax == new }?.bytes
    }
}
