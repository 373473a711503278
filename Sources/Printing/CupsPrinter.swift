internal import CCups

/// A printer behind CUPS (`cups://QUEUE` on the local or `CUPS_SERVER` scheduler) or an IPP
/// printer reached directly (`ipp://host:port/path`), through libcups2.
///
/// ZPL goes raw (`application/vnd.cups-raw` to a CUPS queue, so no filter prints it as text;
/// `application/vnd.zebra-zpl` or `application/octet-stream` to a bare IPP printer, whichever it
/// lists in document-format-supported); a PDF goes as `application/pdf`. Nothing is ever sent
/// as `application/octet-stream` for the server to guess unless the printer asks for it.
/// Jobs keep the caller's name, so a resumed run finds them with ``jobs(named:)``.
public final class CupsPrinter: SpoolingPrinter {
    /// The printer's name in messages.
    public let name: String
    /// Where the printer is.
    public let target: Target
    private let server: String?
    private var connection: CupsConnection?
    private var formatsSupported: Set<String>?
    private var pageSelection: Bool?

    /// A CUPS queue or a bare IPP printer.
    public enum Target: Hashable, Sendable {
        /// A queue on a CUPS scheduler.
        case queue(String)
        /// An IPP printer at host:port/path.
        case ipp(host: String, port: Int, path: String)
    }

    /// A printer for `uri` (cups:// or ipp://). `server` (`host:port` or a socket path) picks
    /// the CUPS scheduler for a cups:// queue; nil means libcups' own choice (`CUPS_SERVER`,
    /// client.conf, the local socket). Nothing is connected until first use.
    public init(uri: PrinterURI, name: String? = nil, server: String? = nil) throws(PrinterError) {
        switch uri {
        case .cups(let queue): target = .queue(queue)
        case .ipp(let host, let port, let path): target = .ipp(host: host, port: port, path: path)
        default: throw PrinterError(code: "printer.uri", message: "\(uri) is not a CUPS or IPP printer; use cups://QUEUE or ipp://HOST:PORT/PATH.")
        }
        self.name = name ?? uri.description
        self.server = server
    }

    /// The printer-uri requests name, and the HTTP resource they are posted to.
    var printerURI: String {
        switch target {
        case .queue(let q): "ipp://localhost/printers/\(q)"
        case .ipp(let host, let port, let path): "ipp://\(host.contains(":") ? "[\(host)]" : host):\(port)\(path)"
        }
    }

    private var resource: String {
        switch target {
        case .queue(let q): "/printers/\(q)"
        case .ipp(_, _, let path): path
        }
    }

    /// What messages call the place a queue lives.
    private var whereabouts: String {
        switch target {
        case .queue(let q): "CUPS queue '\(q)'"
        case .ipp: "IPP printer \(printerURI)"
        }
    }

    private func open() throws(PrinterError) -> CupsConnection {
        if let connection { return connection }
        let made: CupsConnection
        switch target {
        case .queue: made = try CupsConnection(cupsServer: server)
        case .ipp(let host, let port, _): made = try CupsConnection(host: host, port: port)
        }
        connection = made
        return made
    }

    /// Runs one request; a connection that failed is dropped so the next call reconnects.
    private func exchange(_ request: CupsConnection.Request, resource: String? = nil, groups: ipp_tag_t, document: [UInt8]? = nil) throws(PrinterError) -> Result<[IPPGroup], IPPFailure> {
        do {
            let c = try open()
            if let document { return try c.send(request, resource: resource ?? self.resource, document: document) }
            return try c.send(request, resource: resource ?? self.resource, groups: groups)
        } catch {
            connection = nil
            throw error
        }
    }

    // MARK: Printing

    /// The MIME type a document goes as: raw for ZPL, `application/pdf` for a PDF.
    func documentFormat(for format: DocumentFormat) throws(PrinterError) -> String {
        switch (target, format) {
        case (_, .pdf):
            if case .ipp = target, let supported = try supportedFormats(), !supported.contains("application/pdf") {
                throw formatRefused("a PDF", supported: supported)
            }
            return "application/pdf"
        case (.queue, .zpl):
            return "application/vnd.cups-raw"
        case (.ipp, .zpl):
            // A bare IPP printer has no raw type: it must name ZPL, or take bytes as they come.
            guard let supported = try supportedFormats() else { return "application/octet-stream" }
            for type in ["application/vnd.zebra-zpl", "application/vnd.cups-raw", "application/octet-stream"] where supported.contains(type) {
                return type
            }
            throw formatRefused("ZPL", supported: supported)
        }
    }

    private func formatRefused(_ what: String, supported: Set<String>) -> PrinterError {
        PrinterError(code: "printer.format", message: "\(name) cannot print \(what): the \(whereabouts) takes only \(supported.sorted().joined(separator: ", ")). Send the label in a format it takes, or print through a CUPS queue.")
    }

