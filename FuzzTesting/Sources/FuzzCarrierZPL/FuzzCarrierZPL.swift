import Labels

/// Any bytes as a carrier's label (`CarrierZPL`, on `ZPLDocument`). (PDFs are read by poppler now.)
///
/// Checks: an accepted stream is kept byte for byte, prints at least one label, and each of its
/// labels is the `^XA` … `^XZ` of a printing format, in stream order; a refused one gets a
/// `carrier.zpl_…` code and a message.
func fuzzCarrierZPL(_ bytes: UnsafeBufferPointer<UInt8>) {
    let bytes = Array(bytes)
    do {
        let zpl = try CarrierZPL(bytes: bytes)
        precondition(zpl.bytes == bytes, "the stream sent to the printer is not the stream received")
        precondition(!zpl.labels.isEmpty && zpl.labelCount >= zpl.labels.count, "a stream without labels was accepted")
        var position = 0
        for (number, label) in zpl.labels.enumerated() {
            let range = zpl.document.labels[number].range
            precondition(range.lowerBound >= position && Array(bytes[range]) == label, "label \(number + 1) is not the next format of the stream")
            var tokens = ZPLTokenizer(label)
            precondition(tokens.next()?.name == "^XA", "label \(number + 1) does not start with ^XA")
            position = range.upperBound
        }
    } catch {
        precondition(error.code.hasPrefix("carrier.zpl_") && !error.message.isEmpty, "a ZPL stream refused with \(error.code)")
    }
}
