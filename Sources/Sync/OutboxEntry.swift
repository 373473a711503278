import Foundation

/// One record waiting in the outbox to reach the server, in the order it was written.
public struct OutboxEntry: Hashable, Sendable {
    /// What the entry carries.
    public enum Kind: String, Hashable, Sendable {
        /// A pack result (docs/schema/pack-result.schema.json).
        case packResult = "pack_result"
        /// An event (label printed, order reopened, ...): a free-form object.
        case event
        /// A package scanned into a carrier's trailer at the dock (docs/dock.md).
        case loadScan = "load_scan"
    }

    /// Position in the outbox: entries are sent in this order.
    public var sequence: Int64
    /// The idempotency key the server deduplicates on; fixed when the entry is written.
    public var key: String
    /// What it carries.
    public var kind: Kind
    /// The order it belongs to, if any (entries of one order are never reordered).
    public var orderID: String?
    /// The JSON text sent as the item's `body`.
    public var body: String
    /// When it was written.
    public var createdAt: Date
    /// How many times it was sent without an answer.
    public var attempts: Int
}

/// What is waiting to be synced, for `packstation sync status` and the kiosk.
public struct OutboxStatus: Hashable, Sendable {
    /// Entries not yet accepted by the server.
    public var pending: Int
    /// When the oldest of them was written.
    public var oldestPendingAt: Date?
    /// Entries the server refused for good (kept, never dropped).
    public var rejected: Int
    /// Pack results recorded locally in all.
    public var results: Int
    /// The last time the server accepted a batch.
    public var lastSuccessAt: Date?
    /// The last failure, if the last attempt failed.
    public var lastError: String?
    /// When it failed.
    public var lastErrorAt: Date?
}