    private func supportedFormats() throws(PrinterError) -> Set<String>? {
        if let formatsSupported { return formatsSupported }
        let attributes = try printerAttributes(["document-format-supported"])
        guard let list = attributes["document-format-supported"]?.strings, !list.isEmpty else { return nil }
        formatsSupported = Set(list)
        return formatsSupported
    }

    /// Creates a job named `document.name`, sends the document in chunks and returns the job id.
    /// When sending fails after the job was created, the empty job is cancelled.
    public func submit(_ document: PrintDocument) throws(PrinterError) -> SubmittedJob {
        let format = try documentFormat(for: document.format)
        var create = CupsConnection.Request(IPP_OP_CREATE_JOB, printerURI: printerURI)
        create.attributes.append(("job-name", .name(document.name)))
        if let pages = document.pages, document.format == .pdf { create.attributes.append(("page-ranges", .jobRange(pages))) }
        let created = try exchange(create, groups: IPP_TAG_JOB)
        guard case .success(let groups) = created, let id = groups.first?["job-id"]?.integers.first else {
            if case .failure(let failure) = created { throw error(failure, doing: "create a job") }
            throw PrinterError(code: "printer.cups_reply", message: "The \(whereabouts) accepted the job but gave no job id; check `lpstat -o` before printing again.")
        }
        var send = CupsConnection.Request(IPP_OP_SEND_DOCUMENT, printerURI: printerURI)
        // No document-name: the job already has its name (Create-Job), and the CUPS 2.4.2
        // scheduler of Debian 12's security update 2.4.2-3+deb12u10 drops the connection without
        // a reply to a Send-Document that carries one (the job is queued, the client never hears).
        send.attributes += [
            ("job-id", .integer(id)),
            ("document-format", .mimeType(format)),
            ("last-document", .boolean(true)),
        ]
        let sent: Result<[IPPGroup], IPPFailure>
        do {
            sent = try exchange(send, groups: IPP_TAG_JOB, document: document.bytes)
        } catch {
            try? cancel(jobID: id)
            throw PrinterError(code: error.code, message: error.message + " Job \(id) was cancelled; nothing of it prints.", isTransient: error.isTransient)
        }
        if case .failure(let failure) = sent {
            try? cancel(jobID: id)
            throw self.error(failure, doing: "take the document (\(format))")
        }
        return SubmittedJob(jobID: id, bytes: document.bytes.count)
    }

    // MARK: Jobs

    static let jobAttributes = ["job-id", "job-name", "job-state", "job-state-reasons", "job-printer-state-message", "job-originating-user-name", "job-impressions-completed"]

    /// This user's jobs on this printer named exactly `name`, newest first. Asks for the jobs
    /// not yet completed and the completed ones separately, so the newest are always among them
    /// (a server answers a bounded number per request).
    public func jobs(named name: String) throws(PrinterError) -> [SpooledJob] {
        var found: [Int: SpooledJob] = [:]
        for which in ["not-completed", "completed"] {
            var request = CupsConnection.Request(IPP_OP_GET_JOBS, printerURI: printerURI)
            request.attributes += [
                ("which-jobs", .keyword(which)),
                ("my-jobs", .boolean(true)),
                ("requested-attributes", .keywords(Self.jobAttributes)),
            ]
            switch try exchange(request, groups: IPP_TAG_JOB) {
            case .success(let groups):
                for job in groups.compactMap(SpooledJob.init(ipp:)) where job.name == name { found[job.id] = job }
            case .failure(let failure):
                throw error(failure, doing: "list its jobs")
            }
        }
        return found.values.sorted { $0.id > $1.id }
    }

    /// One job by id; nil when the printer no longer knows it.
    public func job(id: Int) throws(PrinterError) -> SpooledJob? {
        try attributes(ofJob: id, Self.jobAttributes).flatMap(SpooledJob.init(ipp:))
    }

    /// Some attributes of one job (document-format, job-printer-state-message…); nil when the
    /// printer no longer knows it.
    func attributes(ofJob id: Int, _ names: [String]) throws(PrinterError) -> IPPGroup? {
        var request = CupsConnection.Request(IPP_OP_GET_JOB_ATTRIBUTES, printerURI: printerURI)
        request.attributes += [("job-id", .integer(id)), ("requested-attributes", .keywords(names))]
        switch try exchange(request, groups: IPP_TAG_JOB) {
        case .success(let groups): return groups.first
        case .failure(let failure) where failure.status == Int(IPP_STATUS_ERROR_NOT_FOUND.rawValue): return nil
        case .failure(let failure): throw error(failure, doing: "report job \(id)")
        }
    }

