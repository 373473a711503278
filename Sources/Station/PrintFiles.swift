import Foundation
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

    public init(printer: any Printer, waitLimit: Duration = .seconds(600), pollInterval: Duration = .seconds(2), tell: @escaping (String) -> Void) {
        self.printer = printer
        self.waitLimit = waitLimit
        self.pollInterval = pollInterval
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
            do {
                try waitUntilReady()
                let job = try printer.submit(PrintDocument(name: "packstation \(URL(fileURLWithPath: file).lastPathComponent)", format: format, bytes: bytes))
                done.append(Printed(file: file, format: format, job: job))
            } catch {
                throw StationError(code: error.code, message: error.message + sentSoFar(done))
            }
        }
        return done
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
