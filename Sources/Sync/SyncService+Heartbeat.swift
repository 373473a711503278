import Foundation
import PackCore

/// A scanner or printer as reported in the heartbeat.
public struct DeviceReport: Hashable, Sendable {
    /// The device's name (e.g. `Zebra DS2208`, a CUPS queue).
    public var name: String
    /// Its state: `ready`, `offline`, `paper_out`, `paused`, ...
    public var state: String
    /// Free text for the admin, if any.
    public var detail: String?

    /// Creates a report.
    public init(name: String, state: String, detail: String? = nil) {
        self.name = name
        self.state = state
        self.detail = detail
    }

    var json: JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name)), ("state", .string(state))]
        if let detail { members.append(("detail", .string(detail))) }
        return .object(members)
    }
}

extension SyncService {
    /// Sends device status and the heartbeat (`POST /v1/status`), with the outbox's pending
    /// count and age so the server sees a station that cannot sync. Returns the name the server
    /// knows this station's token by (results must carry that name).
    @discardableResult
    public func sendHeartbeat(scanners: [DeviceReport], printers: [DeviceReport], agentVersion: String? = nil) async throws(SyncError) -> String? {
        let status = try journal.status()
        var members: [(String, JSONValue)] = [
            ("scanners", .array(scanners.map(\.json))), ("printers", .array(printers.map(\.json))),
            ("outbox_pending", .int(status.pending)),
            ("oldest_pending_at", .optional(status.oldestPendingAt.map { $0.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) })),
        ]
        if let agentVersion { members.append(("agent_version", .string(agentVersion))) }
        let answer = try await client.sendStatus(.object(members))
        if case .string(let name)? = answer["station"] { return name }
        return nil
    }
}
