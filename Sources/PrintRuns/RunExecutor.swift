import Foundation
import Printing

/// What a run tells the person while it prints.
public enum RunEvent: Sendable {
    /// A chunk was settled: `printed` of `total` labels are out.
    case progress(printed: Int, total: Int)
    /// The printer cannot print; one line of advice per condition ("zebra1: out of labels — …").
    case waiting([String])
    /// The printer can print again.
    case ready
    /// Something the supervisor must know: labels that may be doubled, a counter anomaly.
    case warning(String)
}

/// Prints a run from where its journal says it is to its end, chunk by chunk, so that every
/// label comes out exactly once where the printer can tell (label counter, spooler jobs) and at
/// most one chunk is repeated where it cannot (docs/bulk-runs.md). Blocking; one run per
/// process at a time (a `RunLock` keeps a second process off the same run).
public final class RunExecutor {
    /// Knobs with defaults for the bench.
    public struct Options: Sendable {
        /// How often the printer (or the spooler) is asked again while waiting.
        public var pollInterval: Duration
        /// How long an unreachable printer is waited for before the run stops as failed.
        public var offlineLimit: Duration
        /// Shares the printer with other senders (the bench's pack labels) between chunks.
        public var turn: (any PrinterTurn)?
        /// Jobs a spooler (CUPS) holds for the run at once: the one printing and the next ones,
        /// queued while it prints, so the printer never waits for the agent between chunks.
        /// 1 sends each chunk only once the one before it has printed.
        public var spoolerJobs: Int

        /// Creates options.
        public init(pollInterval: Duration = .milliseconds(200), offlineLimit: Duration = .seconds(600), spoolerJobs: Int = 3) {
            self.pollInterval = pollInterval
            self.offlineLimit = offlineLimit
            self.spoolerJobs = max(1, spoolerJobs)
        }
    }

    let journal: RunJournal
    let printer: any Printer
    let source: LabelSource
    let options: Options
    let tell: (RunEvent) -> Void
    let shouldStop: () -> Bool
    var run: PrintRun
    var nextIndex = 1
    var waitingAdvice: [String] = []
    var cleared = false

    /// A run to print on `printer`, reading labels from `source`. `shouldStop` is asked between
    /// steps (Ctrl-C, SIGTERM): the run then pauses where it is, and `resume` goes on.
    public init(run: PrintRun, journal: RunJournal, printer: any Printer, source: LabelSource, options: Options = Options(), shouldStop: @escaping () -> Bool = { false }, tell: @escaping (RunEvent) -> Void) {
        self.run = run
        self.journal = journal
        self.printer = printer
        self.source = source
        self.options = options
        self.shouldStop = shouldStop
        self.tell = tell
    }

    /// Prints the rest of the run; returns it as it ends (done, cancelled or paused). Throws
    /// when it fails; the journal then says failed, with the same message, and `resume` retries.
    @discardableResult
    public func execute() throws(RunError) -> PrintRun {
        let lock = try RunLock(directory: journal.directory, run: run.id)
        defer { withExtendedLifetime(lock) {} }
        guard let current = try journal.run(run.id) else {
            throw RunError(code: "run.unknown", message: "There is no run \(run.id) in \(journal.path).")
        }
        run = current
        guard !run.state.isFinal else { return run }
        let chunks = try journal.chunks(run.id)
        nextIndex = (chunks.map(\.index).max() ?? 0) + 1
        if !chunks.isEmpty, try source.fingerprint() != run.sourceFingerprint {
            throw RunError(code: "run.source_changed", message: "\(run.source.path) changed since run \(run.id) started, so the labels left would not match the ones printed. Restore the file(s), or cancel the run (`packstation batch cancel \(run.id)`) and start a new one.")
        }
        do throws(StepError) {
            if run.state != .running || run.message != nil { try lift { () throws(RunError) in try setState(.running, nil) } }
            let inFlight = try lift { () throws(RunError) in try journal.inFlightChunks(run.id) }
            if case .spooling(let s) = kind {
                try printSpooledRun(s, inFlight: inFlight)
                if run.state != .done { try lift { () throws(RunError) in try setState(.done, nil) } }
                return run
            }
            for chunk in inFlight { try inTurn { () throws(StepError) in try recover(chunk) } }
            var unprinted = 0
            while let range = RunCursor.nextChunk(next: run.nextLabel, in: run.selection, chunkSize: run.chunkSize) {
                try checkInterruptions()
                try inTurn { () throws(StepError) in try printChunk(range) }
                tell(.progress(printed: run.printed, total: run.total))
                // A printer that takes a label and counts nothing does not print it (it reads it
                // as settings, or drops it): sending it again forever would print nothing either.
                unprinted = run.nextLabel == range.lowerBound ? unprinted + 1 : 0
                if unprinted == 3 {
                    throw StepError.failed(RunError(code: "run.not_printing", message: "\(printer.name) took label \(range.lowerBound)\(whereabouts(range.lowerBound)) three times and its label counter did not move: it does not print it. Check that label (and the printer's log), fix or remove it, then `packstation batch resume \(run.id)`."))
                }
            }
            try lift { () throws(RunError) in try setState(.done, nil) }
            return run
        } catch {
            switch error {
            case .cancelled:
                run = try journal.run(run.id) ?? run
                return run
            case .stopped:
                try setState(.paused, "stopped at label \(run.nextLabel) of \(run.lastLabel)\(whereabouts(run.nextLabel)); `packstation batch resume \(run.id)` goes on from there")
                return run
            case .failed(let failure):
                try? setState(.failed, failure.message)
                throw failure
            }
        }
    }

