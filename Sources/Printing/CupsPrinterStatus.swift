internal import CCups

/// A CUPS queue's or IPP printer's state as it reports it: printer-state, printer-state-reasons
/// and printer-state-message, read into conditions the person can act on.
public struct CupsPrinterStatus: Hashable, Sendable {
    /// IPP printer-state.
    public enum State: String, Hashable, Sendable {
        case idle, processing, stopped, unknown
    }

    public var state: State
    /// printer-state-reasons as sent (`media-empty-error`, `paused`, …), without `none`.
    public var reasons: [String]
    /// printer-state-message, when there is one.
    public var message: String?
    /// Whether the queue takes new jobs (printer-is-accepting-jobs; cupsreject turns it off).
    public var isAcceptingJobs: Bool

    /// Creates a status (tests, and replies read from the server).
    public init(state: State, reasons: [String] = [], message: String? = nil, isAcceptingJobs: Bool = true) {
        self.state = state
        self.reasons = reasons
        self.message = message
        self.isAcceptingJobs = isAcceptingJobs
    }

    init(ipp attributes: IPPGroup) {
        switch attributes["printer-state"]?.integers.first {
        case 3: state = .idle
        case 4: state = .processing
        case 5: state = .stopped
        default: state = .unknown
        }
        reasons = (attributes["printer-state-reasons"]?.strings ?? []).filter { $0 != "none" }
        message = attributes["printer-state-message"]?.strings.first.flatMap { $0.isEmpty ? nil : $0 }
        isAcceptingJobs = attributes["printer-is-accepting-jobs"]?.integers.first.map { $0 != 0 } ?? true
    }

    /// What stops the printer: a stopped queue, and each reason that is an error or a report
    /// of one (severity suffixes `-error`, `-warning`, `-report` stripped). Reasons that only
    /// warn (`media-low`, `toner-low`) are not conditions: the printer still prints.
    public var conditions: Set<PrinterCondition> {
        var found: Set<PrinterCondition> = state == .stopped ? [.stopped] : []
        for reason in reasons {
            if let condition = Self.condition(reason: reason) { found.insert(condition) }
        }
        // A stopped CUPS queue says "paused": that is the queue, not a PAUSE button on the printer.
        if state == .stopped { found.remove(.paused) }
        return found
    }

    /// The condition one printer-state-reasons keyword stands for, nil when it does not stop
    /// printing.
    public static func condition(reason: String) -> PrinterCondition? {
        var keyword = Substring(reason)
        for suffix in ["-error", "-warning", "-report"] where keyword.hasSuffix(suffix) {
            keyword = keyword.dropLast(suffix.count)
            break
        }
        switch keyword {
        case "media-empty", "media-needed", "input-tray-missing": return .mediaEmpty
        case "media-jam", "output-area-full": return .jammed
        case "paused", "moving-to-paused": return .paused
        case "offline", "shutdown", "timed-out": return .offline
        case "door-open", "cover-open", "interlock-open": return .coverOpen
        case "marker-supply-empty", "toner-empty", "marker-waste-full", "ink-empty": return .markerEmpty
        case "fuser-over-temp": return .headTooHot
        case "fuser-under-temp": return .headTooCold
        default: return nil
        }
    }

    /// The state as ``Printer/state()`` reports it.
    public var printerState: PrinterState {
        var state = PrinterState(conditions: conditions, message: message)
        if state.message == nil, !reasons.isEmpty { state.message = reasons.joined(separator: ", ") }
        return state
    }

    /// One line in words: `idle`, `stopped — out of labels (media-empty-error)`.
    public var summary: String {
        let words: String = switch state {
        case .idle: "idle"
        case .processing: "printing"
        case .stopped: "stopped"
        case .unknown: "state unknown"
        }
        var parts = [words]
        if !isAcceptingJobs { parts.append("rejecting jobs") }
        if !reasons.isEmpty { parts.append("reasons: " + reasons.joined(separator: ", ")) }
        if let message { parts.append("\"\(message)\"") }
        return parts.joined(separator: "; ")
    }
}

