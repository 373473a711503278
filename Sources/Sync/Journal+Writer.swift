import Foundation
import PackCore

extension Journal {
    /// The journal's writes for async code: each runs on the journal's writer thread (commit and
    /// fsync included, nothing less durable) while the calling task waits without holding a thread
    /// of the cooperative pool. Same methods, same transactions as the synchronous ones, in the
    /// order they are called.
    public var writer: Writer { Writer(journal: self) }

    /// The async face of a journal's writes (`journal.writer`).
    public struct Writer: Sendable {
        let journal: Journal

        /// `Journal.recordInput(bench:input:at:)` on the writer thread.
        public func recordInput(bench: String, input: String, at now: Date = Date()) async throws(SyncError) {
            let journal = journal
            try await journal.writerThread.run { () throws(SyncError) in try journal.recordInput(bench: bench, input: input, at: now) }
        }

        /// `Journal.recordInput(bench:input:orderID:labels:at:)` on the writer thread.
        @discardableResult
        public func recordInput(bench: String, input: String, orderID: String, labels: [Journal.QueuedLabel], at now: Date = Date()) async throws(SyncError) -> [Int64] {
            let journal = journal
            return try await journal.writerThread.run { () throws(SyncError) in try journal.recordInput(bench: bench, input: input, orderID: orderID, labels: labels, at: now) }
        }

        /// `Journal.recordReprint(...)` on the writer thread.
        @discardableResult
        public func recordReprint(bench: String, orderID: String, labels: [Journal.QueuedLabel], event kind: String, data: JSONValue, at now: Date = Date()) async throws(SyncError) -> [Int64] {
            let journal = journal
            return try await journal.writerThread.run { () throws(SyncError) in try journal.recordReprint(bench: bench, orderID: orderID, labels: labels, event: kind, data: data, at: now) }
        }

        /// `Journal.recordResult(_:bench:input:labels:benchIdle:reprint:at:)` on the writer thread.
        @discardableResult
        public func recordResult(_ result: PackResult, bench: String, input: String, labels: [Journal.QueuedLabel], benchIdle: Bool, reprint: ReprintRecord? = nil, at now: Date = Date()) async throws(SyncError) -> [Int64] {
            let journal = journal
            return try await journal.writerThread.run { () throws(SyncError) in
                try journal.recordResult(result, bench: bench, input: input, labels: labels, benchIdle: benchIdle, reprint: reprint, at: now)
            }
        }

        /// `Journal.recordEvent(kind:orderID:data:at:)` on the writer thread.
        @discardableResult
        public func recordEvent(kind: String, orderID: String?, data: JSONValue = .object([]), at now: Date = Date()) async throws(SyncError) -> OutboxEntry {
            let journal = journal
            return try await journal.writerThread.run { () throws(SyncError) in try journal.recordEvent(kind: kind, orderID: orderID, data: data, at: now) }
        }

        /// `Journal.labelPrinted(_:printer:jobID:at:)` on the writer thread.
        public func labelPrinted(_ job: LabelJob, printer: String, jobID: Int?, at now: Date = Date()) async throws(SyncError) {
            let journal = journal
            try await journal.writerThread.run { () throws(SyncError) in try journal.labelPrinted(job, printer: printer, jobID: jobID, at: now) }
        }

        /// `Journal.labelFailed(_:error:)` on the writer thread.
        public func labelFailed(_ job: LabelJob, error: String) async throws(SyncError) {
            let journal = journal
            try await journal.writerThread.run { () throws(SyncError) in try journal.labelFailed(job, error: error) }
        }

        /// `Journal.acknowledge(_:at:)` on the writer thread.
        public func acknowledge(_ keys: [String], at now: Date = Date()) async throws(SyncError) {
            let journal = journal
            try await journal.writerThread.run { () throws(SyncError) in try journal.acknowledge(keys, at: now) }
        }

        /// `Journal.reject(key:code:reason:at:)` on the writer thread.
        public func reject(key: String, code: String?, reason: String, at now: Date = Date()) async throws(SyncError) {
            let journal = journal
            try await journal.writerThread.run { () throws(SyncError) in try journal.reject(key: key, code: code, reason: reason, at: now) }
        }

        /// `Journal.noteFailure(_:keys:at:)` on the writer thread.
        public func noteFailure(_ message: String, keys: [String], at now: Date = Date()) async throws(SyncError) {
            let journal = journal
            try await journal.writerThread.run { () throws(SyncError) in try journal.noteFailure(message, keys: keys, at: now) }
        }
    }
}
