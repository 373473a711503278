import Printing

/// How each kind of printer gets a chunk, and how a chunk left in flight by a crash is settled.
extension RunExecutor {
    /// What a printer can tell about what it printed.
    enum Kind {
        /// Counts labels (ZPL over TCP or USB): settled by the label counter.
        case counting(any LabelCountingPrinter)
        /// Keeps jobs (CUPS): settled by the job's state, found again by name.
        case spooling(any SpoolingPrinter)
        /// Reports nothing (a file): recorded before and after; one chunk may repeat.
        case plain
    }

    var kind: Kind {
        if let p = printer as? any LabelCountingPrinter { return .counting(p) }
        if let s = printer as? any SpoolingPrinter { return .spooling(s) }
        return .plain
    }

    /// Sends the labels `range` (or, for a printer that takes a PDF whole, the file holding its
    /// first) and settles them. Spoolers go through `printSpooledRun`, which keeps jobs queued.
    func printChunk(_ range: ClosedRange<Int>) throws(StepError) {
        if case .counting(let p) = kind { try printCounted(range, p) } else { try printPlain(range) }
    }

    /// Settles the chunk a crash (or kill -9) left recorded as sending, on a printer that counts
    /// labels or reports nothing (a spooler's are taken up by `printSpooledRun`).
    func recover(_ chunk: RunChunk) throws(StepError) {
        nextIndex = max(nextIndex, chunk.index + 1)
        if case .counting(let p) = kind, chunk.odometerBefore != nil {
            try settleCounted(chunk, p)
            return
        }
        let range = chunk.firstLabel...chunk.lastLabel
        let note = "\(RunCursor.describe(range)) may have printed twice: the agent stopped while sending them to \(printer.name), which cannot tell what it received, so they were sent again."
        try settle(chunk, printed: 0, next: chunk.firstLabel, note: note)
    }

    // MARK: Label-counting printers

    func printCounted(_ range: ClosedRange<Int>, _ p: any LabelCountingPrinter) throws(StepError) {
        let bytes = try blocks(range, zplOnly: true).flatMap(\.bytes)
        try awaitIdle(p, toPrint: true)
        let before = try withPrinter { () throws(PrinterError) in try p.labelOdometer() }
        let chunk = try begin(range, odometer: before)
        do {
            _ = try p.submit(PrintDocument(name: RunChunk.jobName(run: run.id, chunk: chunk.index), format: .zpl, bytes: bytes))
        } catch let error where error.isTransient {
            // Part of the chunk may be in the printer: its counter says how much, once it is idle.
            tell(.warning("\(p.name): the connection dropped while sending \(RunCursor.describe(range)); counting what arrived before going on"))
        } catch {
            throw .failed(RunError(code: error.code, message: error.message))
        }
        try settleCounted(chunk, p)
    }

    /// Waits until the printer has printed all it holds, then settles by its counter.
    func settleCounted(_ chunk: RunChunk, _ p: any LabelCountingPrinter) throws(StepError) {
        cleared = false
        try awaitIdle(p, toPrint: false)
        var after = try withPrinter { () throws(PrinterError) in try p.labelOdometer() }
        if cleared {
            // `~JA` empties the buffer but the label under the head still comes out: read the
            // counter until it stands still.
            for _ in 0..<50 {
                pause()
                let again = try withPrinter { () throws(PrinterError) in try p.labelOdometer() }
                if again == after { break }
                after = again
            }
        }
        let range = chunk.firstLabel...chunk.lastLabel
        switch RunCursor.settle(chunk: range, odometerBefore: chunk.odometerBefore ?? after, odometerAfter: after) {
        case .printed(let n, let next):
            var note: String?
            if cleared && n < chunk.count {
                note = "run cancelled: \(RunCursor.describe(chunk.firstLabel + n...chunk.lastLabel)) were removed from \(p.name)'s buffer unprinted"
            }
            try settle(chunk, state: cleared ? .cancelled : .done, printed: n, next: next, odometerAfter: after, note: note)
        case .overcounted(let extra, let next):
            let note = "\(p.name) counted \(extra) more label(s) than \(RunCursor.describe(range)) while they printed: something else printed on it meanwhile. Check that each of those labels came out once."
            try settle(chunk, printed: chunk.count, next: next, odometerAfter: after, note: note)
        case .counterWentBack:
            throw .failed(RunError(code: "run.counter_reset", message: "\(p.name)'s label counter went back (from \(chunk.odometerBefore ?? 0) to \(after)) while \(RunCursor.describe(range)) printed: was the printer reset or swapped? Nobody can tell which of them came out. Check the printed labels, reprint what is missing with `packstation batch reprint \(run.id) N-M`, and cancel this run."))
        }
    }

