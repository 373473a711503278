import Labels

/// Any bytes as ZPL, read by `ZPLTokenizer` and `ZPLDocument` (under the carrier policy and with
/// every refused command allowed, so the fuzzer gets past refusals).
///
/// Checks: commands come in order inside the input and the tokenizer's work is linear; an
/// accepted stream is kept byte for byte and its segments follow each other; every label has
/// 1 to 99,999,999 copies; a label sent alone after its preamble reads back as one label with
/// the same copies and needs; `bytes(of:quantity:)` makes that many labels; a refusal has a
/// `carrier.zpl_…` code and a message naming a byte.
func fuzzZPLDocument(_ buffer: UnsafeBufferPointer<UInt8>) {
    let bytes = Array(buffer)
    var tokenizer = ZPLTokenizer(bytes)
    var last = -1
    while let command = tokenizer.next() {
        precondition(command.offset > last && command.parameters.lowerBound > command.offset && command.parameters.upperBound <= bytes.count, "command \(command.name) at \(command.offset) out of order or bounds")
        precondition(command.parameters.lowerBound <= command.parameters.upperBound)
        last = command.parameters.upperBound - 1
    }
    precondition(tokenizer.steps <= 4 * bytes.count + 16, "\(tokenizer.steps) steps for \(bytes.count) bytes")
    check(bytes, policy: .carrier)
    check(bytes, policy: everything)
}

let everything = ZPLPolicy(allowed: Set(ZPLPolicy.refusedCommands.keys).union(ZPLPolicy.storingCommands))

func check(_ bytes: [UInt8], policy: ZPLPolicy) {
    let document: ZPLDocument
    do {
        document = try ZPLDocument(bytes, policy: policy)
    } catch {
        precondition(error.code.hasPrefix("carrier.zpl_") && error.message.contains("at byte "), "refused with \(error.code): \(error.message)")
        return
    }
    precondition(document.bytes == bytes, "the stream kept is not the stream read")
    var end: Int?
    for segment in document.segments {
        precondition(segment.range.upperBound <= bytes.count && !segment.range.isEmpty, "segment \(segment.range) outside \(bytes.count) bytes")
        if let end { precondition(segment.range.lowerBound == end, "a gap or overlap before \(segment.range)") }
        end = segment.range.upperBound
    }
    var total = 0
    for (index, label) in document.labels.enumerated() {
        precondition((1...99_999_999).contains(label.quantity), "label \(index) has \(label.quantity) copies")
        precondition(document.segments[label.segment].range == label.range && document.segments[label.segment].kind == .printingFormat(label: index), "label \(index) is not its segment")
        total += label.quantity
    }
    precondition(total == document.labelCount)
    // Alone: the first few labels and the last (preambles are linear each).
    let checked = Array(document.labels.indices.prefix(4)) + (document.labels.count > 4 ? [document.labels.count - 1] : [])
    for index in checked {
        let label = document.labels[index]
        let preamble = document.preamble(before: index)
        do {
            let alone = try ZPLDocument(preamble + document.bytes(of: index), policy: policy)
            precondition(alone.labels.count == 1, "label \(index) alone reads as \(alone.labels.count) labels")
            precondition(alone.labels[0].quantity == label.quantity, "label \(index) alone has \(alone.labels[0].quantity) copies, not \(label.quantity)")
            precondition(alone.labels[0].needs == label.needs, "label \(index) alone needs \(alone.labels[0].needs), not \(label.needs)")
            let three = try ZPLDocument(preamble + document.bytes(of: index, quantity: 3), policy: policy)
            precondition(three.labelCount == 3, "label \(index) with ^PQ3 makes \(three.labelCount) labels")
        } catch {
            preconditionFailure("label \(index) alone is refused: \(error.message)")
        }
    }
}
