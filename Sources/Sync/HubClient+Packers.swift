import Foundation
import PackCore

extension HubClient {
    /// A packer on the hub's list: the badge barcode that signs them in, and their name.
    public struct ListedPacker: Hashable, Sendable {
        /// The barcode on the badge.
        public var badge: String
        /// The name results record.
        public var name: String
        /// Creates an entry.
        public init(badge: String, name: String) {
            self.badge = badge
            self.name = name
        }
    }

    /// The hub's list of packers (`GET /v1/packers`). An entry without a string `badge` and
    /// `name` makes the whole answer malformed: a half-read list would sign nobody out wrongly
    /// but could drop a packer silently.
    public func packers() async throws(SyncError) -> [ListedPacker] {
        let answer = try await send(.GET, "/v1/packers")
        guard case .array(let items)? = answer["packers"] else { throw malformedPackers() }
        var list: [ListedPacker] = []
        for item in items {
            guard case .string(let badge)? = item["badge"], case .string(let name)? = item["name"], !badge.isEmpty, !name.isEmpty else { throw malformedPackers() }
            list.append(ListedPacker(badge: badge, name: name))
        }
        return list
    }

    private func malformedPackers() -> SyncError {
        SyncError(code: "sync.bad_answer", message: "The server's answer to /v1/packers is not what the API describes (a list of {badge, name}); check that \(configuration.serverURL) is a packstation server.", kind: .transient)
    }
}
