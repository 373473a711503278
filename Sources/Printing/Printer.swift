#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a print job holds: ZPL goes to the printer as it is (raw), a PDF as a PDF.
public enum DocumentFormat: String, Hashable, Sendable, CaseIterable {
    case zpl
    case pdf

    /// Guesses from the content: `%PDF-` is a PDF; anything else is sent raw (ZPL).
    public init(sniffing bytes: some Collection<UInt8>) {
        self = bytes.starts(with: Array("%PDF-".utf8)) ? .pdf : .zpl
    }
}

/// One print job.
public struct PrintDocument: Sendable {
    /// The job's name: how a spooler lists it, and how a resumed run finds its own jobs.
    public var name: String
    public var format: DocumentFormat
    public var bytes: [UInt8]
    /// The pages of a PDF to print (1-based, IPP `page-ranges`); nil prints them all. Only a
    /// spooler that `selectsPages()` honours it.
    public var pages: ClosedRange<Int>?

    public init(name: String, format: DocumentFormat, bytes: [UInt8], pages: ClosedRange<Int>? = nil) {
        self.name = name
        self.format = format
        self.bytes = bytes
        self.pages = pages
    }
}

/// What the printer (or its spooler) took.
public struct SubmittedJob: Hashable, Sendable {
    /// The spooler's job id (CUPS), nil for direct printers.
    public var jobID: Int?
    /// Bytes handed over.
    public var bytes: Int

    public init(jobID: Int? = nil, bytes: Int) {
        self.jobID = jobID
        self.bytes = bytes
    }
}

/// What stops a printer right now, as far as it can tell.
public struct PrinterState: Hashable, Sendable {
    public var conditions: Set<PrinterCondition>
    /// The printer's or spooler's own words, when it has some (CUPS printer-state-message).
    public var message: String?

    public init(conditions: Set<PrinterCondition> = [], message: String? = nil) {
        self.conditions = conditions
        self.message = message
    }

    /// Whether a job sent now would print (a full buffer only slows it down).
    public var canPrint: Bool { conditions.subtracting([.bufferFull]).isEmpty }

    /// What the person must do, one line per condition, in a stable order.
    public func advice(printer name: String) -> [String] {
        PrinterCondition.allCases.filter(conditions.contains).map { $0.advice(printer: name) }
    }
}

/// A printer reached through one transport (TCP 9100, CUPS, USB, a file). Calls block; one
/// caller at a time (printers take one connection at a time).
public protocol Printer: AnyObject {
    /// The printer's name in messages.
    var name: String { get }
    /// Sends one job; returns when the printer or spooler has accepted all of it.
    func submit(_ document: PrintDocument) throws(PrinterError) -> SubmittedJob
    /// What stops it now; nil when the transport cannot tell (a file).
    func state() throws(PrinterError) -> PrinterState?
}

