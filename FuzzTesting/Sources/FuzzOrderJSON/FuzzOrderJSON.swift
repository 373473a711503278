import PackCore

/// Any bytes as an order document (the agent's order files, the hub's imports and lookups).
///
/// Besides "no crash, no leak, no hang", it checks what the rest of the system relies on:
/// the tape scanner (`JSONDocument`) and the tree parser (`JSONParser`) accept and refuse the
/// same documents with the same errors and read the same values; a syntax error points inside
/// the document; what `jsonText` writes parses back to the same value on one line (the hub
/// stores orders and results as that text); and decoding an order in place from the bytes and
/// from the tree agree, order for order and problem for problem, with bounded problem lists.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOrderJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
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
        return 0
    }
    guard case .success(let document) = scanned, document.value(of: document.root) == value else {
        fatalError("the tape scanner reads the document differently from the parser: \(scanned)")
    }
    let text = value.jsonText
    guard let again = try? JSONParser.parse(text), again == value else {
        fatalError("jsonText does not parse back to the same value: \(text)")
    }
    precondition(!text.utf8.contains(UInt8(ascii: "\n")), "jsonText spans lines, so it breaks a JSON-lines stream: \(text)")
    let fromTree = Result { () throws(OrderError) in try Order.decode(from: value) }
    switch (fromBytes, fromTree) {
    case (.success(let a), .success(let b)):
        precondition(a == b, "the order decoded from bytes differs from the one decoded from the tree")
    case (.failure(let a), .failure(let b)):
        precondition(a.problems == b.problems && a.totalCount == b.totalCount, "problems from bytes \(a) differ from problems from the tree \(b)")
        precondition(!a.problems.isEmpty && a.problems.count <= a.totalCount && a.problems.count <= 100, "a refusal lists \(a.problems.count) of \(a.totalCount) problems")
    default:
        fatalError("decoding from bytes gives \(fromBytes), from the tree \(fromTree)")
    }
    return 0
}