    /// Polls host status until the printer holds nothing (and, before a chunk, can print).
    /// While it cannot print the person is told what to do. A cancel clears what the printer
    /// still holds (`~JA`) so that the run stops now, not after the reload.
    func awaitIdle(_ p: any LabelCountingPrinter, toPrint: Bool) throws(StepError) {
        // A fast printer is idle again within milliseconds: ask soon, then back off to the
        // poll interval, so neither a fast printer idles nor a slow one is flooded with ~HS.
        // Each wait is a quarter of the time waited so far, so the printer sits idle at most
        // ~25 % longer than it took (doubling the wait could leave it idle as long again).
        let started = ContinuousClock.now
        var delay = min(Duration.milliseconds(2), options.pollInterval)
        while true {
            let status = try withPrinter { () throws(PrinterError) in try p.hostStatus() }
            if status.canPrint { try showReady() } else { try showWaiting(status.conditions.map { $0.advice(printer: p.name) }) }
            if status.isIdle && (status.canPrint || !toPrint) { return }
            if try isCancelled() {
                if toPrint { throw .cancelled }
                if !cleared {
                    _ = try withPrinter { () throws(PrinterError) in try p.submit(PrintDocument(name: "cancel", format: .zpl, bytes: Array("~JA".utf8))) }
                    cleared = true
                }
            }
            if shouldStop() { throw .stopped }
            pause(delay)
            delay = min(max(Duration.milliseconds(2), (ContinuousClock.now - started) / 4), options.pollInterval)
        }
    }

    // MARK: Spoolers and printers that report nothing

    /// The first job's worth of `range`: ZPL labels end to end, or one PDF (PDFs cannot be
    /// joined byte-wise) with the pages of the range. A spooler that cannot pick pages (a raw
    /// queue) gets a PDF whole, so its chunk grows to the whole file; one that starts in the
    /// middle of a PDF there cannot be printed without printing its first pages again.
    func spoolBlock(_ range: ClosedRange<Int>, _ s: (any SpoolingPrinter)?) throws(StepError) -> LabelBlock {
        let block = try blocks(range)[0]
        guard block.format == .pdf, block.labels != block.file else { return block }
        let selects: Bool
        if let s { selects = try withPrinter { () throws(PrinterError) in try s.selectsPages() } } else { selects = false }
        if selects { return block }
        guard block.labels.lowerBound == block.file.lowerBound, run.selection.range(holding: block.labels.lowerBound)?.contains(block.file.upperBound) == true else {
            let file = (try? source.describe(block.labels.lowerBound)).map { " (\($0))" } ?? ""
            throw .failed(RunError(code: "run.pages", message: "\(printer.name) prints a PDF whole (a raw queue ignores page-ranges), so \(RunCursor.describe(block.labels))\(file) cannot be printed without the rest of that PDF. Print through a queue with a driver (lpadmin -m or -P PPD), or reprint the whole file's labels \(block.file.lowerBound)-\(block.file.upperBound)."))
        }
        return try blocks(block.file)[0]
    }

    func printPlain(_ range: ClosedRange<Int>) throws(StepError) {
        let block = try spoolBlock(range, nil)
        while let state = try withPrinter({ () throws(PrinterError) in try printer.state() }), !state.canPrint {
            try showWaiting(state.advice(printer: printer.name))
            try checkInterruptions()
            pause()
        }
        try showReady()
        let chunk = try begin(block.labels)
        let document = PrintDocument(name: RunChunk.jobName(run: run.id, chunk: chunk.index), format: block.format, bytes: block.bytes)
        let range = block.labels
        var note: String?
        do {
            _ = try printer.submit(document)
        } catch let error where error.isTransient {
            note = "\(RunCursor.describe(range)) may have printed twice: sending them to \(printer.name) failed part way (\(error.message)) and they were sent again."
            _ = try withPrinter { () throws(PrinterError) in try printer.submit(document) }
        } catch {
            throw .failed(RunError(code: error.code, message: error.message))
        }
        try settle(chunk, printed: chunk.count, next: chunk.lastLabel + 1, note: note)
    }
}
