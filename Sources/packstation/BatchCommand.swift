import ArgumentParser
import Foundation
import LabelGraphics
import Labels
import PrintRuns
import Printing
import Station
import Synchronization

/// `packstation batch`: bulk label runs that survive crashes and print every label exactly once.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Bulk label runs: start, status, resume, cancel, reprint.",
        discussion: """
            A run is recorded in the data directory (--data-dir, $PACKSTATION_DATA_DIR) and sent in \
            chunks. After a crash, `batch resume ID` goes on at the right label: a ZPL printer's \
            label counter or the CUPS job says what came out; for printers that report nothing \
            (files) at most the chunk in flight is repeated and its range is reported. See docs/bulk-runs.md.
            """,
        subcommands: [Start.self, Status.self, Resume.self, Cancel.self, Reprint.self]
    )

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a run; the run id is the first line of the output, then it prints to the end.")
        @Option(name: .long, help: ArgumentHelp("The printer.", valueName: "URI")) var printer: String
        @Option(name: .long, help: ArgumentHelp("Orders as JSON lines; each becomes its shipping label.", valueName: "FILE.jsonl")) var orders: String?
        @Option(name: .long, help: ArgumentHelp("A .zpl/.pdf file, or a directory of them printed in name order; every label they make is counted (each ^PQ copy, each PDF page).", valueName: "FILE|DIR")) var labels: String?
        @Option(name: .long, help: ArgumentHelp("Labels per chunk (default: \(RunPlanner.defaultSpoolerChunkSize) through CUPS, whose jobs say what printed; \(RunPlanner.defaultChunkSize) otherwise).", valueName: "N")) var chunk: Int?
        @Option(name: .long, help: ArgumentHelp("Template for orders: a built-in name or a template JSON file.", valueName: "NAME|FILE")) var template = "shipping"
        @Option(name: .long, help: "Printer resolution for orders, and for PDF pages rasterized for a printer that takes ZPL only: 203, 300 or 600.") var dpi = 203
        @OptionGroup var data: SyncCommand.DataDirectory
        @OptionGroup var zpl: ZPLPolicyOptions

        func validate() throws {
            guard (orders == nil) != (labels == nil) else { throw ValidationError("Give exactly one of --orders FILE.jsonl or --labels FILE|DIR.") }
            guard chunk ?? 1 > 0 else { throw ValidationError("--chunk must be 1 or more labels.") }
        }

        func run() throws {
            let journal = try BatchCommand.journal(data)
            let (uri, target) = try BatchCommand.printer(printer)
            let source: RunSource = orders.map { .orders(path: BatchCommand.absolute($0)) } ?? .labels(path: BatchCommand.absolute(labels!))
            let templateName = LabelTemplate.builtin(template) != nil ? template : BatchCommand.absolute(template)
            let labelSource = BatchCommand.source(source, rendering: try BatchCommand.rendering(template: templateName, dpi: dpi), zplPolicy: try zpl.policy())
            let run = try BatchCommand.mapped { () throws(RunError) in
                try RunPlanner.create(journal: journal, printerURI: uri.description, printer: target, source: labelSource, template: templateName, dpi: dpi, chunkSize: chunk)
            }
            BatchCommand.announce(run.id)
            if target is any LabelCountingPrinter, let files = try? labelSource.files(zplOnly: true) {
                for file in files where file.format == .pdf {
                    let pages = file.pageCount
                    let each = file.labels.count == pages ? "one ^GF label each" : "\(file.labels.count) ^GF labels in all: a page with two labels on it is cut into them, each printed at full size"
                    FileHandle.standardError.write(Data("\(file.name): \(uri) takes ZPL only; its \(pages) page\(pages == 1 ? "" : "s") are rasterized at \(dpi) dpi (--dpi), \(each).\n".utf8))
                }
            }
            try BatchCommand.execute(run, journal: journal, printer: target, source: labelSource)
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Go on with a run that stopped (crash, Ctrl-C, printer error) at the right label.")
        @Argument(help: "The run id.") var id: String
        @OptionGroup var data: SyncCommand.DataDirectory
        @OptionGroup var zpl: ZPLPolicyOptions

        func run() throws {
            let journal = try BatchCommand.journal(data)
            let run = try BatchCommand.find(id, in: journal)
            switch run.state {
            case .done:
                print("Run \(run.id) is already done: all \(run.total) labels printed.")
                return
            case .cancelled:
                throw StationError(code: "run.cancelled", message: "Run \(run.id) was cancelled and cannot be resumed; print what is missing with `packstation batch reprint \(run.id) \(run.nextLabel)-\(run.lastLabel)`.")
            default: break
            }
            let (_, target) = try BatchCommand.printer(run.printer)
            let source = BatchCommand.source(run.source, rendering: try BatchCommand.rendering(template: run.template, dpi: run.dpi), zplPolicy: try zpl.policy())
            try BatchCommand.execute(run, journal: journal, printer: target, source: source)
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a run: nothing more is sent; a ZPL printer's buffer and CUPS jobs are cleared.")
        @Argument(help: "The run id.") var id: String
        @OptionGroup var data: SyncCommand.DataDirectory

        func run() throws {
            let journal = try BatchCommand.journal(data)
            let before = try BatchCommand.find(id, in: journal)
            guard before.state != .done else {
                print("Run \(before.id) is already done (\(before.total) labels printed); nothing to cancel.")
                return
            }
            _ = try BatchCommand.mapped { () throws(RunError) in try journal.cancel(before.id) }
            if RunLock.isHeld(directory: journal.directory, run: before.id) {
                print("Run \(before.id) cancelled; the process printing it clears the printer and stops.")
            } else {
                print("Run \(before.id) cancelled after \(before.printed) of \(before.total) labels.")
            }
        }
    }

    struct Reprint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print some labels of a run again, as a new run (its id is the first line of the output).",
            discussion: "Labels are numbered as they came out of the printer (`batch status ID` shows where each is): `batch reprint ID 17,40-45`. A label from the middle of a file goes with the graphics and formats it needs; one copy of a ^PQ format prints once.")
        @Argument(help: "The run id.") var id: String
        @Argument(help: ArgumentHelp("Label numbers: 17, 40-45 or 17,40-45.", valueName: "LABELS")) var labels: String?
        @Option(name: .long, help: ArgumentHelp("First label to reprint (or give LABELS).", valueName: "N")) var from: Int?
        @Option(name: .long, help: ArgumentHelp("Last label to reprint.", valueName: "M")) var to: Int?
        @Option(name: .long, help: ArgumentHelp("Another printer (default: the run's).", valueName: "URI")) var printer: String?
        @Option(name: .long, help: ArgumentHelp("Labels per chunk (default: the run's).", valueName: "N")) var chunk: Int?
        @OptionGroup var data: SyncCommand.DataDirectory
        @OptionGroup var zpl: ZPLPolicyOptions

        func validate() throws {
            guard (labels == nil) != (from == nil && to == nil) else { throw ValidationError("Give the labels to reprint, either as LABELS (17,40-45) or as --from N --to M.") }
            guard labels != nil || (from != nil && to != nil) else { throw ValidationError("Give both --from N and --to M.") }
        }

        func run() throws {
            let journal = try BatchCommand.journal(data)
            let original = try BatchCommand.find(id, in: journal)
            let selection = try BatchCommand.mapped { () throws(RunError) in
                if let labels { return try LabelSelection(parsing: labels) }
                guard from! <= to! else { throw RunError(code: "run.range", message: "--from \(from!) is after --to \(to!); give the smaller label first.") }
                guard from! >= 1 else { throw RunError(code: "run.range", message: "--from \(from!): labels are numbered from 1.") }
                return LabelSelection(from!...to!)
            }
            let (uri, target) = try BatchCommand.printer(printer ?? original.printer)
            let source = BatchCommand.source(original.source, rendering: try BatchCommand.rendering(template: original.template, dpi: original.dpi), zplPolicy: try zpl.policy())
            let run = try BatchCommand.mapped { () throws(RunError) in
                try RunPlanner.reprint(journal: journal, of: original, labels: selection, printerURI: uri.description, printer: target, source: source, chunkSize: chunk)
            }
            BatchCommand.announce(run.id)
            try BatchCommand.execute(run, journal: journal, printer: target, source: source)
        }
    }

    // MARK: Shared

    static func journal(_ data: SyncCommand.DataDirectory) throws -> RunJournal {
        try mapped { () throws(RunError) in try RunJournal(directory: data.path) }
    }

    static func find(_ id: String, in journal: RunJournal) throws -> PrintRun {
        guard let run = try mapped({ () throws(RunError) in try journal.run(id) }) else {
            throw StationError(code: "run.unknown", message: "There is no run '\(id)' in \(journal.path); `packstation batch status` lists the runs.")
        }
        return run
    }

    static func printer(_ text: String) throws -> (PrinterURI, any Printer) {
        do throws(PrinterError) {
            let uri = try PrinterURI(parsing: text)
            if case .file(let path) = uri {
                let dir = (path as NSString).deletingLastPathComponent
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw PrinterError(code: "printer.file", message: "\(uri): the folder \(dir) does not exist; create it or give another path.")
                }
            }
            return (uri, try openPrinter(uri))
        } catch {
            throw StationError(code: error.code, message: error.message)
        }
    }

    static func rendering(template name: String, dpi: Int) throws -> LabelRendering {
        guard let density = PrinterDensity(dpi: dpi) else {
            throw StationError(code: "label.dpi", message: "--dpi \(dpi) is not a printer resolution; use 203, 300 or 600.")
        }
        let template = try LabelMaker.template(named: name)
        let renderer = ZPLRenderer(rasterizer: CairoTextRasterizer(), coverage: .latin)
        return LabelRendering(templateName: name, stream: ZPLStream(template: template, density: density, renderer: renderer, imageDecoder: CairoPNGDecoder()))
    }

    /// A run's labels; PDFs' pages counted by the PDF reader, ZPL files read with the site's policy.
    static func source(_ source: RunSource, rendering: LabelRendering, zplPolicy: ZPLPolicy) -> LabelSource {
        LabelSource(source, rendering: rendering, pdf: PopplerPDF(), zplPolicy: zplPolicy)
    }

    static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    /// The run id alone, first line of stdout, flushed at once (scripts read it while the run prints).
    static func announce(_ id: String) {
        FileHandle.standardOutput.write(Data((id + "\n").utf8))  // unbuffered: on the pipe at once
    }

    static func mapped<T>(_ body: () throws(RunError) -> T) throws -> T {
        do { return try body() } catch { throw StationError(code: error.code, message: error.message) }
    }

    /// Prints a run to its end with progress on stderr; a cancelled or paused run exits 1.
    static func execute(_ run: PrintRun, journal: RunJournal, printer: any Printer, source: LabelSource) throws {
        StopSignal.install()
        let progress = RunProgress(run: run, tty: isatty(STDERR_FILENO) == 1)
        let executor = RunExecutor(run: run, journal: journal, printer: printer, source: source, shouldStop: { StopSignal.requested.load(ordering: .relaxed) }, tell: progress.show)
        let end: PrintRun
        do { end = try executor.execute() } catch {
            progress.finish()
            throw StationError(code: error.code, message: error.message)
        }
        progress.finish()
        let notes = (try? journal.notes(end.id)) ?? []
        for note in notes { FileHandle.standardError.write(Data("warning: run \(end.id): \(note)\n".utf8)) }
        switch end.state {
        case .done:
            print("Run \(end.id) done: \(end.total) labels printed on \(end.printer).")
        case .cancelled:
            throw StationError(code: "run.cancelled", message: "Run \(end.id) was cancelled after \(end.printed) of \(end.total) labels" + (end.nextLabel > end.firstLabel ? " (up to label \(end.nextLabel - 1))." : "."))
        default:
            throw StationError(code: "run.paused", message: "Run \(end.id) stopped at label \(end.nextLabel) of \(end.lastLabel); `packstation batch resume \(end.id)` goes on from there.")
        }
    }
}

/// Ctrl-C and SIGTERM pause a run between steps instead of killing it mid-chunk.
enum StopSignal {
    static let requested = Atomic<Bool>(false)

    static func install() {
        // Foundation's Process starts children with SIGTERM blocked; take it back.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in StopSignal.requested.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in StopSignal.requested.store(true, ordering: .relaxed) }
    }
}
