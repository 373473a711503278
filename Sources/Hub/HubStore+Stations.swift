import Foundation
internal import GRDB
import PackCore

extension HubStore {
    /// Stores a station's device status (the heartbeat body, already checked) and marks it seen.
    public func recordStatus(_ status: JSONValue, from station: Station, now: Date = Date()) async throws(HubError) {
        let text = status.jsonText
        try await writeAsync { db in
            try db.execute(sql: "UPDATE stations SET status = ?, last_seen = ? WHERE id = ?", arguments: [text, now.timeIntervalSince1970, station.id])
        }
    }

    static func timestamp(_ t: Double) -> String {
        Date(timeIntervalSince1970: t).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
