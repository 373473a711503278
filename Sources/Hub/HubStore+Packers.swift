import Foundation
internal import GRDB
import PackCore

/// The hub's list of packers: `packstation-hub packer add NAME --badge CODE`, `packer list`,
/// `packer remove NAME`. Stations read it (`GET /v1/packers`: badge and name, nothing else) so a
/// badge scanned at any bench signs its packer in; admins read it with each packer's results and
/// pack times (`GET /v1/admin/packers`).
extension HubStore {
    static let packersTable = """
        CREATE TABLE packers (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            badge TEXT NOT NULL UNIQUE,
            created_at REAL NOT NULL);
        """

    /// The longest packer name and badge accepted.
    static let maximumPackerName = 64
    static let maximumBadge = 128

    /// Adds a packer with their badge barcode. A name or badge already listed is refused (409),
    /// naming which; a name or badge with control characters or spaces at its ends is refused (400).
    public func addPacker(name: String, badge: String, now: Date = Date()) throws(HubError) {
        try Self.checkPacker(name: name, badge: badge)
        try write { db in
            if let other = try String.fetchOne(db, sql: "SELECT name FROM packers WHERE badge = ?", arguments: [badge]) {
                throw HubError(409, "badge_taken", "Badge '\(badge)' already signs in packer '\(other)'; each badge belongs to one packer. `packstation-hub packer remove \(other)` frees it.")
            }
            if try String.fetchOne(db, sql: "SELECT badge FROM packers WHERE name = ?", arguments: [name]) != nil {
                throw HubError(409, "packer_exists", "A packer named '\(name)' is already listed; remove them first (`packstation-hub packer remove \(name)`) to give them another badge.")
            }
            try db.execute(sql: "INSERT INTO packers (name, badge, created_at) VALUES (?, ?, ?)", arguments: [name, badge, now.timeIntervalSince1970])
        }
    }

    /// Removes a packer by name; their results stay. Unknown names are refused (404).
    public func removePacker(name: String) throws(HubError) {
        try write { db in
            try db.execute(sql: "DELETE FROM packers WHERE name = ?", arguments: [name])
            if db.changesCount == 0 {
                throw HubError(404, "unknown_packer", "No packer named '\(name)' is listed; `packstation-hub packer list` shows who is.")
            }
        }
    }

    /// The listed packers by name: `name` and `badge` (what a station needs to sign them in).
    public func listPackers() throws(HubError) -> [(name: String, badge: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, badge FROM packers ORDER BY name").map { ($0["name"], $0["badge"]) }
        }
    }

    /// `GET /v1/packers`: the list for stations, as JSON.
    public func packersForStations() async throws(HubError) -> JSONValue {
        let list = try await readAsync { db in
            try Row.fetchAll(db, sql: "SELECT name, badge FROM packers ORDER BY name").map { row -> JSONValue in
                .object([("name", .string(row["name"])), ("badge", .string(row["badge"]))])
            }
        }
        return .object([("packers", .array(list))])
    }

    /// `GET /v1/admin/packers`: every packer listed or named by a result, with what
    /// `packstation-hub packers` shows (results, packed whole, mean and longest pack time) and
    /// whether the hub lists them; results without a packer on their own row (packer null).
    public func packersForAdmins() async throws(HubError) -> JSONValue {
        .object([("packers", .array(try packerRows()))])
    }

    /// The rows of `GET /v1/admin/packers`, `packstation-hub packers` and the page's table.
    public func packerRows() throws(HubError) -> [JSONValue] {
        let listed = try listPackers()
        var rows = try listPackerResults()
        var seen = Set<String>()
        rows = rows.map { row in
            guard case .object(var members) = row else { return row }
            let name: String? = if case .string(let s)? = row["packer"] { s } else { nil }
            if let name { seen.insert(name) }
            let badge = listed.first { $0.name == name }?.badge
            members.insert(("listed", .bool(badge != nil)), at: 1)
            members.insert(("badge", .optional(badge)), at: 2)
            return .object(members)
        }
        for p in listed where !seen.contains(p.name) {
            rows.append(.object([
                ("packer", .string(p.name)), ("listed", .bool(true)), ("badge", .string(p.badge)), ("results", .int(0)), ("packed", .int(0)),
                ("mean_pack_seconds", .null), ("max_pack_seconds", .null),
            ]))
        }
        return rows
    }

    static func checkPacker(name: String, badge: String) throws(HubError) {
        func bad(_ s: String, max: Int) -> Bool {
            s.isEmpty || s.count > max || s.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }
                || s.first!.isWhitespace || s.last!.isWhitespace
        }
        if bad(name, max: maximumPackerName) {
            throw HubError(400, "bad_packer_name", "A packer name is 1 to \(maximumPackerName) characters without control characters or spaces at its ends, not \(name.debugDescription).")
        }
        if bad(badge, max: maximumBadge) {
            throw HubError(400, "bad_badge", "A badge is the barcode on the packer's badge: 1 to \(maximumBadge) characters without control characters or spaces at its ends, not \(badge.debugDescription).")
        }
        if PackCommand.parse(barcode: badge) != nil {
            throw HubError(400, "bad_badge", "Badge '\(badge)' reads as a bench command (CMD:...); print the badge with another barcode.")
        }
    }
}
