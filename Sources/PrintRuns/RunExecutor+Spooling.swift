import Printing

/// Runs through a spooler (CUPS): each chunk is one job named after it. Up to
/// `Options.spoolerJobs` jobs are queued at once, so while the spooler prints one chunk the agent
/// records and submits the next and the printer never waits for it. Exactly-once holds as with
/// one job at a time: every chunk is recorded as sending before its job is submitted, jobs are
/// settled in order, and after a crash every chunk still sending is found again by its job's id or
/// name (followed if the job is alive or over, sent again if it never reached the spooler or was
/// cancelled or aborted there).
extension RunExecutor {
    /// A chunk handed to the spooler and not settled yet.
    struct QueuedJob {
        var chunk: RunChunk
        /// The spooler's job; nil when the spooler gave no id (taken as printed in its turn).
        var jobID: Int?
        var range: ClosedRange<Int> { chunk.firstLabel...chunk.lastLabel }
    }

    /// Prints the rest of the run through `s`, taking up first the chunks a crash left `inFlight`.
    func printSpooledRun(_ s: any SpoolingPrinter, inFlight: [RunChunk]) throws(StepError) {
        var queue: [QueuedJob] = []
        // The chunk whose job just printed: recorded together with the next chunk's start when
        // one follows (one disk sync instead of two), or alone.
        var printed: ChunkSettlement?
        // A printer shared with the bench's pack labels gets one job at a time, each inside a
        // turn from its submission to its end, so a waiting pack label goes before the next
        // chunk instead of queueing behind several.
        let depth = options.turn == nil ? options.spoolerJobs : 1
        var holding = false
        func takeTurn() {
            guard let turn = options.turn, !holding else { return }
            turn.begin()
            holding = true
        }
        func endTurn() {
            guard holding else { return }
            options.turn?.end()
            holding = false
        }
        defer { endTurn() }
        do {
            if !inFlight.isEmpty { takeTurn() }
            for chunk in inFlight { queue.append(try requeue(chunk, s)) }
            var next = max(run.nextLabel, (inFlight.last?.lastLabel ?? 0) + 1)
            while true {
                if queue.count < depth, let range = RunCursor.nextChunk(next: next, in: run.selection, chunkSize: run.chunkSize) {
                    try checkInterruptions()
                    takeTurn()
                    let block = try spoolBlock(range, s)
                    let chunk = try begin(block.labels, settling: printed)
                    if printed != nil {
                        printed = nil
                        tell(.progress(printed: run.printed, total: run.total))
                    }
                    queue.append(QueuedJob(chunk: chunk, jobID: try submit(chunk, block, s)))
                    next = block.labels.upperBound + 1
                    continue
                }
                if let done = printed {
                    printed = nil
                    // After the last job the run is done in the same transaction.
                    try settle(done, runState: queue.isEmpty ? .done : nil)
                    tell(.progress(printed: run.printed, total: run.total))
                }
                guard let head = queue.first else { return }
                printed = try awaitJob(head, s)
                queue.removeFirst()
                if queue.isEmpty { endTurn() }
            }
        } catch {
            if let done = printed { try settle(done) }
            if case .cancelled = error { try cancelQueued(queue, s) }
            throw error
        }
    }

    /// Submits a chunk's job and notes its id; returns the id.
    func submit(_ chunk: RunChunk, _ block: LabelBlock, _ s: any SpoolingPrinter) throws(StepError) -> Int? {
        let document = PrintDocument(name: RunChunk.jobName(run: run.id, chunk: chunk.index), format: block.format, bytes: block.bytes, pages: block.pages)
        let job = try withPrinter { () throws(PrinterError) in try s.submit(document) }
        if let id = job.jobID {
            // On disk before the next step: a job CUPS has since forgotten (job history purged) is
            // then known to be over, where a search by name would find nothing and send it again.
            try lift { () throws(RunError) in try journal.setJob(run: run.id, chunk: chunk.index, jobID: id) }
        }
        return job.jobID
    }

    /// Takes up a chunk a crash left recorded as sending: its job (by the id recorded, else by
    /// name) followed when it is alive or over, or the chunk sent again when the spooler never
    /// got it or cancelled or aborted it.
    func requeue(_ chunk: RunChunk, _ s: any SpoolingPrinter) throws(StepError) -> QueuedJob {
        nextIndex = max(nextIndex, chunk.index + 1)
        let range = chunk.firstLabel...chunk.lastLabel
        if let id = chunk.jobID {
            let job = try withPrinter { () throws(PrinterError) in try s.job(id: id) }
            // Alive or completed: followed. Not listed at all: over (CUPS forgets only jobs that
            // are over), and `awaitJob` says so.
            if job.map({ $0.state != .canceled && $0.state != .aborted }) ?? true { return QueuedJob(chunk: chunk, jobID: id) }
        }
        // Killed before its id was recorded, or its job died: look for it (or a resend) by name.
        let jobs = try withPrinter { () throws(PrinterError) in try s.jobs(named: RunChunk.jobName(run: run.id, chunk: chunk.index)) }
        if let live = jobs.first(where: { $0.state != .canceled && $0.state != .aborted }) {
            try lift { () throws(RunError) in try journal.setJob(run: run.id, chunk: chunk.index, jobID: live.id) }
            return QueuedJob(chunk: chunk, jobID: live.id)
        }
        if let gone = jobs.first {
            let passed = (gone.impressionsCompleted ?? 0) > 0 ? " after CUPS had passed \(gone.impressionsCompleted!) page(s) of it on to the printer, which may have printed them" : ""
            tell(.warning("\(s.name): job \(gone.id) for \(RunCursor.describe(range)) was \(gone.state.rawValue)\(passed); sending them again as a new job"))
        }
        let redo = try spoolBlock(range, s)
        guard redo.labels == range else {
            throw .failed(RunError(code: "run.source_changed", message: "\(run.source.path) no longer splits into the jobs it made when chunk \(chunk.index) was sent; it was changed. Restore it, or cancel the run and start a new one."))
        }
        return QueuedJob(chunk: chunk, jobID: try submit(chunk, redo, s))
    }

