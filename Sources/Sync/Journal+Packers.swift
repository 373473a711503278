import Foundation
internal import GRDB
import PackCore

/// The hub's list of packers as the agent last fetched it (so badges sign in while the hub is
/// down), and the idle sign-out the bench's timer makes.
extension Journal {
    /// The tables of the "v4-packers" migration: the packer list, each bench's reprint memory
    /// (Journal+Reprint.swift), and the index of the kiosk's "what comes next" (Journal+NextOrders.swift).
    static var packersSchema: String { packersTables + nextIndex }
    static let packersTables = """
        CREATE TABLE hub_packers (
            badge TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            fetched_at REAL NOT NULL);
        CREATE TABLE bench_reprint (
            bench TEXT PRIMARY KEY,
            order_id TEXT NOT NULL,
            order_body TEXT,
            labels TEXT NOT NULL,
            last_label TEXT,
            at REAL NOT NULL);
        """

    /// Replaces the cached list with the hub's (whole: a packer the hub removed is forgotten).
    public func replaceHubPackers(_ packers: [HubClient.ListedPacker], at now: Date = Date()) throws(SyncError) {
        try write { db in
            try db.execute(sql: "DELETE FROM hub_packers")
            for p in packers {
                try db.execute(sql: "INSERT OR REPLACE INTO hub_packers (badge, name, fetched_at) VALUES (?, ?, ?)", arguments: [p.badge, p.name, now.timeIntervalSince1970])
            }
        }
    }

    /// The cached list: badge → name.
    public func hubPackers() throws(SyncError) -> [String: String] {
        try read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT badge, name FROM hub_packers").map { ($0["badge"] as String, $0["name"] as String) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// A packer signed out by the idle timer, in one transaction: `CMD:SIGNOUT` as the bench's
    /// input at that time (an agent restarted mid-order replays it, so the packer stays signed
    /// out and no second event is made) and the `packer_signed_out` event for the server.
    public func recordIdleSignOut(bench: String, packer: String, idleSeconds: Int, orderID: String?, at now: Date = Date()) throws(SyncError) {
        var data: [(String, JSONValue)] = [("bench", .string(bench)), ("packer", .string(packer)), ("reason", .string("idle")), ("idle_seconds", .int(idleSeconds))]
        if let orderID { data.append(("open_order", .string(orderID))) }
        let entry = Self.event(kind: "packer_signed_out", orderID: nil, data: .object(data), at: now)
        try write { db in
            try db.execute(sql: "INSERT INTO bench_inputs (bench, input, at) VALUES (?, ?, ?)", arguments: [bench, "CMD:SIGNOUT", now.timeIntervalSince1970])
            _ = try Self.insert(entry, db)
        }
        notify()
    }
}