extension SpooledJob {
    /// A job from a Get-Jobs or Get-Job-Attributes reply; nil without an id or a state.
    init?(ipp attributes: IPPGroup) {
        guard let id = attributes["job-id"]?.integers.first, let raw = attributes["job-state"]?.integers.first else { return nil }
        let state: SpooledJobState
        switch raw {
        case 3: state = .pending
        case 4: state = .held
        case 5: state = .processing
        case 6: state = .stopped
        case 7: state = .canceled
        case 8: state = .aborted
        case 9: state = .completed
        default: return nil
        }
        self.init(id: id, name: attributes["job-name"]?.strings.first ?? "", state: state,
                  reasons: (attributes["job-state-reasons"]?.strings ?? []).filter { $0 != "none" },
                  impressionsCompleted: attributes["job-impressions-completed"]?.integers.first)
    }
}

/// A queue the CUPS scheduler offers (`lpstat -p -v` equivalent), for `packstation devices`.
public struct CupsDestination: Hashable, Sendable {
    /// The queue name (`cups://NAME`).
    public var name: String
    /// Where CUPS sends its jobs (device-uri), e.g. `socket://10.0.0.7:9100`.
    public var deviceURI: String?
    /// printer-make-and-model (`Local Raw Printer` for a raw queue).
    public var makeAndModel: String?
    /// printer-info (the description an admin gave it), nil when it only repeats the name.
    public var info: String?
    /// Whether the queue is raw (no driver: ZPL and any other bytes go through untouched).
    public var isRaw: Bool
    /// Whether it is the scheduler's default destination.
    public var isDefault: Bool
    /// Its state and reasons.
    public var status: CupsPrinterStatus

    /// The URI that prints to it.
    public var uri: PrinterURI { .cups(queue: name) }

    /// The queues on a scheduler: `server` (`host:port` or a socket path), or libcups' own
    /// choice (`CUPS_SERVER`, client.conf, the local socket) when nil.
    public static func all(server: String? = nil) throws(PrinterError) -> [CupsDestination] {
        let connection = try CupsConnection(cupsServer: server)
        var request = CupsConnection.Request(IPP_OP_CUPS_GET_PRINTERS, printerURI: nil)
        request.attributes.append(("requested-attributes", .keywords([
            "printer-name", "device-uri", "printer-make-and-model", "printer-info", "printer-type",
        ] + CupsPrinter.printerStateAttributes)))
        let groups: [IPPGroup]
        switch try connection.send(request, resource: "/", groups: IPP_TAG_PRINTER) {
        case .success(let found): groups = found
        case .failure(let failure) where failure.status == Int(IPP_STATUS_ERROR_NOT_FOUND.rawValue): groups = []  // no queues at all
        case .failure(let failure):
            throw PrinterError(code: "printer.cups", message: "The print server at \(connection.server) did not list its queues (\(failure.message)). Check `lpstat -p`.")
        }
        let defaultName = defaultDestination(connection)
        return groups.compactMap { g in
            guard let name = g["printer-name"]?.strings.first else { return nil }
            let model = g["printer-make-and-model"]?.strings.first
            // CUPS_PRINTER_CLASS (0x1) and friends aside, a raw queue is one with no driver.
            let isRaw = model == "Local Raw Printer" || model == "Raw Queue"
            return CupsDestination(name: name, deviceURI: g["device-uri"]?.strings.first, makeAndModel: model,
                                   info: g["printer-info"]?.strings.first.flatMap { $0.isEmpty || $0 == name ? nil : $0 },
                                   isRaw: isRaw, isDefault: name == defaultName, status: CupsPrinterStatus(ipp: g))
        }.sorted { $0.name < $1.name }
    }

    private static func defaultDestination(_ connection: CupsConnection) -> String? {
        var request = CupsConnection.Request(IPP_OP_CUPS_GET_DEFAULT, printerURI: nil)
        request.attributes.append(("requested-attributes", .keywords(["printer-name"])))
        guard case .success(let groups)? = try? connection.send(request, resource: "/", groups: IPP_TAG_PRINTER) else { return nil }
        return groups.first?["printer-name"]?.strings.first
    }
}
