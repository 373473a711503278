import Foundation
internal import GRDB
import PackCore

/// A label waiting to be printed for a completed order (the durable print queue of a bench).
public struct LabelJob: Hashable, Sendable {
    public var id: Int64
    public var bench: String
    public var orderID: String
    /// `zpl` or `pdf`.
    public var format: String
    /// What goes to the printer.
    public var document: [UInt8]
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date
}

extension Journal {
    /// Records one scan or command of a bench, so an agent killed mid-order rebuilds the
    /// open order by replaying them (synchronous: on disk when this returns).
    public func recordInput(bench: String, input: String, at now: Date = Date()) throws(SyncError) {
        try write { db in
            try db.execute(sql: "INSERT INTO bench_inputs (bench, input, at) VALUES (?, ?, ?)", arguments: [bench, input, now.timeIntervalSince1970])
        }
    }

    /// Records one input together with the labels it queued (a box closed mid-order), in one
    /// transaction: replaying the input after a crash never queues them again, and they are
    /// never queued without it. Returns the label jobs' ids.
    @discardableResult
    public func recordInput(bench: String, input: String, orderID: String, labels: [QueuedLabel], at now: Date = Date()) throws(SyncError) -> [Int64] {
        try write { db in
            try db.execute(sql: "INSERT INTO bench_inputs (bench, input, at) VALUES (?, ?, ?)", arguments: [bench, input, now.timeIntervalSince1970])
            return try Self.queue(labels, bench: bench, orderID: orderID, at: now, db)
        }
    }

    /// Queues labels printed again at the packer's command (`CMD:REPRINT`, `CMD:VOID`) with
    /// the event that records it for the server, in one transaction: the event reaches the
    /// server once (its outbox key is fixed here) and never without the labels, nor they
    /// without it. The input itself is not kept for replay: it changed no open order. Returns
    /// the label jobs' ids.
    @discardableResult
    public func recordReprint(bench: String, orderID: String, labels: [QueuedLabel], event kind: String, data: JSONValue, at now: Date = Date()) throws(SyncError) -> [Int64] {
        let entry = Self.event(kind: kind, orderID: orderID, data: data, at: now)
        let ids = try write { db in
            let ids = try Self.queue(labels, bench: bench, orderID: orderID, at: now, db)
            _ = try Self.insert(entry, db)
            return ids
        }
        notify()
        return ids
    }

    private static func queue(_ labels: [QueuedLabel], bench: String, orderID: String, at now: Date, _ db: Database) throws -> [Int64] {
        var ids: [Int64] = []
        for label in labels {
            try db.execute(
                sql: "INSERT INTO label_jobs (bench, order_id, format, document, preview, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [bench, orderID, label.format, Data(label.document), label.preview.map { Data($0) }, now.timeIntervalSince1970])
            ids.append(db.lastInsertedRowID)
        }
        return ids
    }

    /// The inputs a bench recorded since it was last idle, oldest first.
    public func openInputs(bench: String) throws(SyncError) -> [(input: String, at: Date)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT input, at FROM bench_inputs WHERE bench = ? ORDER BY seq", arguments: [bench]).map {
                ($0["input"] as String, Date(timeIntervalSince1970: $0["at"] as Double))
            }
        }
    }

    /// A rendered label to queue with a result.
    public struct QueuedLabel: Sendable {
        public var format: String
        public var document: [UInt8]
        /// A PNG for the kiosk.
        public var preview: [UInt8]?
        public init(format: String, document: [UInt8], preview: [UInt8]?) {
            self.format = format
            self.document = document
            self.preview = preview
        }
    }

    /// Records the input that finished an order with its result, in one transaction: the
    /// result and its outbox entry, the label job (when there is a label), and — when the bench
    /// is idle afterwards (`benchIdle`) — the end of the bench's replay log. Returns the label
    /// job's id. `reprint`, when the order printed labels, becomes what `CMD:REPRINT` prints
    /// after a restart.
    @discardableResult
    public func recordResult(_ result: PackResult, bench: String, input: String, labels: [QueuedLabel], benchIdle: Bool, reprint: ReprintRecord? = nil, at now: Date = Date()) throws(SyncError) -> [Int64] {
        var ids: [Int64] = []
        _ = try recordResult(result, at: now) { db in
            if let reprint { try Self.rememberReprint(reprint, bench: bench, at: now, db) }
            if benchIdle {
                try db.execute(sql: "DELETE FROM bench_inputs WHERE bench = ?", arguments: [bench])
            } else {
                try db.execute(sql: "INSERT INTO bench_inputs (bench, input, at) VALUES (?, ?, ?)", arguments: [bench, input, now.timeIntervalSince1970])
            }
            ids = try Self.queue(labels, bench: bench, orderID: result.orderID, at: now, db)
        }
        return ids
    }

    /// The kiosk preview of a label job.
    public func labelPreview(id: Int64) throws(SyncError) -> [UInt8]? {
        try read { db in (try Data.fetchOne(db, sql: "SELECT preview FROM label_jobs WHERE id = ?", arguments: [id])).map { Array($0) } }
    }

    /// How many labels are still to print (a count, without reading their documents: the kiosk
    /// asks at every change).
    public func pendingLabelCount() throws(SyncError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM label_jobs WHERE state = 'pending'") ?? 0 }
    }

    /// Labels still to print, oldest first.
    public func pendingLabels(bench: String? = nil) throws(SyncError) -> [LabelJob] {
        try read { db in
            let rows = try bench.map { try Row.fetchAll(db, sql: "SELECT * FROM label_jobs WHERE state = 'pending' AND bench = ? ORDER BY id", arguments: [$0]) }
                ?? Row.fetchAll(db, sql: "SELECT * FROM label_jobs WHERE state = 'pending' ORDER BY id")
            return rows.map {
                LabelJob(id: $0["id"], bench: $0["bench"], orderID: $0["order_id"], format: $0["format"], document: Array($0["document"] as Data), attempts: $0["attempts"],
                         lastError: $0["last_error"], createdAt: Date(timeIntervalSince1970: $0["created_at"] as Double))
            }
        }
    }

    /// Marks a label printed and records the `label_printed` event for the server, together.
    public func labelPrinted(_ job: LabelJob, printer: String, jobID: Int?, at now: Date = Date()) throws(SyncError) {
        try write { db in
            try db.execute(sql: "UPDATE label_jobs SET state = 'printed', printed_at = ?, attempts = attempts + 1 WHERE id = ?", arguments: [now.timeIntervalSince1970, job.id])
        }
        var data: [(String, JSONValue)] = [("printer", .string(printer)), ("bench", .string(job.bench))]
        if let jobID { data.append(("job_id", .int(jobID))) }
        try recordEvent(kind: "label_printed", orderID: job.orderID, data: .object(data), at: now)
    }

    /// Notes a failed attempt; the label stays queued.
    public func labelFailed(_ job: LabelJob, error: String) throws(SyncError) {
        try write { db in
            try db.execute(sql: "UPDATE label_jobs SET attempts = attempts + 1, last_error = ? WHERE id = ?", arguments: [error, job.id])
        }
    }
}

extension Journal {
    /// Whether this station recorded the order as packed (fully or short-shipped).
    public func wasPacked(orderID: String) throws(SyncError) -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM results WHERE order_id = ? AND outcome IN ('packed', 'short_shipped'))", arguments: [orderID]) ?? false
        }
    }
}
