import Foundation

/// A bulk label run: labels `firstLabel...lastLabel` of one source, sent to one printer in
/// chunks, recorded in the run journal so that it survives a crash and resumes at the right label.
public struct PrintRun: Hashable, Sendable {
    /// Short, unique, printable (`r7kq2mx`); what the supervisor types to resume or cancel.
    public var id: String
    /// The printer URI as given.
    public var printer: String
    /// Where the labels come from.
    public var source: RunSource
    /// Checks that the source has not changed since the run started (size and content hash).
    public var sourceFingerprint: String
    /// The label template for orders (ignored for label files).
    public var template: String
    /// Printer resolution for rendered orders.
    public var dpi: Int
    /// The labels of the source this run prints (1-based, numbered as they come out of the
    /// printer): one range, or several for a reprint of scattered labels.
    public var selection: LabelSelection
    /// The first label of the source this run prints.
    public var firstLabel: Int { selection.first }
    /// The last label of the source this run prints.
    public var lastLabel: Int { selection.last }
    /// Labels per chunk (one printer job, one journal record).
    public var chunkSize: Int
    /// Where the run is.
    public var state: RunState
    /// What the person must know now: the printer's advice while waiting, why it failed.
    public var message: String?
    /// The next label to send; `lastLabel + 1` once everything is printed.
    public var nextLabel: Int
    /// The run this one reprints a range of.
    public var reprintOf: String?
    /// When the run was created.
    public var createdAt: Date
    /// When its state last changed.
    public var updatedAt: Date

    /// Labels in the run.
    public var total: Int { selection.count }
    /// Labels known to be printed (or handed to the printer, for printers that report nothing).
    public var printed: Int { selection.count(before: nextLabel) }
}

/// Where a run's labels come from.
public enum RunSource: Hashable, Sendable, CustomStringConvertible {
    /// Orders as JSON lines; each order is rendered to its shipping label when its chunk prints.
    case orders(path: String)
    /// A `.zpl` or `.pdf` file, or a directory of them printed in name order; each file makes
    /// as many labels as come out of the printer for it (a PDF page is one).
    case labels(path: String)

    /// The stored kind (`orders` or `labels`).
    public var kind: String {
        switch self {
        case .orders: "orders"
        case .labels: "labels"
        }
    }

    /// The file or directory.
    public var path: String {
        switch self {
        case .orders(let path): path
        case .labels(let path): path
        }
    }

    public var description: String { "\(kind) \(path)" }
}

/// Where a run is.
public enum RunState: String, Hashable, Sendable, CaseIterable {
    /// A process is sending its chunks.
    case running
    /// Stopped on request (Ctrl-C, SIGTERM) or by a crash; `batch resume` goes on.
    case paused
    /// The printer cannot print (out of labels, head open…); the run goes on by itself.
    case waitingForPrinter = "waiting-for-printer"
    /// Cancelled by the supervisor; never resumed.
    case cancelled
    /// Every label printed.
    case done
    /// Stopped by an error the person must fix; `batch resume` tries again.
    case failed

    /// Whether nothing more will ever print for the run.
    public var isFinal: Bool { self == .cancelled || self == .done }
}

/// One chunk of a run: labels sent as one job, with what the printer said before and after.
public struct RunChunk: Hashable, Sendable {
    /// 1-based position in the run.
    public var index: Int
    /// The first label of the chunk (source numbering).
    public var firstLabel: Int
    /// The last label of the chunk.
    public var lastLabel: Int
    /// Where the chunk is.
    public var state: State
    /// The printer's label counter before sending (label-counting printers).
    public var odometerBefore: Int?
    /// The counter once the printer had finished.
    public var odometerAfter: Int?
    /// The spooler's job (CUPS).
    public var jobID: Int?
    /// Labels of the chunk that came out, counted from `firstLabel`.
    public var printed: Int?
    /// A warning the supervisor must see, e.g. which labels may have printed twice.
    public var note: String?
    /// When the chunk was recorded as being sent.
    public var startedAt: Date
    /// When it was settled.
    public var finishedAt: Date?

    /// Where a chunk is.
    public enum State: String, Hashable, Sendable {
        /// Recorded before the first byte went out; not yet settled.
        case sending
        /// Settled: `printed` labels came out.
        case done
        /// Settled by a cancel: `printed` labels came out, the rest were discarded.
        case cancelled
    }

    /// Labels in the chunk.
    public var count: Int { lastLabel - firstLabel + 1 }
    /// The spooler job name that finds this chunk again after a crash.
    public static func jobName(run: String, chunk: Int) -> String { "packstation run \(run) chunk \(chunk)" }
}

/// How a chunk ended, as the journal records it: its state and labels printed, and where the run
/// goes on.
public struct ChunkSettlement: Hashable, Sendable {
    /// The chunk's index in the run.
    public var chunk: Int
    /// Done, or cancelled.
    public var state: RunChunk.State
    /// Labels of the chunk that came out, counted from its first.
    public var printed: Int
    /// The run's next label once this is recorded.
    public var next: Int
    /// The printer's label counter once it had finished (label-counting printers).
    public var odometerAfter: Int?
    /// A warning the supervisor must see.
    public var note: String?

    /// Creates a settlement.
    public init(chunk: Int, state: RunChunk.State = .done, printed: Int, next: Int, odometerAfter: Int? = nil, note: String? = nil) {
        self.chunk = chunk
        self.state = state
        self.printed = printed
        self.next = next
        self.odometerAfter = odometerAfter
        self.note = note
    }
}

/// A bulk-run failure, written for the supervisor: what failed and what to do.
public struct RunError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable code, e.g. `run.unknown`, `run.source_changed`.
    public let code: String
    /// What failed and what to do.
    public let message: String

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
