import Foundation
internal import GRDB
import PackCore

/// Integration tokens: what order systems and carriers authenticate with (`POST /v1/tracking`
/// now; returns with issue 16). Distinct from station tokens (`ID.SECRET`) and the admin token:
/// an integration token is `int-ID.SECRET`, shown once by `packstation-hub integration add NAME`;
/// the hub keeps its SHA-256 only.
extension HubStore {
    /// An authenticated caller of the integration endpoints.
    public struct Integration: Hashable, Sendable {
        /// Its name (`integration add NAME`), or `admin` for the hub's admin token.
        public var name: String
    }

    /// The prefix that tells an integration token from a station's.
    static let integrationPrefix = "int-"

    /// Adds an integration and returns its token (`int-ID.SECRET`), shown once; only its digest
    /// is stored. Names are 1 to 64 letters, digits, '-', '_' or '.'; a name in use is 409.
    public func addIntegration(name: String, now: Date = Date()) throws(HubError) -> String {
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw HubError(400, "bad_integration_name", "An integration name is 1 to 64 letters, digits, '-', '_' or '.', not \(name.debugDescription).")
        }
        var bytes = [UInt8](repeating: 0, count: 24)
        var g = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = g.next() }
        let secret = bytes.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        return try write { db in
            if try Int.fetchOne(db, sql: "SELECT 1 FROM integrations WHERE name = ?", arguments: [name]) != nil {
                throw HubError(409, "integration_exists", "An integration named '\(name)' already exists; remove it first (`packstation-hub integration remove \(name)`) to issue a new token.")
            }
            try db.execute(sql: "INSERT INTO integrations (name, token_sha256, created_at) VALUES (?, '', ?)", arguments: [name, now.timeIntervalSince1970])
            let id = db.lastInsertedRowID
            let token = "\(Self.integrationPrefix)\(id).\(secret)"
            try db.execute(sql: "UPDATE integrations SET token_sha256 = ? WHERE id = ?", arguments: [SHA256.hex(token), id])
            return token
        }
    }

    /// The integrations: name, when added, when last used.
    public func listIntegrations() throws(HubError) -> [(name: String, createdAt: Date, lastUsed: Date?)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, created_at, last_used FROM integrations ORDER BY name").map {
                ($0["name"], Date(timeIntervalSince1970: $0["created_at"]), ($0["last_used"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    /// Removes an integration: its token stops working at once. Unknown names are 404.
    public func removeIntegration(name: String) throws(HubError) {
        try write { db in
            try db.execute(sql: "DELETE FROM integrations WHERE name = ?", arguments: [name])
            if db.changesCount == 0 {
                throw HubError(404, "unknown_integration", "No integration named '\(name)'; `packstation-hub integration list` shows them.")
            }
        }
    }

    /// The integration a bearer token belongs to (`int-ID.SECRET`); marks it used. A station's
    /// token is refused with 403 saying what to use instead.
    public func authenticateIntegration(token: String, now: Date = Date()) async throws(HubError) -> Integration {
        guard token.hasPrefix(Self.integrationPrefix), let dot = token.firstIndex(of: "."),
              let id = Int64(token[token.index(token.startIndex, offsetBy: Self.integrationPrefix.count)..<dot]) else {
            if let dot = token.firstIndex(of: "."), Int64(token[..<dot]) != nil {
                throw HubError(403, "station_token", "A station's token cannot report tracking; use an integration token (`packstation-hub integration add NAME`) or the hub's admin token.")
            }
            throw HubError(401, "bad_token", "The token is not an integration token this hub issued (int-ID.SECRET); create one with `packstation-hub integration add NAME`.")
        }
        let digest = SHA256.hex(token)
        return try await writeAsync { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT name, token_sha256 FROM integrations WHERE id = ?", arguments: [id]),
                  (row["token_sha256"] as String) == digest else {
                // One answer for an unknown id and a wrong secret: a guess learns nothing.
                throw HubError(401, "bad_token", "The integration token is unknown or was removed; `packstation-hub integration list` shows the integrations, `integration add NAME` issues a token.")
            }
            try db.execute(sql: "UPDATE integrations SET last_used = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, id])
            return Integration(name: row["name"])
        }
    }
}
