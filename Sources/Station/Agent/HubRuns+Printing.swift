import Foundation
import LabelGraphics
import Labels
import Logging
import PackCore
import PrintRuns
import Printing
import Sync

/// One hub run from its labels to its end: fetch, check, record, print.
extension HubRuns {
    /// What went wrong with a run: `retry` (hub or printer unreachable now) or `fail` (the run
    /// cannot print as it is: the hub is told why, nothing more happens to it).
    enum Setback: Error {
        case retry(String)
        case fail(String)
    }

    /// Moves a run on; false when it must wait for the hub or the printer.
    func handle(_ record: HubRunRecord) async -> Bool {
        var record = record
        if record.runID == nil {
            do {
                record = try await prepare(record)
            } catch {
                switch error {
                case .retry(let why):
                    logger.info("label run waits", metadata: ["run.hub_id": "\(record.hubID)", "why": "\(why)"])
                    return false
                case .fail(let why):
                    logger.error("label run refused", metadata: ["run.hub_id": "\(record.hubID)", "reason": "\(why)"])
                    progress(record, state: "failed", printed: 0, reason: why)
                    return true
                }
            }
        }
        return await execute(record)
    }

    /// Fetches the run's labels into the data directory, checks them and the printer, and
    /// records the local run that prints them (tied to the hub's id before anything prints).
    func prepare(_ record: HubRunRecord) async throws(Setback) -> HubRunRecord {
        let max = settings.maximumBytes
        if record.bytes > max {
            throw .fail("Label run \(record.hubID) (\(record.fileName)) is \(record.bytes) bytes; this station takes runs of at most \(max) bytes (runs.max_bytes). Split it into smaller runs on the hub, or raise runs.max_bytes. Nothing was printed.")
        }
        let slot = try target(record)
        let bytes: [UInt8]
        do { bytes = try await client.labelRunLabels(run: record.hubID, limit: max) } catch {
            if error.code == "sync.run_too_large" { throw .fail(error.message + " Nothing was printed.") }
            if error.kind == .transient { throw .retry(error.message) }
            throw .fail("The hub would not hand out label run \(record.hubID): \(error.message)")
        }
        let path = try store(bytes, record)
        let settings = self.settings
        let journal = self.journal
        let planned: Result<PrintRun, Setback> = await Self.onThread {
            // The printer is asked first, in a turn of its own: one that is off now means
            // "later", not "this run is wrong".
            do throws(PrinterError) {
                try slot.share.withLabelTurn { () throws(PrinterError) in
                    if let p = slot.printer as? any LabelCountingPrinter { _ = try p.hostStatus() } else { _ = try slot.printer.state() }
                }
            } catch where error.isTransient {
                return .failure(.retry(error.message))
            } catch {}
            do {
                let source = Self.source(record.kind == "labels" ? .labels(path: path) : .orders(path: path), template: settings.template, dpi: settings.dpi, zplPolicy: settings.zplPolicy)
                let run = try slot.share.withLabelTurn { () throws(RunError) in
                    try RunPlanner.create(journal: journal, printerURI: slot.uri.description, printer: slot.printer, source: try source.get(), template: settings.template, dpi: settings.dpi, chunkSize: settings.chunkSize)
                }
                return .success(run)
            } catch let error as RunError {
                // The hub's admin knows the file by the name it was added under, not this box's path.
                return .failure(.fail(error.message.replacingOccurrences(of: path, with: record.fileName)))
            } catch {
                return .failure(.fail("\(error)"))
            }
        }
        let run = try planned.get()
        do { try journal.attachHubRun(record.hubID, run: run.id, total: run.total) } catch { throw .retry(error.message) }
        guard let attached = try? journal.hubRun(record.hubID) else { throw .retry("the run journal cannot be read") }
        logger.notice("label run recorded", metadata: ["run.hub_id": "\(record.hubID)", "run.id": "\(attached.runID ?? "")", "run.labels": "\(run.total)", "printer": "\(slot.uri)"])
        reportProgressSoon(attached)
        return attached
    }

    /// The printer a run names (printer.name, a bench, a configured URI), else the bench's.
    func target(_ record: HubRunRecord) throws(Setback) -> LabelPrinting.PrinterSlot {
        guard let name = record.printer else { return defaultPrinter }
        if let slot = printers[name] { return slot }
        let known = printers.keys.sorted().joined(separator: ", ")
        throw .fail("Label run \(record.hubID) names printer '\(name)', which this station does not have; its printers are \(known). Add the run again naming one of them, or without --printer for the bench's printer. Nothing was printed.")
    }

