import Foundation
import PackCore

extension OrderImport {
    /// The CSV columns: one row per order line, rows of one order together.
    public static let csvColumns = ["order_id", "order_barcodes", "status", "payment", "priority", "sku", "description", "quantity", "item_barcodes", "serialized", "ship_by"]

    /// The columns that describe the order rather than the line: the same on each of its rows,
    /// or empty after its first row (as shop exports leave them).
    static let csvOrderColumns = ["order_barcodes", "status", "payment", "priority", "ship_by"]

    /// Problems listed in full; beyond this they are counted.
    static let csvProblemLimit = 100

    /// Orders from CSV (RFC 4180 quoting, see `CSVRecords`; barcodes separated by `;`), built
    /// into order JSON and validated by the same rules as JSON orders. Any problem fails the
    /// whole file, each named by line (where its row starts) and column.
    static func parseCSV(_ text: String, name: String) throws(HubError) -> [(order: Order, json: String)] {
        let csv = CSVRecords(text)
        var problems = ProblemList(limit: csvProblemLimit)
        let rows = csv.records.filter { !$0.isBlank }
        let headerRow = rows.first ?? csv.unclosed
        guard let headerRow else { throw HubError(400, "bad_file", "\(name) is empty; the first line names the columns: \(csvColumns.joined(separator: ","))") }
        let header = headerRow.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ n: Int) -> String { n <= header.count && !header[n - 1].isEmpty ? "column \(n) (\(header[n - 1]))" : "column \(n)" }
        if let unclosed = csv.unclosed, unclosed.line == headerRow.line {
            throw HubError(400, "bad_file", "\(name) line \(unclosed.line), \(column(unclosed.problem!.column)): \(unclosed.problem!.message); the first line names the columns: \(csvColumns.joined(separator: ",")). Nothing was imported.")
        }
        let missing = ["order_id", "sku", "quantity"].filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw HubError(400, "bad_file", "\(name): the header (line \(headerRow.line)) lacks column(s) \(missing.joined(separator: ", ")); columns are \(csvColumns.joined(separator: ","))")
        }
        if let problem = headerRow.problem { problems.append("line \(headerRow.line), \(column(problem.column))", problem.message) }
        var seenNames: Set<String> = []
        for (n, name) in header.enumerated() where !name.isEmpty && !seenNames.insert(name).inserted {
            problems.append("line \(headerRow.line), \(column(n + 1))", "\(name) is a second column of that name; remove one of them")
        }

        var groups: [(id: String, fields: [String: String], lines: [JSONValue], rowLines: [Int])] = []
        var firstRow: [String: Int] = [:]
        for row in rows.dropFirst() {
            if let problem = row.problem {
                problems.append("line \(row.line), \(column(problem.column))", problem.message)
                continue
            }
            guard row.fields.count == header.count else {
                let which = row.fields.count < header.count
                    ? "no value for \(column(row.fields.count + 1))"
                    : "column \(header.count + 1) has no header; a value with a comma must be in quotes"
                problems.append("line \(row.line)", "has \(row.fields.count) fields, the header has \(header.count): \(which)")
                continue
            }
            var f: [String: String] = [:]
            for (key, value) in zip(header, row.fields) where f[key] == nil { f[key] = value }
            let id = f["order_id"] ?? ""
            let quantity: JSONValue = Int(f["quantity"] ?? "").map { .int($0) } ?? .string(f["quantity"] ?? "")
            let line = JSONValue.object([
                ("sku", .string(f["sku"] ?? "")), ("description", .string(f["description"] ?? "")), ("quantity", quantity),
                ("barcodes", .array(split(f["item_barcodes"]))), ("serialized", .bool(["true", "yes", "1"].contains((f["serialized"] ?? "").lowercased()))),
            ])
            if let last = groups.indices.last, groups[last].id == id {
                for key in csvOrderColumns {
                    guard let value = f[key], !value.isEmpty, let first = groups[last].fields[key], value != first else { continue }
                    let n = header.firstIndex(of: key)! + 1
                    let said = first.isEmpty ? "leaves it empty" : "says '\(first)'"
                    problems.append("line \(row.line), \(column(n))", "is '\(value)' but line \(groups[last].rowLines[0]), the order's first row, \(said); an order's columns are the same on each of its rows (or empty after the first)")
                }
                groups[last].lines.append(line)
                groups[last].rowLines.append(row.line)
            } else {
                if let first = firstRow[id] {
                    problems.append("line \(row.line)", "order \(id) starts again after other orders (its first row is line \(first)); put the rows of one order together")
                }
                firstRow[id] = firstRow[id] ?? row.line
                groups.append((id, f, [line], [row.line]))
            }
        }
        if let unclosed = csv.unclosed, let problem = unclosed.problem {
            problems.append("line \(unclosed.line), \(column(problem.column))", problem.message)
        }

        var orders: [(Order, String)] = []
        for g in groups {
            var members: [(String, JSONValue)] = [
                ("id", .string(g.id)), ("barcodes", .array(split(g.fields["order_barcodes"]))),
                ("status", .string(nonEmpty(g.fields["status"]) ?? "ready")), ("payment", .string(nonEmpty(g.fields["payment"]) ?? "captured")),
                ("priority", .string(nonEmpty(g.fields["priority"]) ?? "standard")),
            ]
            if let shipBy = nonEmpty(g.fields["ship_by"]?.trimmingCharacters(in: .whitespaces)) { members.append(("ship_by", .string(shipBy))) }
            members.append(("lines", .array(g.lines)))
            let document = JSONValue.object(members)
            do { orders.append((try Order.decode(from: document), document.jsonText)) } catch {
                for p in error.problems { problems.append("line \(rowLine(of: p.path, in: g.rowLines)): \(p.path)", p.message) }
            }
        }
        guard problems.count == 0 else {
            let listed = problems.count > problems.kept.count ? " (the first \(problems.kept.count) are listed)" : ""
            throw HubError(400, "bad_file", "\(name): \(problems.count) problem(s)\(listed); nothing was imported.", problems: problems)
        }
        return orders
    }

    /// The row a problem in an order is on: `lines[k]…` is the k-th row of the order, anything
    /// else its first.
    private static func rowLine(of path: String, in rowLines: [Int]) -> Int {
        guard path.hasPrefix("lines["), let close = path.firstIndex(of: "]"),
            let k = Int(path[path.index(path.startIndex, offsetBy: 6)..<close]), rowLines.indices.contains(k)
        else { return rowLines[0] }
        return rowLines[k]
    }

    private static func nonEmpty(_ s: String?) -> String? { (s?.isEmpty ?? true) ? nil : s }

    private static func split(_ s: String?) -> [JSONValue] {
        (s ?? "").split(separator: ";").map { .string($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 != .string("") }
    }
}
