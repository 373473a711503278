internal import CUSB

/// A printer on raw USB (`usb://VID:PID[?serial=S]`): the printer-class interface is claimed
/// through libusb (usblp is detached while we hold it and gets it back on close), jobs go out on
/// bulk OUT in chunks, and ZPL printers are asked for `~HS` host status and their label counter
/// on bulk IN. An unplugged printer is found again on the next call. Calls block; one caller at
/// a time.
public final class USBPrinter {
    /// The printer's name in messages.
    public let name: String
    /// USB vendor id.
    public let vendor: UInt16
    /// USB product id.
    public let product: UInt16
    /// The serial number that picks one printer among several of the same model.
    public let serial: String?
    private let timeouts: Timeouts
    private var connection: USBConnection?

    /// Bytes per bulk OUT transfer: small enough that a stalled printer is noticed quickly and
    /// progress is known to the chunk, large enough to keep a printer fed.
    public static let chunkSize = 16 * 1024

    /// How long to wait for the printer.
    public struct Timeouts: Sendable {
        /// For a write to make progress (a printer with a full buffer stops taking data).
        public var write: Duration
        /// For a status reply.
        public var reply: Duration
        /// Creates timeouts.
        public init(write: Duration = .seconds(30), reply: Duration = .seconds(5)) {
            self.write = write
            self.reply = reply
        }
    }

    /// A printer with these ids; nothing is opened until first use.
    public init(name: String, vendor: UInt16, product: UInt16, serial: String? = nil, timeouts: Timeouts = Timeouts()) {
        self.name = name
        self.vendor = vendor
        self.product = product
        self.serial = serial
        self.timeouts = timeouts
    }

    /// A printer on a connection already open (the device listing asks it for status).
    init(connection: USBConnection, name: String, timeouts: Timeouts) {
        self.name = name
        vendor = connection.vendor
        product = connection.product
        serial = connection.serial
        self.timeouts = timeouts
        self.connection = connection
    }

    private var ids: String { USBIDs.text(vendor, product) + (serial.map { " with serial \($0)" } ?? "") }

    /// The printer's IEEE 1284 device id (opens the printer when needed).
    public func deviceID() throws(PrinterError) -> IEEE1284DeviceID? { try open().deviceID }

    /// Releases the printer (usblp gets it back); the next call opens it again.
    public func disconnect() { connection = nil }

