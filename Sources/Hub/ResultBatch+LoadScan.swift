import Foundation
import PackCore

extension ResultBatch {
    /// A `load_scan` item's body: one package scanned into a carrier's trailer at the dock.
    public struct LoadScan: Sendable {
        /// What was scanned: a tracking number or a package code (`PKG:ORDER:N`).
        public var code: String
        /// The trailer's carrier (`CMD:LOAD:CARRIER`).
        public var carrier: String
        /// The trailer, when the dock names it.
        public var trailer: String?
        /// The station that scanned it (must be the token's).
        public var station: String
        /// Who scanned it, when someone was signed in.
        public var person: String?
        /// When.
        public var at: Date
        /// What the station answered (LoadVerdict.Kind).
        public var verdict: String
        /// The package number matched, if any.
        public var package: Int?
    }

    /// Checks a load scan's body against docs/api/openapi.yaml (`LoadScan`).
    static func checkLoadScan(_ body: JSONValue, orderID: String?, _ p: String, _ problems: inout ProblemList) -> LoadScan? {
        let code = string(body["code"], "\(p).code", &problems, maxLength: 200)
        let carrier = string(body["carrier"], "\(p).carrier", &problems, maxLength: 64)
        let station = string(body["station"], "\(p).station", &problems, maxLength: 64)
        let verdict = string(body["verdict"], "\(p).verdict", &problems, maxLength: 40)
        if let verdict, LoadVerdict.Kind(rawValue: verdict) == nil {
            problems.append("\(p).verdict", "must be one of \(LoadVerdict.Kind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(verdict.prefix(40))'")
        }
        let trailer = optionalString(body["trailer"], "\(p).trailer", &problems, maxLength: 64)
        let person = optionalString(body["person"], "\(p).person", &problems, maxLength: 200)
        var at: Date?
        if let text = string(body["at"], "\(p).at", &problems, maxLength: 40) {
            at = Self.rfc3339(text)
            if at == nil { problems.append("\(p).at", "must be a time written as RFC 3339 (2026-12-04T17:30:00Z), not '\(text.prefix(40))'") }
        }
        var package: Int?
        switch body["package"] {
        case nil, .null?: break
        case let value?:
            if let n = value.wholeNumber, (1...10_000).contains(n) { package = n } else { problems.append("\(p).package", "expected a whole number from 1 to 10000, or null") }
        }
        // A package number without an order (the schema allows it) is stored as sent: the scan is kept, never refused for it.
        for text in [code, carrier, trailer, person].compactMap({ $0 }) where text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            problems.append(p, "'\(text.prefix(40))' has control characters; codes, carriers and names are printable text")
        }
        guard let code, let carrier, let station, let verdict, let at else { return nil }
        return LoadScan(code: code, carrier: carrier, trailer: trailer, station: station, person: person, at: at, verdict: verdict, package: package)
    }

    /// An RFC 3339 date-time as the schema's `format: date-time` takes it (any number of
    /// fraction digits, any offset, years 0000-9999); nil when it is not one.
    static func rfc3339(_ s: String) -> Date? {
        guard HubAPI.isDateTime(s), s.utf8.count <= 40 else { return nil }
        let u = Array(s.utf8)
        func number(_ from: Int, _ count: Int) -> Int { u[from..<(from + count)].reduce(0) { $0 * 10 + Int($1 - 48) } }
        var parts = DateComponents(year: number(0, 4), month: number(5, 2), day: number(8, 2), hour: number(11, 2), minute: number(14, 2), second: min(59, number(17, 2)))
        var i = 19
        var fraction = 0.0, scale = 0.1
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            while i < u.count, (48...57).contains(u[i]) { fraction += Double(u[i] - 48) * scale; scale /= 10; i += 1 }
        }
        var offset = 0
        if i < u.count, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
            offset = (number(i + 1, 2) * 60 + number(i + 4, 2)) * 60 * (u[i] == UInt8(ascii: "-") ? -1 : 1)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        parts.calendar = calendar
        guard let date = calendar.date(from: parts) else { return nil }
        return date.addingTimeInterval(fraction - Double(offset))
    }

    static func optionalString(_ v: JSONValue?, _ path: @autoclosure () -> String, _ problems: inout ProblemList, maxLength: Int) -> String? {
        if v == nil || v == .null { return nil }
        return string(v, path(), &problems, maxLength: maxLength)
    }
}
