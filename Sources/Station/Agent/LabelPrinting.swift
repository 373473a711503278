import Foundation
import Logging
import Printing
import ServiceLifecycle
import Sync

/// Prints the queued labels of finished orders, oldest first, on each bench's printer. A
/// label leaves the queue only when the printer (or spooler) has taken it; while the printer
/// cannot print, the bench is told what to do and the label waits. Printer calls block, so
/// they run on their own thread, never on the agent's task pool.
final class LabelPrinting: Service, Sendable {
    let journal: Journal
    let printers: [String: PrinterSlot]   // by bench
    let metrics: AgentMetrics
    let logger: Logger
    let report: @Sendable (_ bench: String, _ jobID: Int64, _ state: String, _ message: String) async -> Void
    let printerState: @Sendable (_ name: String, _ ready: Bool, _ advice: [String]) async -> Void
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>

    /// A printer and the queue that serialises calls to it.
    final class PrinterSlot: @unchecked Sendable {
        let printer: any Printer
        let uri: PrinterURI
        let queue: DispatchQueue
        /// Shared with a label run from the hub on this printer (HubRuns): a call waits for the run's chunk.
        let share = PrinterShare()
        init(printer: any Printer, uri: PrinterURI) {
            self.printer = printer
            self.uri = uri
            queue = DispatchQueue(label: "packstation.printer.\(printer.name)")
        }
        func call<T: Sendable>(_ body: @escaping @Sendable (any Printer) throws(PrinterError) -> T) async throws(PrinterError) -> T {
            let result: Result<T, PrinterError> = await withCheckedContinuation { c in
                queue.async { c.resume(returning: self.share.withLabelTurn { Result { () throws(PrinterError) -> T in try body(self.printer) } }) }
            }
            return try result.get()
        }
    }

    init(journal: Journal, printers: [String: PrinterSlot], metrics: AgentMetrics, logger: Logger,
         report: @escaping @Sendable (String, Int64, String, String) async -> Void,
         printerState: @escaping @Sendable (String, Bool, [String]) async -> Void) {
        self.journal = journal
        self.printers = printers
        self.metrics = metrics
        self.logger = logger
        self.report = report
        self.printerState = printerState
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// New labels were queued.
    func labelsQueued() { wake.yield() }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var iterator = self.wakes.makeAsyncIterator()
            while !Task.isCancelled {
                let waitingPrinter = await self.printQueued()
                if Task.isCancelled { return }
                if waitingPrinter {
                    // A printer that cannot print: look again in a while (or when a label is queued).
                    try? await Task.sleep(for: .seconds(2))
                } else {
                    _ = await iterator.next()
                }
            }
        }
    }

    /// Prints what is queued; true when something still waits for a printer.
    private func printQueued() async -> Bool {
        let jobs: [LabelJob]
        do { jobs = try journal.pendingLabels() } catch {
            logger.error("cannot read the label queue", metadata: ["error": "\(error.message)"])
            return true
        }
        var blocked: Set<String> = []
        for job in jobs {
            if Task.isCancelled { return true }
            guard let slot = printers[job.bench] ?? printers[""] else { continue }
            if blocked.contains(slot.printer.name) { continue }
            do {
                let state = try await slot.call { p throws(PrinterError) in try p.state() }
                if let state, !state.canPrint {
                    let advice = state.advice(printer: slot.printer.name)
                    await printerState(slot.printer.name, false, advice)
                    await report(job.bench, job.id, "waiting", "Label for order \(job.orderID) is waiting: \(advice.joined(separator: "; ")).")
                    blocked.insert(slot.printer.name)
                    continue
                }
                let document = PrintDocument(name: "packstation order \(job.orderID) label \(job.id)", format: job.format == "pdf" ? .pdf : .zpl, bytes: job.document)
                let submitted = try await slot.call { p throws(PrinterError) in try p.submit(document) }
                let acceptedAt = Date()
                try await journal.writer.labelPrinted(job, printer: slot.uri.description, jobID: submitted.jobID)
                metrics.labelPrinted(jobID: job.id, at: acceptedAt)
                await printerState(slot.printer.name, true, [])
                await report(job.bench, job.id, "printed", "Label for order \(job.orderID) printed on \(slot.printer.name).")
                logger.info("label printed", metadata: ["order.id": "\(job.orderID)", "printer": "\(slot.uri)"])
            } catch let error as PrinterError {
                metrics.printFailure()
                try? await journal.writer.labelFailed(job, error: error.message)
                await printerState(slot.printer.name, false, [error.message])
                await report(job.bench, job.id, "failed", "Label for order \(job.orderID) did not print: \(error.message) It stays queued and prints when the printer is back.")
                logger.error("label print failed", metadata: ["order.id": "\(job.orderID)", "printer": "\(slot.uri)", "error": "\(error.message)"])
                blocked.insert(slot.printer.name)
            } catch {
                logger.critical("label printed but the journal could not record it", metadata: ["order.id": "\(job.orderID)", "error": "\(error)"])
                blocked.insert(slot.printer.name)
            }
        }
        return !blocked.isEmpty
    }
}
