import Printing

/// Creates runs: everything is checked (every order or file, the printer, the range) before
/// anything is recorded, so bad input leaves no half-made run behind.
public enum RunPlanner {
    /// Labels per chunk unless told otherwise: small enough that a repeated chunk on a printer
    /// that reports nothing wastes little, and that a label-counting printer is asked often.
    public static let defaultChunkSize = 50
    /// Labels per chunk through a spooler (CUPS) unless told otherwise. A spooler keeps each
    /// chunk's job, so a crash of the agent repeats nothing whatever the size; each job costs
    /// the spooler a backend start and a connection to the printer, so fewer, larger jobs keep
    /// a fast printer fed (docs/benchmarks.md). A job CUPS aborts part way is sent again whole.
    public static let defaultSpoolerChunkSize = 250

    /// The chunk size a run on `printer` gets when none is given.
    public static func defaultChunkSize(for printer: any Printer) -> Int {
        printer is any LabelCountingPrinter || !(printer is any SpoolingPrinter) ? defaultChunkSize : defaultSpoolerChunkSize
    }
    /// The largest chunk accepted.
    public static let maximumChunkSize = 10_000

    /// Checks the source and the printer, then records a new run of the source's labels
    /// (or of `range` of them), ready for `RunExecutor`; `chunkSize` nil: the printer's default.
    public static func create(journal: RunJournal, printerURI: String, printer: any Printer, source: LabelSource, template: String, dpi: Int, chunkSize: Int? = nil, range: ClosedRange<Int>? = nil, reprintOf: String? = nil) throws(RunError) -> PrintRun {
        try create(journal: journal, printerURI: printerURI, printer: printer, source: source, template: template, dpi: dpi, chunkSize: chunkSize, selection: range.map { LabelSelection($0) }, reprintOf: reprintOf)
    }

    /// Checks the source and the printer, then records a new run of the labels `selection` of
    /// the source (all of them when nil).
    public static func create(journal: RunJournal, printerURI: String, printer: any Printer, source: LabelSource, template: String, dpi: Int, chunkSize: Int? = nil, selection: LabelSelection?, reprintOf: String? = nil) throws(RunError) -> PrintRun {
        let chunkSize = chunkSize ?? defaultChunkSize(for: printer)
        guard (1...maximumChunkSize).contains(chunkSize) else {
            throw RunError(code: "run.chunk", message: "--chunk \(chunkSize) is out of range; use 1 to \(maximumChunkSize) labels per chunk.")
        }
        let counting = printer is any LabelCountingPrinter
        let survey = try source.survey(zplOnly: counting)
        let labels = selection ?? LabelSelection(1...survey.count)
        guard labels.fits(survey.count) else {
            throw RunError(code: "run.range", message: "\(source.source.path) holds \(survey.count) labels; there is no label \(labels.last).")
        }
        try probe(printer, counting: counting)
        return try journal.create(printer: printerURI, source: source.source, fingerprint: survey.fingerprint, template: template, dpi: dpi, selection: labels, chunkSize: chunkSize, reprintOf: reprintOf)
    }

    /// Records a new run that prints labels `from...to` of an earlier run again, on the same
    /// printer unless another is given.
    public static func reprint(journal: RunJournal, of original: PrintRun, from: Int, to: Int, printerURI: String, printer: any Printer, source: LabelSource, chunkSize: Int? = nil) throws(RunError) -> PrintRun {
        guard from <= to else {
            throw RunError(code: "run.range", message: "--from \(from) is after --to \(to); give the smaller label first.")
        }
        return try reprint(journal: journal, of: original, labels: LabelSelection(from...to), printerURI: printerURI, printer: printer, source: source, chunkSize: chunkSize)
    }

    /// Records a new run that prints exactly the labels `labels` of an earlier run again (each
    /// label of a file with what it needs sent before it, one copy of a `^PQ` format).
    public static func reprint(journal: RunJournal, of original: PrintRun, labels: LabelSelection, printerURI: String, printer: any Printer, source: LabelSource, chunkSize: Int? = nil) throws(RunError) -> PrintRun {
        let outside = labels.ranges.flatMap { r in [r.lowerBound, r.upperBound] }.filter { original.selection.range(holding: $0) == nil }
        guard outside.isEmpty, labels.ranges.allSatisfy({ original.selection.range(holding: $0.lowerBound) == original.selection.range(holding: $0.upperBound) }) else {
            throw RunError(code: "run.range", message: "Run \(original.id) holds labels \(original.selection); \(labels) is not all inside it. Give label numbers of that run (`packstation batch status \(original.id)`).")
        }
        guard try source.fingerprint() == original.sourceFingerprint else {
            throw RunError(code: "run.source_changed", message: "\(original.source.path) changed since run \(original.id) was made, so a reprint would not match the labels it printed. Restore the file(s), or start a new run.")
        }
        return try create(journal: journal, printerURI: printerURI, printer: printer, source: source, template: original.template, dpi: original.dpi, chunkSize: chunkSize ?? original.chunkSize, selection: labels, reprintOf: original.id)
    }

    /// Asks the printer once, so a wrong URI fails now rather than after the run is recorded.
    static func probe(_ printer: any Printer, counting: Bool) throws(RunError) {
        do {
            if let p = printer as? any LabelCountingPrinter {
                _ = try p.hostStatus()
                _ = try p.labelOdometer()
            } else {
                _ = try printer.state()
            }
        } catch {
            let why = counting && error.code == "printer.reply" ? " A bulk run on a ZPL printer needs its label counter to know exactly what printed." : ""
            throw RunError(code: error.code, message: error.message + why + " Nothing was recorded.")
        }
    }
}
