import Foundation
import Labels
import Logging
import PackCore
import PrintRuns
import Printing
import ServiceLifecycle
import Sync
import Synchronization

/// The hub's label runs for this station (docs/agent.md, "Label runs from the hub"): polls
/// `GET /v1/label-runs` at the sync cadence, keeps each run's labels in the data directory,
/// prints each as a durable bulk run (PrintRuns: exactly once through kill -9), one run at a
/// time, and reports progress to the hub, throttled, again until the hub takes it.
///
/// The run journal (runs.sqlite) maps the hub's run id to the local run before anything of it
/// prints, so a run already done is never started again and one cut by a crash resumes.
final class HubRuns: Service, Sendable {
    /// What a run needs from the agent's configuration.
    struct Settings: Sendable {
        var template: String
        var dpi: Int
        var zplPolicy: ZPLPolicy
        var maximumBytes: Int
        var chunkSize: Int
        var interval: Duration
        /// At most one progress report per run per this long (the last one always goes).
        var reportEvery: Duration = .seconds(1)
    }

    let client: HubClient
    let journal: RunJournal
    /// Where fetched runs' labels are kept (DATA_DIR/hub-runs).
    let directory: String
    /// Printers by every name a run may give: printer.name, bench names, URIs.
    let printers: [String: LabelPrinting.PrinterSlot]
    /// The bench's printer: where a run that names none prints.
    let defaultPrinter: LabelPrinting.PrinterSlot
    let settings: Settings
    let logger: Logger
    /// Shows the run on the kiosk (nil: none prints); the number orders the updates.
    let kiosk: @Sendable (JSONValue?, Int) -> Void
    private let shown = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    private let printWake: AsyncStream<Void>.Continuation
    private let printWakes: AsyncStream<Void>
    private let reportWake: AsyncStream<Void>.Continuation
    private let reportWakes: AsyncStream<Void>

    init(client: HubClient, journal: RunJournal, directory: String, printers: [String: LabelPrinting.PrinterSlot], defaultPrinter: LabelPrinting.PrinterSlot,
         settings: Settings, logger: Logger, kiosk: @escaping @Sendable (JSONValue?, Int) -> Void) {
        self.client = client
        self.journal = journal
        self.directory = directory
        self.printers = printers
        self.defaultPrinter = defaultPrinter
        self.settings = settings
        self.logger = logger
        self.kiosk = kiosk
        (printWakes, printWake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (reportWakes, reportWake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask { await self.printLoop(); return true }
                group.addTask { await self.reportLoop(); return true }
                group.addTask { await self.tick(); return false }
                var loops = 0
                for await isLoop in group where isLoop {
                    loops += 1
                    if loops == 2 { group.cancelAll() }
                }
            }
        } onGracefulShutdown: {
            // The run in print pauses between steps (its journal says where); the next start resumes it.
            self.stopping.store(true, ordering: .relaxed)
            self.printWake.finish()
            self.reportWake.finish()
        }
    }

    /// The sync cadence: wakes both loops (poll, report, retry a run the hub or printer refused).
    private func tick() async {
        while !Task.isCancelled && !isStopping {
            try? await Task.sleep(for: settings.interval)
            reportWake.yield()
            printWake.yield()
        }
    }

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Prints runs one after another: first one a crash cut, then new ones, oldest first.
    private func printLoop() async {
        var wakes = printWakes.makeAsyncIterator()
        while !isStopping {
            let next = (try? journal.hubRuns())?.first { $0.state == "running" } ?? (try? journal.hubRuns())?.first { $0.state == "queued" }
            guard let record = next else {
                _ = await wakes.next()
                continue
            }
            let progressed = await handle(record)
            if !progressed && !isStopping {
                // The hub or the printer cannot be reached now: try again at the next poll.
                _ = await wakes.next()
            }
        }
    }

    /// Polls the hub for new runs and sends the progress it has not taken yet.
    private func reportLoop() async {
        var wakes = reportWakes.makeAsyncIterator()
        var lastPoll = ContinuousClock.now - settings.interval
        while !isStopping {
            if ContinuousClock.now - lastPoll >= settings.interval - .milliseconds(200) {
                lastPoll = ContinuousClock.now
                await poll()
            }
            await reportProgress()
            // A progress event wakes this early, but reports go at most once per reportEvery.
            let reported = ContinuousClock.now
            guard await wakes.next() != nil else { return }
            let since = ContinuousClock.now - reported
            if since < settings.reportEvery, !isStopping { try? await Task.sleep(for: settings.reportEvery - since) }
        }
    }