    /// Keeps the run's labels as a file of the data directory (written whole, then renamed, so
    /// a crash never leaves half a file that a resume would print from).
    func store(_ bytes: [UInt8], _ record: HubRunRecord) throws(Setback) -> String {
        let safe = String(record.fileName.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) ? Character($0) : "_" }).suffix(80)
        let name = record.kind == "labels" ? "\(record.hubID)-\(safe)" : "\(record.hubID).jsonl"
        let path = (directory as NSString).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let temporary = path + ".part"
            let fd = open(temporary, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission) }
            defer { close(fd) }
            var written = 0
            while written < bytes.count {
                let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { throw CocoaError(.fileWriteOutOfSpace) }
                written += n
            }
            guard fsync(fd) == 0, rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw .retry("Cannot keep label run \(record.hubID) in \(directory) (\(error)); check free disk space and permissions.")
        }
        return path
    }

    /// Prints the run from where its journal says it is; false when it stopped for the agent's
    /// shutdown (the next start resumes it).
    func execute(_ record: HubRunRecord) async -> Bool {
        guard let runID = record.runID, let slot = try? target(record) else { return true }
        let journal = self.journal
        let options = { () -> RunExecutor.Options in
            var o = RunExecutor.Options()
            o.turn = slot.share
            return o
        }()
        let settings = self.settings
        show(Self.view(record, printed: record.printed, state: "printing"))
        if record.printed > 0 || record.reported != nil {
            logger.notice("label run resumes", metadata: ["run.hub_id": "\(record.hubID)", "run.id": "\(runID)", "run.printed": "\(record.printed)"])
        }
        let end: Result<PrintRun, RunError> = await Self.onThread { [self] in
            do {
                guard let run = try journal.run(runID) else { throw RunError(code: "run.unknown", message: "Run \(runID) is missing from \(journal.path).") }
                let source = try Self.source(run.source, template: run.template, dpi: run.dpi, zplPolicy: settings.zplPolicy).get()
                let executor = RunExecutor(
                    run: run, journal: journal, printer: slot.printer, source: source, options: options,
                    shouldStop: { self.isStopping },
                    tell: { event in self.told(event, record) })
                return .success(try executor.execute())
            } catch let error as RunError {
                return .failure(error)
            } catch {
                return .failure(RunError(code: "run.failed", message: "\(error)"))
            }
        }
        switch end {
        case .success(let run) where run.state == .done:
            progress(record, state: "done", printed: run.printed)
            logger.notice("label run done", metadata: ["run.hub_id": "\(record.hubID)", "run.id": "\(run.id)", "run.labels": "\(run.printed)"])
        case .success(let run) where run.state == .cancelled:
            progress(record, state: "cancelled", printed: run.printed, reason: "cancelled on the station (packstation batch cancel \(run.id))")
        case .success:
            show(nil)
            return false  // paused for the shutdown
        case .failure(let error):
            let printed = (try? journal.run(runID))?.printed ?? record.printed
            progress(record, state: "failed", printed: printed, reason: error.message)
            logger.error("label run failed", metadata: ["run.hub_id": "\(record.hubID)", "run.id": "\(runID)", "reason": "\(error.message)"])
        }
        show(nil)
        return true
    }

    /// A run's event, on its thread: progress into the journal (and to the hub), kiosk state.
    func told(_ event: RunEvent, _ record: HubRunRecord) {
        switch event {
        case .progress(let printed, _):
            progress(record, state: "running", printed: printed)
            show(Self.view(record, printed: printed, state: "printing"))
        case .waiting(let advice):
            logger.warning("label run waits for the printer", metadata: ["run.hub_id": "\(record.hubID)", "advice": "\(advice.joined(separator: "; "))"])
            let printed = (try? journal.hubRun(record.hubID))?.printed ?? 0
            show(Self.view(record, printed: printed, state: "waiting"))
        case .ready:
            break
        case .warning(let text):
            logger.warning("label run warning", metadata: ["run.hub_id": "\(record.hubID)", "warning": "\(text)"])
        }
    }

    /// Wakes the reporter for a run's first report (its label count).
    func reportProgressSoon(_ record: HubRunRecord) { progress(record, state: record.state, printed: record.printed, reason: record.reason) }

    /// The kiosk's `run` field.
    static func view(_ record: HubRunRecord, printed: Int, state: String) -> JSONValue {
        .object([
            ("id", .string(record.hubID)), ("name", .string(record.name)), ("printed", .int(printed)),
            ("total", .int(record.total)), ("state", .string(state)),
        ])
    }

    /// A run's labels; PDFs' pages counted by poppler, orders rendered as the bench renders them.
    static func source(_ source: RunSource, template name: String, dpi: Int, zplPolicy: ZPLPolicy) -> Result<LabelSource, RunError> {
        let template: LabelTemplate
        do { template = try LabelMaker.template(named: name) } catch { return .failure(RunError(code: error.code, message: error.message)) }
        let renderer = ZPLRenderer(rasterizer: CairoTextRasterizer(), coverage: .latin)
        let stream = ZPLStream(template: template, density: PrinterDensity(dpi: dpi) ?? .dpi203, renderer: renderer, imageDecoder: CairoPNGDecoder(), zplPolicy: zplPolicy)
        return .success(LabelSource(source, rendering: LabelRendering(templateName: name, stream: stream), pdf: PopplerPDF(), zplPolicy: zplPolicy))
    }

    /// Runs blocking work (the run's printer calls, file reads) on a thread of its own, never on
    /// the agent's task pool.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = "packstation hub run"
            thread.start()
        }
    }
}
