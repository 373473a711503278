import Foundation
internal import GRDB

/// The durable record of bulk runs: one SQLite file in the data directory (WAL, synchronous
/// FULL, like the sync journal), so that a chunk recorded as "sending" is on disk before the
/// first byte of it reaches the printer, and a killed agent resumes from what is written here.
public final class RunJournal: Sendable {
    /// The file name inside the data directory.
    public static let fileName = "runs.sqlite"

    /// The journal file.
    public let path: String
    /// The data directory (lock files live beside the journal).
    public let directory: String
    let pool: DatabasePool

    /// Opens (or creates) the run journal in `directory`, creating the directory if needed.
    public init(directory: String) throws(RunError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RunError(code: "runs.directory", message: "Cannot create the data directory \(directory): \(error.localizedDescription). Set --data-dir or PACKSTATION_DATA_DIR to a writable directory.")
        }
        self.directory = directory
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // FULL: a chunk recorded as sending is on disk before the printer gets a byte of it.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB turns WAL connections to `synchronous = NORMAL` after `prepareDatabase` ran
            // (Database.setUpWALMode), so the writer is set back to FULL here: with NORMAL a commit
            // survives kill -9 but not a power cut, and a chunk begun, sent and then lost from
            // the journal would print twice on resume.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try Self.migrator.migrate(pool)
        } catch {
            throw RunError(code: "runs.open", message: "Cannot open the run journal \(path): \(error). Check the file's permissions and free disk space.")
        }
    }

    private static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY,
                    printer TEXT NOT NULL,
                    source_kind TEXT NOT NULL,
                    source_path TEXT NOT NULL,
                    source_fingerprint TEXT NOT NULL,
                    template TEXT NOT NULL,
                    dpi INTEGER NOT NULL,
                    first_label INTEGER NOT NULL,
                    last_label INTEGER NOT NULL,
                    chunk_size INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    message TEXT,
                    next_label INTEGER NOT NULL,
                    reprint_of TEXT REFERENCES runs(id),
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL);
                CREATE TABLE run_chunks (
                    run_id TEXT NOT NULL REFERENCES runs(id),
                    idx INTEGER NOT NULL,
                    first_label INTEGER NOT NULL,
                    last_label INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    odometer_before INTEGER,
                    odometer_after INTEGER,
                    job_id INTEGER,
                    printed INTEGER,
                    note TEXT,
                    started_at REAL NOT NULL,
                    finished_at REAL,
                    PRIMARY KEY (run_id, idx));
                """)
        }
        m.registerMigration("v2-selection") { db in
            // A reprint of scattered labels (17,40-45); NULL: first_label…last_label.
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN selection TEXT")
        }
        m.registerMigration("v3-hubruns-hub-runs") { db in
            // Runs the hub sent (hubruns): hub run id -> local run, and the progress to report.
            try db.execute(sql: HubRunRecord.schema)
        }
        return m
    }

    // MARK: Runs

    /// Records a new run (state running, nothing sent) under a fresh id, and returns it.
    public func create(printer: String, source: RunSource, fingerprint: String, template: String, dpi: Int, labels: ClosedRange<Int>, chunkSize: Int, reprintOf: String? = nil, at now: Date = Date()) throws(RunError) -> PrintRun {
        try create(printer: printer, source: source, fingerprint: fingerprint, template: template, dpi: dpi, selection: LabelSelection(labels), chunkSize: chunkSize, reprintOf: reprintOf, at: now)
    }

    /// Records a new run of the labels `selection` (state running, nothing sent) under a fresh id.
    public func create(printer: String, source: RunSource, fingerprint: String, template: String, dpi: Int, selection: LabelSelection, chunkSize: Int, reprintOf: String? = nil, at now: Date = Date()) throws(RunError) -> PrintRun {
        let labels = selection.first...selection.last
        return try write { db in
            var id = Self.newID()
            while try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [id]) == true { id = Self.newID() }
            let run = PrintRun(
                id: id, printer: printer, source: source, sourceFingerprint: fingerprint, template: template, dpi: dpi,
                selection: selection, chunkSize: chunkSize, state: .running, message: nil,
                nextLabel: labels.lowerBound, reprintOf: reprintOf, createdAt: now, updatedAt: now)
            try db.execute(
                sql: """
                    INSERT INTO runs (id, printer, source_kind, source_path, source_fingerprint, template, dpi, first_label, last_label,
                        chunk_size, state, next_label, reprint_of, created_at, updated_at, selection)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, printer, source.kind, source.path, fingerprint, template, dpi, labels.lowerBound, labels.upperBound, chunkSize,
                    RunState.running.rawValue, labels.lowerBound, reprintOf, now.timeIntervalSince1970, now.timeIntervalSince1970,
                    selection.isContiguous ? nil : selection.stored,
                ])
            return run
        }
    }

    /// One run, nil when the journal has no such id.
    public func run(_ id: String) throws(RunError) -> PrintRun? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(Self.run) }
    }

    /// Every run, newest first.
    public func runs() throws(RunError) -> [PrintRun] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY created_at DESC, rowid DESC").map(Self.run) }
    }

    /// Sets a run's state and message (nil clears the message).
    public func setState(_ id: String, _ state: RunState, message: String?, at now: Date = Date()) throws(RunError) {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET state = ?, message = ?, updated_at = ? WHERE id = ?",
                arguments: [state.rawValue, message, now.timeIntervalSince1970, id])
        }
    }

    /// Marks a run cancelled unless it is already over; returns the run as it now is.
    public func cancel(_ id: String, at now: Date = Date()) throws(RunError) -> PrintRun? {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET state = ?, message = ?, updated_at = ? WHERE id = ? AND state NOT IN (?, ?)",
                arguments: [RunState.cancelled.rawValue, "cancelled by the supervisor", now.timeIntervalSince1970, id, RunState.cancelled.rawValue, RunState.done.rawValue])
            return try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(Self.run)
        }
    }

    // MARK: Chunks

    /// Records that a chunk is about to be sent (before any byte of it goes out).
    public func beginChunk(run: String, index: Int, labels: ClosedRange<Int>, odometerBefore: Int?, at now: Date = Date()) throws(RunError) -> RunChunk {
        try beginChunk(run: run, index: index, labels: labels, odometerBefore: odometerBefore, settling: nil, at: now)
    }

    /// Settles an earlier chunk (when `settling` is given) and records that a chunk is about to
    /// be sent, in one transaction: one disk sync where two would do, while the spooler prints
    /// the chunks queued before it.
    public func beginChunk(run: String, index: Int, labels: ClosedRange<Int>, odometerBefore: Int?, settling: ChunkSettlement?, at now: Date = Date()) throws(RunError) -> RunChunk {
        try write { db in
            if let settling { try Self.finish(db, run: run, settling, at: now) }
            try db.execute(
                sql: "INSERT INTO run_chunks (run_id, idx, first_label, last_label, state, odometer_before, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [run, index, labels.lowerBound, labels.upperBound, RunChunk.State.sending.rawValue, odometerBefore, now.timeIntervalSince1970])
        }
        return RunChunk(index: index, firstLabel: labels.lowerBound, lastLabel: labels.upperBound, state: .sending, odometerBefore: odometerBefore, startedAt: now)
    }

    /// Notes the spooler's job id of a chunk being sent.
    public func setJob(run: String, chunk: Int, jobID: Int) throws(RunError) {
        try write { db in
            try db.execute(sql: "UPDATE run_chunks SET job_id = ? WHERE run_id = ? AND idx = ?", arguments: [jobID, run, chunk])
        }
    }

    /// Settles a chunk and moves the run's next label, in one transaction.
    public func finishChunk(run: String, chunk: Int, state: RunChunk.State = .done, printed: Int, next: Int, odometerAfter: Int? = nil, note: String? = nil, at now: Date = Date()) throws(RunError) {
        try finishChunk(run: run, ChunkSettlement(chunk: chunk, state: state, printed: printed, next: next, odometerAfter: odometerAfter, note: note), at: now)
    }

    /// Settles a chunk and moves the run's next label, in one transaction; with `runState`, the
    /// run takes that state too (done, after its last chunk), its message cleared.
    public func finishChunk(run: String, _ settlement: ChunkSettlement, runState: RunState? = nil, at now: Date = Date()) throws(RunError) {
        try write { db in
            try Self.finish(db, run: run, settlement, at: now)
            if let runState {
                try db.execute(sql: "UPDATE runs SET state = ?, message = NULL WHERE id = ?", arguments: [runState.rawValue, run])
            }
        }
    }

    private static func finish(_ db: Database, run: String, _ s: ChunkSettlement, at now: Date) throws {
        try db.execute(
            sql: "UPDATE run_chunks SET state = ?, printed = ?, odometer_after = ?, note = ?, finished_at = ? WHERE run_id = ? AND idx = ?",
            arguments: [s.state.rawValue, s.printed, s.odometerAfter, s.note, now.timeIntervalSince1970, run, s.chunk])
        try db.execute(sql: "UPDATE runs SET next_label = ?, updated_at = ? WHERE id = ?", arguments: [s.next, now.timeIntervalSince1970, run])
    }

    /// A run's chunks in order.
    public func chunks(_ run: String) throws(RunError) -> [RunChunk] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM run_chunks WHERE run_id = ? ORDER BY idx", arguments: [run]).map(Self.chunk) }
    }

    /// The last chunk of a run still recorded as sending, left by a crash.
    public func inFlightChunk(_ run: String) throws(RunError) -> RunChunk? {
        try inFlightChunks(run).last
    }

    /// The chunks of a run still recorded as sending, in order, left by a crash: one for a printer
    /// that counts labels or reports nothing, up to `RunExecutor.Options.spoolerJobs` for a
    /// spooler, which holds the next jobs while it prints one.
    public func inFlightChunks(_ run: String) throws(RunError) -> [RunChunk] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_chunks WHERE run_id = ? AND state = ? ORDER BY idx", arguments: [run, RunChunk.State.sending.rawValue]).map(Self.chunk)
        }
    }

    /// The warnings recorded on a run's chunks (labels that may be doubled, counter anomalies).
    public func notes(_ run: String) throws(RunError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT note FROM run_chunks WHERE run_id = ? AND note IS NOT NULL ORDER BY idx", arguments: [run]) }
    }

    // MARK: Plumbing

    /// The writer's `PRAGMA synchronous` (2: FULL, every commit synced to disk before it returns).
    func synchronousMode() throws(RunError) -> Int {
        do { return try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 } } catch {
            throw RunError(code: "runs.read", message: "Cannot read the run journal \(path): \(error).")
        }
    }

    /// Ids are 7 characters from an alphabet without look-alikes (no 0/o, 1/l/i), starting with r.
    static func newID() -> String {
        let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyz")
        return "r" + String((0..<6).map { _ in alphabet.randomElement()! })
    }

    private static func run(_ row: Row) -> PrintRun {
        let kind: String = row["source_kind"], path: String = row["source_path"]
        let first: Int = row["first_label"], last: Int = row["last_label"]
        let selection = (row["selection"] as String?).flatMap(LabelSelection.init(stored:)) ?? LabelSelection(first...last)
        return PrintRun(
            id: row["id"], printer: row["printer"], source: kind == "orders" ? .orders(path: path) : .labels(path: path),
            sourceFingerprint: row["source_fingerprint"], template: row["template"], dpi: row["dpi"], selection: selection,
            chunkSize: row["chunk_size"], state: RunState(rawValue: row["state"]) ?? .failed,
            message: row["message"], nextLabel: row["next_label"], reprintOf: row["reprint_of"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }

    private static func chunk(_ row: Row) -> RunChunk {
        RunChunk(
            index: row["idx"], firstLabel: row["first_label"], lastLabel: row["last_label"],
            state: RunChunk.State(rawValue: row["state"]) ?? .sending, odometerBefore: row["odometer_before"],
            odometerAfter: row["odometer_after"], jobID: row["job_id"], printed: row["printed"], note: row["note"],
            startedAt: Date(timeIntervalSince1970: row["started_at"]),
            finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    func write<T>(_ body: (Database) throws -> T) throws(RunError) -> T {
        do { return try pool.write(body) } catch {
            throw RunError(code: "runs.write", message: "Cannot write the run journal \(path): \(error). Check free disk space; the run stopped before sending anything unrecorded.")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(RunError) -> T {
        do { return try pool.read(body) } catch {
            throw RunError(code: "runs.read", message: "Cannot read the run journal \(path): \(error).")
        }
    }
}