    /// Notes the runs the hub assigns this station; a run seen before is never noted again.
    func poll() async {
        let runs: [JSONValue]
        do { runs = try await client.labelRuns() } catch {
            logger.debug("label runs not polled", metadata: ["error": "\(error.message)"])
            return
        }
        var added = false
        for run in runs {
            guard case .string(let id)? = run["id"] else { continue }
            if (try? journal.hubRun(id)) != nil { continue }
            let content = run["content"]
            let name: String = if case .string(let s)? = run["name"] { s } else { "label run" }
            let printer: String? = if case .string(let s)? = run["printer"] { s } else { nil }
            let kind: String = if case .string(let s)? = content?["kind"] { s } else { "orders" }
            let fileName: String = if case .string(let s)? = content?["name"] { s } else { "run-\(id).jsonl" }
            let bytes = content?["bytes"]?.wholeNumber ?? 0
            do {
                try journal.noteHubRun(hubID: id, name: name, printer: printer, kind: kind, fileName: fileName, bytes: bytes)
                added = true
                logger.notice("label run from the hub", metadata: ["run.hub_id": "\(id)", "run.name": "\(name)", "run.bytes": "\(bytes)"])
            } catch {
                logger.error("cannot record a label run from the hub", metadata: ["run.hub_id": "\(id)", "error": "\(error.message)"])
            }
        }
        if added || ((try? journal.hubRuns())?.contains { $0.state == "queued" } ?? false) { printWake.yield() }
    }

    /// Sends each run's progress the hub has not acknowledged; stops at the first failure to
    /// reach it (everything is sent again at the next round).
    func reportProgress() async {
        guard let records = try? journal.hubRuns() else { return }
        for record in records where record.unreported && record.state != "queued" {
            do {
                _ = try await client.reportProgress(
                    run: record.hubID, printed: record.printed, state: record.state,
                    total: record.total > 0 ? record.total : nil, reason: record.reason)
                try? journal.hubRunReported(record.hubID, report: record.report)
            } catch where error.kind == .transient {
                return
            } catch {
                // The hub refuses this report for good (the run was removed, or the count is not
                // one it takes): say so once, do not send it forever.
                logger.error("the hub refused a label run's progress", metadata: ["run.hub_id": "\(record.hubID)", "error": "\(error.message)"])
                try? journal.hubRunReported(record.hubID, report: record.report)
            }
        }
    }

    /// Records progress and wakes the reporter.
    func progress(_ record: HubRunRecord, state: String, printed: Int, reason: String? = nil) {
        do { try journal.updateHubRun(record.hubID, state: state, printed: printed, reason: reason) } catch {
            logger.error("cannot record a label run's progress", metadata: ["run.hub_id": "\(record.hubID)", "error": "\(error.message)"])
        }
        reportWake.yield()
    }

    /// Shows the run on the kiosk (nil: none prints now).
    func show(_ view: JSONValue?) {
        kiosk(view, shown.add(1, ordering: .relaxed).newValue)
    }

    /// Wakes the print loop (a poll found work, or time passed).
    func wakePrinting() { printWake.yield() }
}

extension HubRuns {
    /// The service for an agent with a server: runs print on the first bench's printer unless
    /// they name another by printer.name, a bench name or its URI.
    static func make(configuration: StationConfiguration, client: HubClient, slots: [String: LabelPrinting.PrinterSlot], interval: Duration,
                     logger: Logger, kiosk: @escaping @Sendable (JSONValue?, Int) -> Void) throws(StationError) -> HubRuns {
        let journal: RunJournal
        do { journal = try RunJournal(directory: configuration.dataDirectory) } catch { throw StationError(code: error.code, message: error.message) }
        guard let main = slots[""] else { throw StationError(code: "printer.none", message: "The agent has no printer for label runs.") }
        var byName: [String: LabelPrinting.PrinterSlot] = [configuration.printerName: main, main.uri.description: main]
        for bench in configuration.benches {
            let slot = slots[bench.name] ?? main
            byName[bench.name] = slot
            byName[slot.uri.description] = slot
        }
        let first = configuration.benches.first.flatMap { slots[$0.name] } ?? main
        let settings = Settings(
            template: configuration.printerTemplate, dpi: configuration.printerDPI, zplPolicy: configuration.zplPolicy,
            maximumBytes: configuration.runMaximumBytes, chunkSize: configuration.runChunkSize, interval: interval)
        let directory = URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("hub-runs").path
        return HubRuns(client: client, journal: journal, directory: directory, printers: byName, defaultPrinter: first, settings: settings, logger: logger, kiosk: kiosk)
    }
}
