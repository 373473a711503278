/// A JSON document scanned once and kept as its bytes plus a flat list of tokens, so orders
/// can be decoded from it in place (`Order.decode(from:at:)`) without a `JSONValue` tree.
///
/// It accepts and refuses exactly what `JSONParser.parse` does, with the same errors.
public struct JSONDocument: Sendable {
    let tape: JSONTape

    /// One value in the document (the root, or an element of an array).
    public struct Node: Hashable, Sendable {
        let index: Int
    }

    /// Scans a document (UTF-8 bytes).
    public init(parsing bytes: some Collection<UInt8>) throws(JSONSyntaxError) {
        tape = try JSONTape(bytes)
    }

    /// The top-level value.
    public var root: Node { Node(index: 0) }

    /// The elements of an array, in order; nil when the value is not an array.
    public func elements(of node: Node) -> [Node]? {
        let token = tape.tokens[node.index]
        guard token.kind == .array else { return nil }
        var nodes: [Node] = []
        nodes.reserveCapacity(Int(token.start))
        var i = node.index + 1
        for _ in 0..<token.start {
            nodes.append(Node(index: i))
            i = tape.tokens[i].next(after: i)
        }
        return nodes
    }

    /// The value as a `JSONValue` tree.
    public func value(of node: Node) -> JSONValue {
        tape.value(at: node.index)
    }
}
