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
        let documents: [(label: String, value: JSONValue)]
        do {
            switch try JSONParser.parse(bytes) {
            case .array(let elements): documents = elements.enumerated().map { ("\(name) [\($0.offset)]", $0.element) }
            case let single: documents = [(name, single)]
            }
        } catch let whole {
            // Not one JSON document: try JSON lines before reporting the first error.
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            guard lines.filter({ !$0.allSatisfy { $0 == 0x20 || $0 == 0x0D || $0 == 0x09 } }).count > 1 else {
                throw StationError(code: "orders.not_json", message: "\(name) is not valid JSON: \(whole). Fix the file or export it again.")
            }
            var docs: [(String, JSONValue)] = []
            for (i, line) in lines.enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
                do { docs.append(("\(name):\(i + 1)", try JSONParser.parse(line))) } catch {
                    throw StationError(code: "orders.not_json", message: "\(name) line \(i + 1) is not valid JSON: \(error.message) (column \(error.column)).")
                }
            }
            documents = docs
        }
        var orders: [Order] = []
        var failures: [String] = []
        for (label, value) in documents {
            do { orders.append(try Order.decode(from: value)) } catch { failures.append("\(label): \(error)") }
        }
        guard failures.isEmpty else {
            throw StationError(code: "orders.invalid", message: failures.prefix(5).joined(separator: "\n") + (failures.count > 5 ? "\n… and \(failures.count - 5) more invalid orders" : ""))
        }
        return orders
    }
}
