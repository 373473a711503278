import Foundation

extension Manifest {
    /// The manifest as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break
    /// quoted, quotes doubled). Every text cell is formula-safe: one that a spreadsheet would
    /// run (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`.
    /// Columns: `section,order,package,tracking,service,weight_kg`; a `loaded` row per package,
    /// a `missing` row per package expected and not loaded, a `service` row per service (count
    /// in `package`), and a `total` row; a `manifest` row first names the manifest.
    public var csv: String {
        var rows: [[Cell]] = [
            [.text("section"), .text("order"), .text("package"), .text("tracking"), .text("service"), .text("weight_kg")],
            [.text("manifest"), .text(id), .empty, .text(carrier), .text(date), .empty],
        ]
        for (section, lines) in [("loaded", loaded), ("missing", missing)] {
            for l in lines {
                rows.append([.text(section), .text(l.orderID), .number(String(l.package)), .text(l.tracking), .text(l.service),
                             l.weightGrams.map { .number(Self.kilograms($0)) } ?? .empty])
            }
        }
        for s in services {
            rows.append([.text("service"), .empty, .number(String(s.packages)), .empty, .text(s.service), .number(Self.kilograms(s.weightGrams))])
        }
        rows.append([.text("total"), .number(String(orderCount)), .number(String(loaded.count)), .empty, .empty, .number(Self.kilograms(totalWeightGrams))])
        return rows.map { $0.map(\.field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One CSV cell: text (made formula-safe) or a number the manifest wrote itself.
    enum Cell {
        case text(String)
        case number(String)
        case empty

        var field: String {
            switch self {
            case .empty: return ""
            case .number(let n): return n
            case .text(let t): return Self.quoted(Self.formulaSafe(t))
            }
        }

        /// A leading `'` before what a spreadsheet reads as a formula (OWASP's CSV injection list).
        static func formulaSafe(_ text: String) -> String {
            guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
            return "'" + text
        }

        static func quoted(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}
