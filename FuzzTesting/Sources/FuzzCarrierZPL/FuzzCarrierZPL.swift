import Labels

/// Any bytes as a carrier's label, split as ZPL (`CarrierZPL`). (PDFs are read by poppler now.)
///
/// Checks the splitter's contract: an accepted stream is its prologue, then each label
/// (`^XA` … `^XZ`, byte for byte) with only whitespace between and after, and nothing outside the
/// labels is a `^` command (it could change the printer's settings); a refused one gets a
/// `carrier.zpl_…` code and a message.
func fuzzCarrierZPL(_ bytes: UnsafeBufferPointer<UInt8>) {
    let bytes = Array(bytes)
    do {
        let zpl = try CarrierZPL(bytes: bytes)
        precondition(zpl.bytes == bytes, "the stream sent to the printer is not the stream received")
        precondition(!zpl.labels.isEmpty, "a stream without labels was accepted")
        precondition(!zpl.prologue.contains(UInt8(ascii: "^")), "a ^ command before the first label was accepted: \(String(decoding: zpl.prologue, as: UTF8.self).debugDescription)")
        precondition(bytes.starts(with: zpl.prologue), "the prologue is not the start of the stream")
        var position = zpl.prologue.count
        for (number, label) in zpl.labels.enumerated() {
            if number > 0 { while position < bytes.count, isWhitespace(bytes[position]) { position += 1 } }
            precondition(bytes[position...].starts(with: label), "label \(number + 1) is not the next bytes of the stream")
            precondition(isCommand(label.prefix(3), "XA") && isCommand(label.suffix(3), "XZ"), "label \(number + 1) is not ^XA … ^XZ")
            position += label.count
        }
        precondition(bytes[position...].allSatisfy(isWhitespace), "something other than whitespace follows the last label")
    } catch {
        precondition(error.code.hasPrefix("carrier.zpl_") && !error.message.isEmpty, "a ZPL stream refused with \(error.code)")
    }
}

func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

/// `^XA` and `^XZ` in either case, as the printer reads them.
func isCommand(_ bytes: some Collection<UInt8>, _ name: String) -> Bool {
    bytes.count == 3 && bytes.first == UInt8(ascii: "^") && bytes.dropFirst().map { $0 | 0x20 } == Array(name.lowercased().utf8)
}