    /// Cancels a job; a job that is already over (or gone) is not an error.
    public func cancel(jobID: Int) throws(PrinterError) {
        var request = CupsConnection.Request(IPP_OP_CANCEL_JOB, printerURI: printerURI)
        request.attributes.append(("job-id", .integer(jobID)))
        guard case .failure(let failure) = try exchange(request, groups: IPP_TAG_JOB) else { return }
        if failure.status == Int(IPP_STATUS_ERROR_NOT_FOUND.rawValue) { return }
        // not-possible: the job is already completed, cancelled or aborted.
        if failure.status == Int(IPP_STATUS_ERROR_NOT_POSSIBLE.rawValue), let job = try job(id: jobID), job.state.isFinal { return }
        throw error(failure, doing: "cancel job \(jobID)")
    }

    /// Whether page-ranges is honoured: a CUPS raw queue ("Local Raw Printer", no filters)
    /// advertises page-ranges-supported yet sends every page; a queue with a driver runs
    /// pdftopdf, which prints only the range; an IPP printer says so itself.
    public func selectsPages() throws(PrinterError) -> Bool {
        if let pageSelection { return pageSelection }
        let attributes = try printerAttributes(["page-ranges-supported", "printer-make-and-model"])
        let supported = attributes["page-ranges-supported"]?.integers.first == 1
        var raw = false
        if case .queue = target { raw = attributes["printer-make-and-model"]?.strings.first == "Local Raw Printer" }
        pageSelection = supported && !raw
        return pageSelection!
    }

    // MARK: Printer state

    static let printerStateAttributes = ["printer-state", "printer-state-reasons", "printer-state-message", "printer-is-accepting-jobs"]

    /// The printer's (or queue's) state: stopped, out of media, paused, offline…, with its own
    /// printer-state-message.
    public func state() throws(PrinterError) -> PrinterState? {
        let attributes = try printerAttributes(Self.printerStateAttributes)
        return CupsPrinterStatus(ipp: attributes).printerState
    }

    /// The printer's status as CUPS reports it (state, reasons, message).
    public func status() throws(PrinterError) -> CupsPrinterStatus {
        CupsPrinterStatus(ipp: try printerAttributes(Self.printerStateAttributes))
    }

    private func printerAttributes(_ names: [String]) throws(PrinterError) -> IPPGroup {
        var request = CupsConnection.Request(IPP_OP_GET_PRINTER_ATTRIBUTES, printerURI: printerURI)
        request.attributes.append(("requested-attributes", .keywords(names)))
        switch try exchange(request, groups: IPP_TAG_PRINTER) {
        case .success(let groups): return groups.first ?? [:]
        case .failure(let failure): throw error(failure, doing: "report its state")
        }
    }

    /// An IPP failure in words: what failed and what to do.
    private func error(_ failure: IPPFailure, doing what: String) -> PrinterError {
        let said = " (the server said: \(failure.message))"
        switch ipp_status_t(rawValue: Int32(failure.status)) {
        case IPP_STATUS_ERROR_NOT_FOUND:
            if case .queue(let q) = target {
                return PrinterError(code: "printer.cups_no_queue", message: "CUPS has no queue '\(q)' on \(connection?.server ?? "the print server"). Check the name with `lpstat -p` or `packstation devices`, or add the queue (lpadmin -p \(q) -E -v URI).")
            }
            return PrinterError(code: "printer.cups_no_queue", message: "There is no IPP printer at \(printerURI)\(said). Check the address and path (often /ipp/print).")
        case IPP_STATUS_ERROR_DOCUMENT_FORMAT_NOT_SUPPORTED, IPP_STATUS_ERROR_DOCUMENT_UNPRINTABLE:
            return PrinterError(code: "printer.format", message: "The \(whereabouts) refused the document's format\(said). Send ZPL to a raw queue (lpadmin -p QUEUE -m raw) and PDFs to a queue that prints PDFs.")
        case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
            let accept = if case .queue(let q) = target { " Run `cupsaccept \(q)`, then print again." } else { " Make it accept jobs, then print again." }
            return PrinterError(code: "printer.rejecting", message: "The \(whereabouts) is not accepting jobs\(said).\(accept)")
        case IPP_STATUS_ERROR_FORBIDDEN, IPP_STATUS_ERROR_NOT_AUTHORIZED, IPP_STATUS_ERROR_NOT_AUTHENTICATED:
            return PrinterError(code: "printer.forbidden", message: "The \(whereabouts) did not let user '\(CupsConnection.user)' \(what)\(said). Check the CUPS policy for this queue (cupsd.conf) or run as a user it allows.")
        case IPP_STATUS_ERROR_BUSY, IPP_STATUS_ERROR_SERVICE_UNAVAILABLE, IPP_STATUS_ERROR_TOO_MANY_JOBS, IPP_STATUS_ERROR_TEMPORARY:
            return PrinterError(code: "printer.busy", message: "The \(whereabouts) is busy and could not \(what)\(said); it is tried again.", isTransient: true)
        default:
            return PrinterError(code: "printer.cups", message: "The \(whereabouts) could not \(what)\(said).")
        }
    }
}