    /// The three outcomes of a step that did not finish normally.
    enum StepError: Error {
        case cancelled
        case stopped
        case failed(RunError)
    }

    // MARK: Shared steps

    /// Runs a journal step inside the loop.
    func lift<T>(_ body: () throws(RunError) -> T) throws(StepError) -> T {
        do { return try body() } catch { throw .failed(error) }
    }

    func setState(_ state: RunState, _ message: String?) throws(RunError) {
        try journal.setState(run.id, state, message: message)
        run.state = state
        run.message = message
    }

    /// Settles a chunk in the journal and moves the cursor.
    func settle(_ chunk: RunChunk, state: RunChunk.State = .done, printed: Int, next: Int, odometerAfter: Int? = nil, note: String? = nil) throws(StepError) {
        try settle(ChunkSettlement(chunk: chunk.index, state: state, printed: printed, next: next, odometerAfter: odometerAfter, note: note))
    }

    /// Records a settlement and moves the cursor; with `runState`, the run takes that state in
    /// the same transaction.
    func settle(_ settlement: ChunkSettlement, runState: RunState? = nil) throws(StepError) {
        do { try journal.finishChunk(run: run.id, settlement, runState: runState) } catch { throw .failed(error) }
        if let runState {
            run.state = runState
            run.message = nil
        }
        settled(settlement)
    }

    /// Moves the cursor past a settlement the journal holds.
    private func settled(_ settlement: ChunkSettlement) {
        run.nextLabel = settlement.next
        if let note = settlement.note { tell(.warning(note)) }
    }

    /// Records a chunk as being sent, before the first byte goes out; with `settling`, records
    /// an earlier chunk's end in the same transaction.
    func begin(_ range: ClosedRange<Int>, odometer: Int? = nil, settling: ChunkSettlement? = nil) throws(StepError) -> RunChunk {
        do {
            let chunk = try journal.beginChunk(run: run.id, index: nextIndex, labels: range, odometerBefore: odometer, settling: settling)
            nextIndex += 1
            if let settling { settled(settling) }
            return chunk
        } catch { throw .failed(error) }
    }

    /// The labels of a range, as the pieces that print them.
    func blocks(_ range: ClosedRange<Int>, zplOnly: Bool = false) throws(StepError) -> [LabelBlock] {
        do { return try source.blocks(range, zplOnly: zplOnly) } catch { throw .failed(error) }
    }

    /// Throws when the supervisor cancelled the run or this process was asked to stop.
    func checkInterruptions() throws(StepError) {
        if shouldStop() { throw .stopped }
        let state: RunState?
        do { state = try journal.run(run.id)?.state } catch { throw .failed(error) }
        if state == .cancelled { throw .cancelled }
    }

    /// Whether the supervisor cancelled the run (the loop goes on to settle what is in flight).
    func isCancelled() throws(StepError) -> Bool {
        do { return try journal.run(run.id)?.state == .cancelled } catch { throw .failed(error) }
    }

    /// Runs one printer call; while the printer is unreachable the run waits (up to the offline
    /// limit), telling why, then tries again. Errors that need a fix fail the run.
    func withPrinter<T>(_ body: () throws(PrinterError) -> T) throws(StepError) -> T {
        let deadline = ContinuousClock.now + options.offlineLimit
        while true {
            do {
                let value = try body()
                return value
            } catch let error where error.isTransient && ContinuousClock.now < deadline {
                try showWaiting([error.message])
                if shouldStop() { throw .stopped }
                pause()
            } catch {
                throw .failed(RunError(code: error.code, message: error.message + " Run \(run.id) stopped at label \(run.nextLabel); `packstation batch resume \(run.id)` goes on from there."))
            }
        }
    }

    /// Shows advice once per change and records the run as waiting for the printer.
    func showWaiting(_ advice: [String]) throws(StepError) {
        guard advice != waitingAdvice else { return }
        waitingAdvice = advice
        if try isCancelled() { return }
        do { try setState(.waitingForPrinter, advice.joined(separator: "; ")) } catch { throw .failed(error) }
        tell(.waiting(advice))
    }

    /// Back to running after a wait.
    func showReady() throws(StepError) {
        guard !waitingAdvice.isEmpty else { return }
        waitingAdvice = []
        if try isCancelled() { return }
        do { try setState(.running, nil) } catch { throw .failed(error) }
        tell(.ready)
    }

    /// " (bulk-500.zpl format 140, copy 2 of 3)" for a label file run; empty otherwise.
    func whereabouts(_ label: Int) -> String {
        guard label <= run.lastLabel, let place = try? source.describe(label, zplOnly: printer is any LabelCountingPrinter) else { return "" }
        return " (\(place))"
    }

    /// Sleeps `interval` (the poll interval by default).
    func pause(_ interval: Duration? = nil) {
        let d = (interval ?? options.pollInterval).components
        Thread.sleep(forTimeInterval: Double(d.seconds) + Double(d.attoseconds) / 1e18)
    }
}
