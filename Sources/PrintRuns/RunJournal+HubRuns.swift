import Foundation
internal import GRDB

/// A label run the hub sent, as this station keeps it: which local run prints it (so a run
/// already done is never started again, and one cut by a crash resumes), and the progress the
/// hub has yet to hear (sent again until the hub takes it).
public struct HubRunRecord: Hashable, Sendable {
    /// The hub's run id.
    public var hubID: String
    /// The name the supervisor gave it.
    public var name: String
    /// The printer it names (nil: the bench's).
    public var printer: String?
    /// `orders` or `labels` (a file).
    public var kind: String
    /// The file name the hub gave it (its extension says ZPL or PDF).
    public var fileName: String
    /// Its size as the hub announced it.
    public var bytes: Int
    /// The local run printing it; nil until its labels are fetched and checked.
    public var runID: String?
    /// `queued` (seen, not fetched yet), `running`, `done` or `failed`: the hub's words.
    public var state: String
    /// Labels printed.
    public var printed: Int
    /// Labels in the run (0 until counted).
    public var total: Int
    /// Why it failed.
    public var reason: String?
    /// The last progress the hub acknowledged (`state printed`); nil: none yet.
    public var reported: String?
    /// When it was first seen.
    public var createdAt: Date

    /// The progress as the hub should have it.
    public var report: String { "\(state) \(printed)" }
    /// Whether the hub has yet to hear the latest progress.
    public var unreported: Bool { reported != report }
    /// Whether nothing more happens to it here.
    public var isFinished: Bool { state == "done" || state == "failed" }

    static let schema = """
        CREATE TABLE hub_runs (
            hub_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            printer TEXT,
            kind TEXT NOT NULL,
            file_name TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            run_id TEXT REFERENCES runs(id),
            state TEXT NOT NULL,
            printed INTEGER NOT NULL DEFAULT 0,
            total INTEGER NOT NULL DEFAULT 0,
            reason TEXT,
            reported TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL);
        """
}

extension RunJournal {
    /// Records a run the hub sent, unless it is known already; returns it as recorded.
    @discardableResult
    public func noteHubRun(hubID: String, name: String, printer: String?, kind: String, fileName: String, bytes: Int, at now: Date = Date()) throws(RunError) -> HubRunRecord {
        try write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO hub_runs (hub_id, name, printer, kind, file_name, bytes, state, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)
                    """,
                arguments: [hubID, name, printer, kind, fileName, bytes, now.timeIntervalSince1970, now.timeIntervalSince1970])
            return try Row.fetchOne(db, sql: "SELECT * FROM hub_runs WHERE hub_id = ?", arguments: [hubID]).map(Self.hubRun)!
        }
    }

    /// One hub run, nil when unknown.
    public func hubRun(_ hubID: String) throws(RunError) -> HubRunRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM hub_runs WHERE hub_id = ?", arguments: [hubID]).map(Self.hubRun) }
    }

    /// Every hub run, oldest first.
    public func hubRuns() throws(RunError) -> [HubRunRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM hub_runs ORDER BY created_at, rowid").map(Self.hubRun) }
    }

    /// Ties a hub run to the local run that prints it (once: a second call keeps the first).
    public func attachHubRun(_ hubID: String, run: String, total: Int, at now: Date = Date()) throws(RunError) {
        try write { db in
            try db.execute(
                sql: "UPDATE hub_runs SET run_id = ?, total = ?, state = 'running', updated_at = ? WHERE hub_id = ? AND run_id IS NULL",
                arguments: [run, total, now.timeIntervalSince1970, hubID])
        }
    }

    /// Sets a hub run's progress (what the hub is told next).
    public func updateHubRun(_ hubID: String, state: String, printed: Int, reason: String? = nil, at now: Date = Date()) throws(RunError) {
        try write { db in
            try db.execute(
                sql: "UPDATE hub_runs SET state = ?, printed = ?, reason = ?, updated_at = ? WHERE hub_id = ?",
                arguments: [state, printed, reason, now.timeIntervalSince1970, hubID])
        }
    }

    /// Notes that the hub acknowledged `report` (a later progress is still sent).
    public func hubRunReported(_ hubID: String, report: String) throws(RunError) {
        try write { db in
            try db.execute(sql: "UPDATE hub_runs SET reported = ? WHERE hub_id = ?", arguments: [report, hubID])
        }
    }

    private static func hubRun(_ row: Row) -> HubRunRecord {
        HubRunRecord(
            hubID: row["hub_id"], name: row["name"], printer: row["printer"], kind: row["kind"], fileName: row["file_name"], bytes: row["bytes"], runID: row["run_id"], state: row["state"], printed: row["printed"],
            total: row["total"], reason: row["reason"], reported: row["reported"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}