    /// Follows a job until it is over and says how its chunk ends; a held or stopped job (or
    /// queue) makes the run wait with the spooler's reasons in words. A fast printer finishes a
    /// job within milliseconds: the spooler is asked again soon, then less often (a quarter of
    /// the time waited so far, up to the poll interval).
    func awaitJob(_ queued: QueuedJob, _ s: any SpoolingPrinter) throws(StepError) -> ChunkSettlement {
        let chunk = queued.chunk, range = queued.range
        let printed = ChunkSettlement(chunk: chunk.index, printed: chunk.count, next: chunk.lastLabel + 1)
        guard let jobID = queued.jobID else { return printed }
        let started = ContinuousClock.now
        var delay = min(Duration.milliseconds(2), options.pollInterval)
        var asked: ContinuousClock.Instant?
        while true {
            guard let job = try withPrinter({ () throws(PrinterError) in try s.job(id: jobID) }) else {
                // CUPS forgets a job only after it is over (job history off): it was printed.
                var forgotten = printed
                forgotten.note = "\(s.name) no longer lists job \(jobID) (\(RunCursor.describe(range))); taken as printed"
                return forgotten
            }
            switch job.state {
            case .completed:
                try showReady()
                return printed
            case .canceled, .aborted:
                if try isCancelled() { throw .cancelled }
                throw .failed(RunError(code: "run.job_\(job.state.rawValue)", message: "\(s.name): job \(jobID) for \(RunCursor.describe(range)) was \(job.state.rawValue) outside packstation (\(job.reasons.joined(separator: ", "))). Check the printer; `packstation batch resume \(run.id)` sends those labels again as a new job."))
            case .held, .stopped, .pending, .processing:
                // A job waiting its turn is not news; one held, stopped or slow gets the spooler's
                // reasons, asked at most once per poll interval.
                let now = ContinuousClock.now
                let slow = now - started >= options.pollInterval || job.state == .held || job.state == .stopped
                if slow, asked.map({ now - $0 >= options.pollInterval }) ?? true {
                    asked = now
                    let state = try withPrinter { () throws(PrinterError) in try s.state() }
                    var advice = state.map { $0.advice(printer: s.name) } ?? []
                    if advice.isEmpty, job.state == .held { advice = ["\(s.name): job \(jobID) is held — release it with `lp -i \(jobID) -H resume`"] }
                    if advice.isEmpty { try showReady() } else { try showWaiting(advice) }
                }
            }
            if try isCancelled() { throw .cancelled }
            if shouldStop() { throw .stopped }
            pause(delay)
            delay = min(max(Duration.milliseconds(2), (ContinuousClock.now - started) / 4), options.pollInterval)
        }
    }

    /// The run was cancelled: cancels every job it has queued and records how each chunk ended
    /// (a job that finished before the cancel reached it printed; the run's next label is the
    /// first label not printed).
    func cancelQueued(_ queue: [QueuedJob], _ s: any SpoolingPrinter) throws(StepError) {
        var waiting: Set<Int> = []
        for queued in queue {
            guard let id = queued.jobID else { continue }
            let before = try withPrinter { () throws(PrinterError) in try s.job(id: id) }
            if let before, before.state == .pending || before.state == .held || before.state == .stopped { waiting.insert(id) }
            try withPrinter { () throws(PrinterError) in try s.cancel(jobID: id) }
        }
        var unprinted: Int?
        for queued in queue {
            let chunk = queued.chunk
            guard let id = queued.jobID, let job = try finalState(of: id, s), job.state != .completed else {
                try settle(ChunkSettlement(chunk: chunk.index, printed: chunk.count, next: unprinted ?? chunk.lastLabel + 1))
                continue
            }
            let first = unprinted ?? chunk.firstLabel
            unprinted = first
            let how = waiting.contains(id) ? " while it waited its turn: none of them printed" : "; some of them may have printed"
            try settle(ChunkSettlement(chunk: chunk.index, state: .cancelled, printed: 0, next: first, note: "run cancelled: job \(id) (\(RunCursor.describe(queued.range))) was cancelled\(how)"))
        }
    }

    /// A cancelled job once the spooler has stopped it (nil when it forgot it).
    private func finalState(of id: Int, _ s: any SpoolingPrinter) throws(StepError) -> SpooledJob? {
        let deadline = ContinuousClock.now + options.offlineLimit
        while true {
            let job = try withPrinter { () throws(PrinterError) in try s.job(id: id) }
            guard let job, !job.state.isFinal, ContinuousClock.now < deadline else { return job }
            pause(.milliseconds(10))
        }
    }
}