/// Jobs into files, for tests, demos and printers that read a spool file: a path ending in `/`
/// is a directory that gets one file per job (named after the job, `.zpl` or `.pdf`, written
/// whole then renamed into place); any other path is a file each job is appended to.
public final class FilePrinter: Printer {
    public let name: String
    public let path: String

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }

    public func submit(_ document: PrintDocument) throws(PrinterError) -> SubmittedJob {
        if path.hasSuffix("/") {
            let safe = String(document.name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
            let final = path + safe + "." + document.format.rawValue
            let temporary = path + "." + safe + ".partial"
            try write(document.bytes, to: temporary, flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
            guard rename(temporary, final) == 0 else {
                throw PrinterError(code: "printer.file", message: "\(name): cannot move the label into \(final): \(String(cString: strerror(errno)))")
            }
        } else {
            try write(document.bytes, to: path, flags: O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC)
        }
        return SubmittedJob(bytes: document.bytes.count)
    }

    private func write(_ bytes: [UInt8], to file: String, flags: Int32) throws(PrinterError) {
        let fd = open(file, flags, 0o644)
        guard fd >= 0 else {
            throw PrinterError(code: "printer.file", message: "\(name): cannot open \(file): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw PrinterError(code: "printer.file", message: "\(name): writing \(file) failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        guard fsync(fd) == 0 else {
            throw PrinterError(code: "printer.file", message: "\(name): \(file) could not be synced to disk: \(String(cString: strerror(errno)))")
        }
    }

    public func state() throws(PrinterError) -> PrinterState? { nil }
}

extension ZebraTCPPrinter: Printer {
    public func submit(_ document: PrintDocument) throws(PrinterError) -> SubmittedJob {
        guard document.format == .zpl else {
            throw PrinterError(code: "printer.format", message: "\(name) is a ZPL printer on raw TCP; it cannot print a PDF. Print the label as ZPL (--format zpl) or send the PDF through a CUPS queue.")
        }
        try send(document.bytes)
        return SubmittedJob(bytes: document.bytes.count)
    }

    public func state() throws(PrinterError) -> PrinterState? {
        PrinterState(conditions: Set(try hostStatus().conditions))
    }
}

/// Opens the printer a URI names. `name` is how messages call it (defaults to the URI).
public func openPrinter(_ uri: PrinterURI, name: String? = nil) throws(PrinterError) -> any Printer {
    let name = name ?? uri.description
    switch uri {
    case .tcp(let host, let port):
        return ZebraTCPPrinter(name: name, host: host, port: port)
    case .file(let path):
        return FilePrinter(name: name, path: path)
    case .cups, .ipp:
        return try CupsPrinter(uri: uri, name: name)
    case .usb(let vendor, let product, let serial):
        return USBPrinter(name: name, vendor: vendor, product: product, serial: serial)
    }
}

/// A ZPL printer that counts what it printed (SGD `odometer.total_label_count`) and reports
/// its buffer (`~HS`): a run compares the counter before and after a chunk to know exactly
/// which labels came out, even after the agent was killed mid-chunk.
public protocol LabelCountingPrinter: Printer {
    /// Labels printed over the printer's life.
    func labelOdometer() throws(PrinterError) -> Int
    /// Host status: conditions, formats still in the buffer, labels remaining in a batch.
    func hostStatus() throws(PrinterError) -> ZebraHostStatus
}

extension ZebraTCPPrinter: LabelCountingPrinter {}

/// A spooler job's state (IPP job-state).
public enum SpooledJobState: String, Hashable, Sendable {
    case pending, held, processing, stopped, canceled, aborted, completed

    /// Whether the job is over (nothing more will print for it).
    public var isFinal: Bool { self == .canceled || self == .aborted || self == .completed }
}

/// A job as the spooler lists it.
public struct SpooledJob: Hashable, Sendable {
    public var id: Int
    public var name: String
    public var state: SpooledJobState
    /// job-state-reasons, e.g. `job-printing`, `printer-stopped`.
    public var reasons: [String]
    /// Pages the spooler's filters handed on to the printer so far (`job-impressions-completed`):
    /// not pages that came out, and meaningless on a raw queue (no filter counts pages).
    public var impressionsCompleted: Int?

    public init(id: Int, name: String, state: SpooledJobState, reasons: [String] = [], impressionsCompleted: Int? = nil) {
        self.id = id
        self.name = name
        self.state = state
        self.reasons = reasons
        self.impressionsCompleted = impressionsCompleted
    }
}

/// A printer behind a spooler that keeps jobs (CUPS): a resumed run finds the jobs it already
/// submitted by name instead of submitting them again.
public protocol SpoolingPrinter: Printer {
    /// This user's jobs on this queue with exactly this name, any state, newest first.
    func jobs(named name: String) throws(PrinterError) -> [SpooledJob]
    /// One job, nil when the spooler no longer knows it.
    func job(id: Int) throws(PrinterError) -> SpooledJob?
    /// Cancels a job (no error when it is already over).
    func cancel(jobID: Int) throws(PrinterError)
    /// Whether a PDF job's `pages` are printed alone: false for a raw queue, which hands the
    /// document to the printer untouched and ignores page-ranges (whatever it advertises).
    func selectsPages() throws(PrinterError) -> Bool
}
