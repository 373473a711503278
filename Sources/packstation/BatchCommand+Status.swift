import ArgumentParser
import Foundation
import PackCore
import PrintRuns
import Printing
import Station

extension BatchCommand {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show all runs, or one run with its chunks and warnings.")
        @Argument(help: "A run id (default: all runs).") var id: String?
        @Flag(help: "Print JSON (one object for a run, an array for all).") var json = false
        @OptionGroup var data: SyncCommand.DataDirectory

        func run() throws {
            let journal = try BatchCommand.journal(data)
            if let id {
                let run = try BatchCommand.find(id, in: journal)
                let chunks = try BatchCommand.mapped { () throws(RunError) in try journal.chunks(run.id) }
                var view = RunView(run: run, chunks: chunks, active: RunLock.isHeld(directory: journal.directory, run: run.id))
                if case .labels = run.source, run.nextLabel <= run.lastLabel {
                    // Where the next label is in the files; left out when they cannot be read now.
                    // A printer that takes ZPL only (tcp, usb) numbers a two-up PDF sheet as two labels.
                    let zplOnly = (try? PrinterURI(parsing: run.printer)).map { uri in
                        switch uri {
                        case .tcp, .usb: true
                        default: false
                        }
                    } ?? false
                    view.nextPlace = try? BatchCommand.source(run.source, rendering: BatchCommand.rendering(template: run.template, dpi: run.dpi), zplPolicy: StationConfiguration.load(file: nil).zplPolicy).describe(run.nextLabel, zplOnly: zplOnly)
                }
                print(json ? view.json(withChunks: true).jsonText : view.detail)
                return
            }
            let runs = try BatchCommand.mapped { () throws(RunError) in try journal.runs() }
            let views = try runs.map { run in
                RunView(run: run, chunks: try BatchCommand.mapped { () throws(RunError) in try journal.chunks(run.id) }, active: RunLock.isHeld(directory: journal.directory, run: run.id))
            }
            if json {
                print(JSONValue.array(views.map { $0.json(withChunks: false) }).jsonText)
            } else if views.isEmpty {
                print("No runs yet; start one with `packstation batch start --printer URI --orders FILE.jsonl`.")
            } else {
                views.forEach { print($0.line) }
            }
        }
    }
}

/// A run as `batch status` shows it. A run the journal calls running or waiting that no process
/// holds was interrupted (crash, power cut): it shows as paused, with how to go on.
struct RunView {
    let run: PrintRun
    let chunks: [RunChunk]
    let active: Bool
    /// Where the next label is in the label files ("bulk-500.zpl format 140, copy 2 of 3").
    var nextPlace: String?

    var state: RunState {
        if !active, run.state == .running || run.state == .waitingForPrinter { return .paused }
        return run.state
    }

    var message: String? {
        if state == .paused, run.state != .paused { return "the process printing it stopped (crash or power cut); `packstation batch resume \(run.id)` goes on at the right label" }
        return run.message
    }

    /// Chunks recorded as sending: one, or for a spooler up to the jobs it holds at once.
    var inFlight: [RunChunk] { chunks.filter { $0.state == .sending } }
    var notes: [String] { chunks.compactMap(\.note) }

    var line: String {
        let when = run.createdAt.formatted(Date.ISO8601FormatStyle())
        return "\(run.id)  \(state.rawValue)  \(run.printed)/\(run.total)  \(run.printer)  \(run.source)  \(when)" + (message.map { "  — \($0)" } ?? "")
    }

    var detail: String {
        var out = [
            "run \(run.id): \(state.rawValue)" + (message.map { " — \($0)" } ?? ""),
            "printer: \(run.printer)",
            "source: \(run.source)" + (run.source.kind == "orders" ? " (template \(run.template), \(run.dpi) dpi)" : ""),
            "labels: \(run.selection) (\(run.total)); printed \(run.printed)" + (run.nextLabel <= run.lastLabel ? "; next label \(run.nextLabel)" + (nextPlace.map { " (\($0))" } ?? "") : ""),
            "chunks: \(chunks.count) of up to \(run.chunkSize) labels",
        ]
        if let reprint = run.reprintOf { out.append("reprint of run \(reprint)") }
        for c in inFlight {
            out.append("in flight: chunk \(c.index), \(RunCursor.describe(c.firstLabel...c.lastLabel))" + (c.jobID.map { " (job \($0))" } ?? "") + "; settled on resume")
        }
        out += notes.map { "warning: \($0)" }
        return out.joined(separator: "\n")
    }

    func json(withChunks: Bool) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(run.id)), ("state", .string(state.rawValue)), ("message", .optional(message)),
            ("printer", .string(run.printer)), ("source", .object([("kind", .string(run.source.kind)), ("path", .string(run.source.path))])),
            ("first_label", .int(run.firstLabel)), ("last_label", .int(run.lastLabel)), ("labels", .string(run.selection.stored)), ("total", .int(run.total)),
            ("printed", .int(run.printed)), ("next_label", .int(run.nextLabel)), ("next_place", .optional(nextPlace)), ("chunk_size", .int(run.chunkSize)),
            ("reprint_of", .optional(run.reprintOf)), ("created_at", .string(run.createdAt.formatted(Date.ISO8601FormatStyle()))),
            ("warnings", .array(notes.map { .string($0) })),
        ]
        if withChunks {
            members.append(("chunks", .array(chunks.map { c in
                .object([
                    ("index", .int(c.index)), ("first_label", .int(c.firstLabel)), ("last_label", .int(c.lastLabel)),
                    ("state", .string(c.state.rawValue)), ("printed", c.printed.map(JSONValue.int) ?? .null),
                    ("odometer_before", c.odometerBefore.map(JSONValue.int) ?? .null), ("odometer_after", c.odometerAfter.map(JSONValue.int) ?? .null),
                    ("job_id", c.jobID.map(JSONValue.int) ?? .null), ("note", .optional(c.note)),
                ])
            })))
        }
        return .object(members)
    }
}

/// Progress on stderr: a bar redrawn in place on a terminal, a line per chunk otherwise; the
/// printer's advice and warnings always on lines of their own.
final class RunProgress {
    let run: PrintRun
    let tty: Bool
    private var drawn = false

    init(run: PrintRun, tty: Bool) {
        self.run = run
        self.tty = tty
    }

    func show(_ event: RunEvent) {
        switch event {
        case .progress(let printed, let total):
            if tty {
                let width = 30
                let filled = total == 0 ? width : printed * width / total
                write("\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(printed)/\(total) labels")
                drawn = true
            } else {
                line("run \(run.id): \(printed) of \(total) labels printed")
            }
        case .waiting(let advice):
            advice.forEach { line($0) }
        case .ready:
            line("\(run.printer): ready again, printing")
        case .warning(let text):
            line("warning: \(text)")
        }
    }

    func finish() {
        if drawn { write("\n") }
        drawn = false
    }

    private func line(_ text: String) {
        if drawn { write("\n") }
        drawn = false
        write(text + "\n")
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
