import Foundation
import Labels
import Printing

/// Prints files one job each (`packstation print`): ZPL raw, PDF as PDF. Before each job it
/// asks the printer what stops it; while it cannot print, the person is told what to do and
/// the job waits (up to `waitLimit`), then goes on by itself.
public struct FilePrinting {
    public var printer: any Printer
    /// How long one job may wait for a printer that cannot print before giving up.
    public var waitLimit: Duration
    /// How often a waiting job asks again.
    public var pollInterval: Duration
    /// Progress and advice lines for the person.
    public var tell: (String) -> Void
    /// Turns a PDF into ^GF labels for a printer that refuses PDFs (raw TCP, USB without PDF, an
    /// IPP printer without application/pdf); nil sends PDFs as they are or not at all.
    public var pdfLabels: PDFLabels?
    /// What a ZPL file may carry; a file it refuses is not sent (nor any after it).
    public var zplPolicy: ZPLPolicy

    public init(printer: any Printer, waitLimit: Duration = .seconds(600), pollInterval: Duration = .seconds(2), pdfLabels: PDFLabels? = nil, zplPolicy: ZPLPolicy = .carrier, tell: @escaping (String) -> Void) {
        self.printer = printer
        self.waitLimit = waitLimit
        self.pollInterval = pollInterval
        self.pdfLabels = pdfLabels
        self.zplPolicy = zplPolicy
        self.tell = tell
    }

    /// One printed file.
    public struct Printed: Sendable {
        public var file: String
        public var format: DocumentFormat
        public var job: SubmittedJob
    }

    /// Prints each file in order; stops at the first failure (the files after it are not sent,
    /// and the error says which ones were).
    public func print(files: [String]) throws(StationError) -> [Printed] {
        var done: [Printed] = []
        for file in files {
            let bytes = try readInput(file, what: "label file")
            guard !bytes.isEmpty else {
                throw StationError(code: "print.empty", message: "\(file) is empty; nothing was sent to \(printer.name)." + sentSoFar(done))
            }
            let format = DocumentFormat(sniffing: bytes)
            let name = "packstation \(URL(fileURLWithPath: file).lastPathComponent)"
            if format == .zpl {
                // Read as the printer would: a cut-off format or a command that would reset the
                // printer or change its saved settings is refused before a byte is sent.
                do { _ = try ZPLDocument(bytes, policy: zplPolicy) } catch {
                    throw StationError(code: error.code, message: "\(file): \(error.message) Nothing of it was sent to \(printer.name)." + sentSoFar(done))
                }
            }
            if format == .pdf, let reader = pdfLabels?.reader {
                // A damaged or cut-off PDF is refused here rather than by the printer mid-job.
                do { _ = try reader.pageSizes(bytes) } catch {
                    throw StationError(code: error.code, message: "\(file): \(error.message) Nothing of it was sent to \(printer.name)." + sentSoFar(done))
                }
            }
            do {
                try waitUntilReady()
                let job = try printer.submit(PrintDocument(name: name, format: format, bytes: bytes))
                done.append(Printed(file: file, format: format, job: job))
            } catch where error.code == "printer.format" && format == .pdf && pdfLabels != nil {
                // Every transport refuses a PDF before sending a byte of it, so nothing was printed yet.
                done.append(try printRasterized(file, bytes, name: name, done: done))
            } catch {
                throw StationError(code: error.code, message: error.message + sentSoFar(done))
            }
        }
        return done
    }

    /// A PDF for a printer that takes only ZPL: every page rasterized into a ^GF label, one job.
    private func printRasterized(_ file: String, _ pdf: [UInt8], name: String, done: [Printed]) throws(StationError) -> Printed {
        guard let pdfLabels else { preconditionFailure("called only with a converter") }
        var zpl: [UInt8] = []
        let (pages, labels, notes): (Int, Int, [String])
        do {
            (pages, labels, notes) = try pdfLabels.appendLabels(pdf, to: &zpl)
        } catch {
            throw StationError(code: error.code, message: "\(file): \(error.message) Nothing of it was sent to \(printer.name)." + sentSoFar(done))
        }
        let each = labels == pages ? "one ^GF label each" : "\(labels) ^GF labels (two-up sheets cut into their labels)"
        tell("\(file): \(printer.name) takes ZPL only; \(pages) page\(pages == 1 ? "" : "s") rasterized at \(pdfLabels.density.dpi) dpi, \(each)")
        notes.forEach { tell("\(file): \($0)") }
        do {
            let job = try printer.submit(PrintDocument(name: name, format: .zpl, bytes: zpl))
            return Printed(file: file, format: .zpl, job: job)
        } catch {
            throw StationError(code: error.code, message: error.message + sentSoFar(done))
        }
    }

    private func sentSoFar(_ done: [Printed]) -> String {
        done.isEmpty ? "" : " Already sent: \(done.map(\.file).joined(separator: ", "))."
    }

    /// Returns when the printer can print (or cannot tell); throws after `waitLimit`.
    public func waitUntilReady() throws(PrinterError) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: waitLimit)
        var told: [String] = []
        while let state = try printer.state(), !state.canPrint {
            // The printer's (or spooler's) own words come after the advice ("… is not connected").
            let advice = state.advice(printer: printer.name) + (state.message.map { ["\(printer.name): \($0)"] } ?? [])
            if advice != told {
                advice.forEach(tell)
                told = advice
            }
            guard clock.now < deadline else {
                throw PrinterError(code: "printer.not_ready", message: advice.joined(separator: "; ") + " (waited \(waitLimit.components.seconds) s).", isTransient: true)
            }
            let nanos = pollInterval.components.seconds * 1_000_000_000 + pollInterval.components.attoseconds / 1_000_000_000
            Thread.sleep(forTimeInterval: Double(nanos) / 1e9)
        }
        if !told.isEmpty { tell("\(printer.name): ready again, printing") }
    }
}
