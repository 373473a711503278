import PackCore

/// Orders read from a local file: one order object, an array of orders, or JSON lines.
public enum OrderFile {
    /// The largest order file read; bigger files are data exports, not orders.
    public static let maximumBytes = 64 << 20

    /// Parses and validates every order; any problem rejects the whole file.
    public static func orders(bytes: [UInt8], name: String) throws(StationError) -> [Order] {
        guard !bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            throw StationError(code: "orders.empty", message: "\(name) is empty; it must hold an order as JSON.")
        }
        guard bytes.count <= maximumBytes else {
            throw StationError(code: "orders.too_large", message: "\(name) is \(bytes.count >> 20) MiB; order files are limited to \(maximumBytes >> 20) MiB.")
        }
        // Orders are decoded straight from the scanned bytes (no JSONValue tree): most of the
        // time of `packstation label` on a large file was building that tree.
        let documents: [(label: String, document: JSONDocument, node: JSONDocument.Node)]
        do {
            let whole = try JSONDocument(parsing: bytes)
            if let elements = whole.elements(of: whole.root) {
                documents = elements.enumerated().map { ("\(name) [\($0.offset)]", whole, $0.element) }
            } else {
                documents = [(name, whole, whole.root)]
            }
        } catch let whole {
            // Not one JSON document: try JSON lines before reporting the first error.
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            guard lines.filter({ !$0.allSatisfy { $0 == 0x20 || $0 == 0x0D || $0 == 0x09 } }).count > 1 else {
                throw StationError(code: "orders.not_json", message: "\(name) is not valid JSON: \(whole). Fix the file or export it again.")
            }
            var docs: [(String, JSONDocument, JSONDocument.Node)] = []
            for (i, line) in lines.enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
                do {
                    let document = try JSONDocument(parsing: line)
                    docs.append(("\(name):\(i + 1)", document, document.root))
                } catch {
                    throw StationError(code: "orders.not_json", message: "\(name) line \(i + 1) is not valid JSON: \(error.message) (column \(error.column)).")
                }
            }
            documents = docs
        }
        var orders: [Order] = []
        var failures: [String] = []
        var failed = 0
        for (label, document, node) in documents {
            do { orders.append(try Order.decode(from: document, at: node)) } catch {
                // Only the first five are shown: the others are counted, not described.
                failed += 1
                if failures.count < 5 { failures.append("\(label): \(error)") }
            }
        }
        guard failed == 0 else {
            throw StationError(code: "orders.invalid", message: failures.joined(separator: "\n") + (failed > 5 ? "\n… and \(failed - 5) more invalid orders" : ""))
        }
        return orders
    }
}
