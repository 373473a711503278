import PackCore

/// Any bytes as an order document (the agent's order files, the hub's imports and lookups).
///
/// Besides "no crash, no leak, no hang", it checks what the rest of the system relies on:
/// the tape scanner (`JSONDocument`) and the tree parser (`JSONParser`) accept and refuse the
/// same documents with the same errors and read the same values; a syntax error points inside
/// the document; what `jsonText` writes parses back to the same value on one line (the hub
/// stores orders and results as that text); and decoding an order in place from the tape (the
/// document, or each element of an array of orders) and from the tree agree, order for order and
/// problem for problem, with bounded problem lists.
func fuzzOrderJSON(_ bytes: UnsafeBufferPointer<UInt8>) {
    let fromBytes = Result { () throws(OrderError) in try Order.decode(from: bytes) }
    let scanned = Result { () throws(JSONSyntaxError) in try JSONDocument(parsing: bytes) }
    let value: JSONValue
    do {
        value = try JSONParser.parse(bytes)
    } catch {
        precondition(error.line >= 1 && error.column >= 1, "syntax error outside the document: \(error)")
        guard case .failure(let tapeError) = scanned, tapeError == error else {
            fatalError("the parser refuses the document (\(error)) but the tape scanner gives \(scanned)")
        }
        guard case .failure(let failure) = fromBytes, failure.problems.count == 1, failure.problems[0].path == "$" else {
            fatalError("the parser refuses the document but Order.decode(from: bytes) gives \(fromBytes)")
        }
        return
    }
    guard case .success(let document) = scanned, document.value(of: document.root) == value else {
        fatalError("the tape scanner reads the document differently from the parser: \(scanned)")
    }
    let text = value.jsonText
    guard let again = try? JSONParser.parse(text), again == value else {
        fatalError("jsonText does not parse back to the same value: \(text)")
    }
    precondition(!text.utf8.contains(UInt8(ascii: "\n")), "jsonText spans lines, so it breaks a JSON-lines stream: \(text)")
    checkSameDecoding(fromBytes, Result { () throws(OrderError) in try Order.decode(from: value) }, "the document")
    // An array of orders (an order file, a lookup answer): each element decoded in place from the
    // tape, as OrderFile does, agrees with the same element decoded from the tree.
    if let nodes = document.elements(of: document.root) {
        guard case .array(let elements) = value, elements.count == nodes.count else {
            fatalError("the tape has \(nodes.count) elements where the tree has \(value)")
        }
        for (node, element) in zip(nodes, elements) {
            precondition(document.value(of: node) == element, "an element reads differently from the tape and the tree")
            checkSameDecoding(
                Result { () throws(OrderError) in try Order.decode(from: document, at: node) },
                Result { () throws(OrderError) in try Order.decode(from: element) }, "an element")
        }
    }
}

/// Fails unless an order decoded from the tape (`inPlace`) and from the tree agree: the same order,
/// or the same problems (at least one, at most 100, with the same total).
func checkSameDecoding(_ inPlace: Result<Order, OrderError>, _ fromTree: Result<Order, OrderError>, _ what: String) {
    switch (inPlace, fromTree) {
    case (.success(let a), .success(let b)):
        precondition(a == b, "\(what): the order decoded in place differs from the one decoded from the tree")
    case (.failure(let a), .failure(let b)):
        precondition(a.problems == b.problems && a.totalCount == b.totalCount, "\(what): problems in place \(a) differ from problems from the tree \(b)")
        precondition(!a.problems.isEmpty && a.problems.count <= a.totalCount && a.problems.count <= 100, "\(what): a refusal lists \(a.problems.count) of \(a.totalCount) problems")
    default:
        fatalError("\(what): decoding in place gives \(inPlace), from the tree \(fromTree)")
    }
}