    /// The open connection, or a new one to the matching printer on the bus now.
    private func open() throws(PrinterError) -> USBConnection {
        if let connection { return connection }
        let context = try USBContext()
        let opened = try context.withPrinterInterfaces { candidates throws(PrinterError) -> USBConnection in
            var otherSerials: [String] = []
            var failure: PrinterError?
            for candidate in candidates where candidate.vendor == vendor && candidate.product == product {
                do throws(PrinterError) {
                    let c = try USBConnection(candidate, context: context, name: name)
                    guard let serial else { return c }
                    if c.serial == serial || c.deviceID?.serialNumber == serial { return c }
                    otherSerials.append(c.serial ?? c.deviceID?.serialNumber ?? "none")
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            let others = otherSerials.isEmpty ? "" : " (connected: serial \(otherSerials.joined(separator: ", ")))"
            throw PrinterError(code: "printer.offline", message: "\(name): USB printer \(ids) is not connected\(others) — plug it in or check the cable", isTransient: true)
        }
        connection = opened
        return opened
    }

    /// Sends bytes as they are (ZPL, or what the printer's language is), in chunks of
    /// `chunkSize`. A printer unplugged since the last call is opened again before the first
    /// byte; one that takes no data for `timeouts.write`, or goes away mid-job, is an error that
    /// says how much it got.
    public func send(_ bytes: [UInt8]) throws(PrinterError) {
        var sent = 0
        var reopened = false
        while true {
            let c = try open()
            let result = bytes.withUnsafeBytes { buffer in
                Result { () throws(USBTransferError) in try write(buffer, sent: &sent, on: c) }
            }
            switch result {
            case .success(true):
                return
            case .success(false):
                throw PrinterError(code: "printer.timeout", message: "\(name): the USB printer took no data for \(timeouts.write.components.seconds) s (it got \(sent) of \(bytes.count) bytes) — check that it is on, has labels and is not paused, then send the job again.", isTransient: true)
            case .failure(let error):
                connection = nil
                guard error.deviceGone else {
                    throw USBConnection.failure(error.code, name: name, doing: "sending the job (\(sent) of \(bytes.count) bytes sent)")
                }
                if sent == 0 && !reopened {  // unplugged since we opened it: nothing was sent, open it again
                    reopened = true
                    continue
                }
                throw PrinterError(code: "printer.offline", message: "\(name): USB printer \(ids) went away after \(sent) of \(bytes.count) bytes — plug it in or check the cable, then send the job again (labels it already got may have printed).", isTransient: true)
            }
        }
    }

    /// Writes from `sent` on; false when the printer took nothing for `timeouts.write`.
    private func write(_ buffer: UnsafeRawBufferPointer, sent: inout Int, on c: USBConnection) throws(USBTransferError) -> Bool {
        let clock = ContinuousClock()
        var lastProgress = clock.now
        let perTransfer = UInt32(min(1000, max(1, timeouts.write.milliseconds)))
        while sent < buffer.count {
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[sent..<min(buffer.count, sent + Self.chunkSize)])
            do {
                let n = try c.writeChunk(chunk, timeoutMilliseconds: perTransfer)
                sent += n
                if n > 0 { lastProgress = clock.now }
            } catch {
                sent += error.transferred
                throw error
            }
            if clock.now - lastProgress >= timeouts.write { return false }
        }
        return true
    }

    /// Sends a request and reads the reply on bulk IN until `complete` says it is whole.
    private func query(_ request: [UInt8], what: String, until complete: ([UInt8]) -> Bool) throws(PrinterError) -> [UInt8] {
        var reopened = false
        while true {
            let c = try open()
            if let id = c.deviceID, !id.speaksZPL {
                throw PrinterError(code: "printer.no_status", message: "\(name) is not a ZPL printer (its 1284 id lists CMD:\(id.commandSet.joined(separator: ","))); it cannot report \(what).")
            }
            guard c.endpointIn != nil else {
                throw PrinterError(code: "printer.no_status", message: "\(name): this USB printer only takes data (a unidirectional interface); it cannot report \(what).")
            }
            do {
                return try exchange(request, on: c, until: complete)
            } catch {
                connection = nil
                if error.deviceGone && !reopened {
                    reopened = true
                    continue
                }
                throw USBConnection.failure(error.code, name: name, doing: "asking for \(what)")
            }
        }
    }

    private func exchange(_ request: [UInt8], on c: USBConnection, until complete: ([UInt8]) -> Bool) throws(USBTransferError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        // A reply that came too late for an earlier question must not answer this one.
        for _ in 0..<16 {
            guard try c.read(into: &buffer, timeoutMilliseconds: 5) > 0 else { break }
        }
        var sent = 0
        guard try request.withUnsafeBytes({ b in Result { () throws(USBTransferError) in try write(b, sent: &sent, on: c) } }).get() else {
            throw USBTransferError(code: LIBUSB_ERROR_TIMEOUT.rawValue, transferred: sent)
        }
        let clock = ContinuousClock()
        let deadline = clock.now + timeouts.reply
        var reply: [UInt8] = []
        while !complete(reply), clock.now < deadline {
            let n = try c.read(into: &buffer, timeoutMilliseconds: UInt32(max(1, (deadline - clock.now).milliseconds)))
            reply += buffer[..<n]
        }
        return reply
    }

    /// Asks for the host status (`~HS`).
    public func hostStatus() throws(PrinterError) -> ZebraHostStatus {
        let reply = try query(Array("~HS".utf8), what: "its host status (~HS)") { $0.count(where: { $0 == ZebraHostStatus.etx }) >= 3 }
        guard let status = ZebraHostStatus(reply: reply) else {
            throw PrinterError(code: "printer.reply", message: reply.isEmpty
                ? "\(name) did not answer ~HS within \(timeouts.reply.components.seconds) s over USB; check that it is a ZPL printer and not busy with a long job."
                : "\(name) answered ~HS with something that is not a Zebra host status; is it a ZPL printer?")
        }
        return status
    }

    /// Total labels the printer has ever printed (SGD `odometer.total_label_count`).
    public func labelOdometer() throws(PrinterError) -> Int {
        let reply = try query(ZebraOdometer.query, what: "its label counter", until: ZebraOdometer.isComplete)
        return try ZebraOdometer.labelCount(reply: reply, printer: name)
    }
}

extension USBPrinter: LabelCountingPrinter {
    /// Sends one job raw. A PDF goes only to a printer whose 1284 id says it reads PDF.
    public func submit(_ document: PrintDocument) throws(PrinterError) -> SubmittedJob {
        if document.format == .pdf {
            let id = try deviceID()
            guard let id, id.speaksPDF else {
                let languages = id.map { " (it speaks \($0.commandSet.joined(separator: ", ")))" } ?? ""
                throw PrinterError(code: "printer.format", message: "\(name) is a raw USB printer that does not read PDF\(languages); print the label as ZPL (--format zpl) or send the PDF through a CUPS queue.")
            }
        }
        try send(document.bytes)
        return SubmittedJob(bytes: document.bytes.count)
    }

    /// What stops the printer: `~HS` for ZPL printers that talk back, else the USB port status
    /// (paper empty, not selected); an unplugged printer is offline. Nil when it cannot tell.
    public func state() throws(PrinterError) -> PrinterState? {
        do {
            let c = try open()
            if c.deviceID?.speaksZPL == true, c.endpointIn != nil {
                return PrinterState(conditions: Set(try hostStatus().conditions))
            }
            guard let port = try? c.portStatus() else { return nil }
            if port & 0x20 != 0 { return PrinterState(conditions: [.mediaEmpty]) }
            if port & 0x10 == 0 || port & 0x08 == 0 {
                return PrinterState(conditions: [.offline], message: "\(name) reports an error (USB port status 0x\(String(port, radix: 16)))")
            }
            return PrinterState()
        } catch {
            guard error.code == "printer.offline" else { throw error }
            return PrinterState(conditions: [.offline], message: error.message)
        }
    }
}

extension Duration {
    fileprivate var milliseconds: Int {
        Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}
