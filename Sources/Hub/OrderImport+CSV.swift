import PackCore

extension OrderImport {
    /// The CSV columns: one row per order line, rows of one order together.
    public static let csvColumns = ["order_id", "order_barcodes", "status", "payment", "priority", "sku", "description", "quantity", "item_barcodes", "serialized"]

    /// Orders from CSV (RFC 4180 quoting; barcodes separated by `;`), built into order JSON and
    /// validated by the same rules as JSON orders.
    static func parseCSV(_ text: String, name: String) throws(HubError) -> [(order: Order, json: String)] {
        let rows = csvRows(text)
        guard let header = rows.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw HubError(400, "bad_file", "\(name) is empty.")
        }
        let missing = ["order_id", "sku", "quantity"].filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw HubError(400, "bad_file", "\(name): the header lacks column(s) \(missing.joined(separator: ", ")); columns are \(csvColumns.joined(separator: ","))")
        }
        var groups: [(id: String, line: Int, fields: [String: String], lines: [JSONValue])] = []
        var problems: [OrderError.Problem] = []
        for row in rows.dropFirst() where !row.fields.allSatisfy(\.isEmpty) {
            guard row.fields.count == header.count else {
                problems.append(.init(path: "line \(row.line)", message: "has \(row.fields.count) fields, the header has \(header.count)"))
                continue
            }
            let f = Dictionary(zip(header, row.fields), uniquingKeysWith: { a, _ in a })
            let id = f["order_id"] ?? ""
            let quantity: JSONValue = Int(f["quantity"] ?? "").map { .int($0) } ?? .string(f["quantity"] ?? "")
            let line = JSONValue.object([
                ("sku", .string(f["sku"] ?? "")), ("description", .string(f["description"] ?? "")), ("quantity", quantity),
                ("barcodes", .array(split(f["item_barcodes"]))), ("serialized", .bool(["true", "yes", "1"].contains((f["serialized"] ?? "").lowercased()))),
            ])
            if let last = groups.indices.last, groups[last].id == id {
                groups[last].lines.append(line)
            } else {
                groups.append((id, row.line, f, [line]))
            }
        }
        var orders: [(Order, String)] = []
        for g in groups {
            let document = JSONValue.object([
                ("id", .string(g.id)), ("barcodes", .array(split(g.fields["order_barcodes"]))),
                ("status", .string(nonEmpty(g.fields["status"]) ?? "ready")), ("payment", .string(nonEmpty(g.fields["payment"]) ?? "captured")),
                ("priority", .string(nonEmpty(g.fields["priority"]) ?? "standard")), ("lines", .array(g.lines)),
            ])
            do { orders.append((try Order.decode(from: document), document.jsonText)) } catch {
                problems += error.problems.map { .init(path: "line \(g.line): \($0.path)", message: $0.message) }
            }
        }
        guard problems.isEmpty else {
            throw HubError(400, "bad_file", "\(name): \(problems.count) problem(s); nothing was imported.", problems: problems)
        }
        return orders
    }

    private static func nonEmpty(_ s: String?) -> String? { (s?.isEmpty ?? true) ? nil : s }

    private static func split(_ s: String?) -> [JSONValue] {
        (s ?? "").split(separator: ";").map { .string($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 != .string("") }
    }

    /// Rows with their 1-based starting line.
    static func csvRows(_ text: String) -> [(line: Int, fields: [String])] {
        var rows: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var rowLine = 1
        var chars = Array(text.unicodeScalars)[...]
        if chars.first == "\u{FEFF}" { chars = chars.dropFirst() }
        var i = chars.startIndex
        while i < chars.endIndex {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.endIndex, chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(field); field = ""
            } else if c == "\n" || c == "\r" {
                if c == "\r", i + 1 < chars.endIndex, chars[i + 1] == "\n" { i += 1 }
                fields.append(field); field = ""
                rows.append((rowLine, fields)); fields = []
                line += 1
                rowLine = line
            } else {
                field.unicodeScalars.append(c)
            }
            i += 1
        }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); rows.append((rowLine, fields)) }
        return rows
    }
}
