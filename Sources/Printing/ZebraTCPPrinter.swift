/// A ZPL printer on raw TCP (port 9100): one connection at a time, as printers expect;
/// reconnects after a drop; reads host status (`~HS`) and the label odometer over the same
/// connection.
public final class ZebraTCPPrinter {
    /// The printer's name in messages.
    public let name: String
    private let host: String
    private let port: Int
    private let timeouts: Timeouts
    private var socket: TCPSocket?

    /// How long to wait for the printer.
    public struct Timeouts: Sendable {
        /// For the TCP connection.
        public var connect: Duration = .seconds(5)
        /// For a write to make progress (a printer with a full buffer stops reading).
        public var write: Duration = .seconds(30)
        /// For a status reply.
        public var reply: Duration = .seconds(5)
        /// Creates timeouts.
        public init(connect: Duration = .seconds(5), write: Duration = .seconds(30), reply: Duration = .seconds(5)) {
            self.connect = connect
            self.write = write
            self.reply = reply
        }
    }

    /// A printer at host:port; nothing is connected until first use.
    public init(name: String, host: String, port: Int = 9100, timeouts: Timeouts = Timeouts()) {
        self.name = name
        self.host = host
        self.port = port
        self.timeouts = timeouts
    }

    private func connection() throws(PrinterError) -> TCPSocket {
        if let socket { return socket }
        let s = try TCPSocket(host: host, port: port, timeout: timeouts.connect)
        socket = s
        return s
    }

    /// Runs one exchange; a dropped connection is closed so the next call reconnects.
    private func exchange<T>(_ body: (TCPSocket) throws(PrinterError) -> T) throws(PrinterError) -> T {
        do {
            return try body(try connection())
        } catch {
            socket = nil
            throw error
        }
    }

    /// Sends bytes as they are (ZPL). A failure leaves it unknown how much the printer got:
    /// callers that must not print twice ask the odometer.
    public func send(_ bytes: some Collection<UInt8>) throws(PrinterError) {
        try exchange { s throws(PrinterError) in try s.write(bytes, timeout: timeouts.write) }
    }

    /// Asks for the host status.
    public func hostStatus() throws(PrinterError) -> ZebraHostStatus {
        let reply = try exchange { s throws(PrinterError) in
            try s.write(Array("~HS".utf8), timeout: timeouts.write)
            return try s.read(timeout: timeouts.reply) { $0.count(where: { $0 == ZebraHostStatus.etx }) >= 3 }
        }
        guard let status = ZebraHostStatus(reply: reply) else {
            throw PrinterError(code: "printer.reply", message: "\(name) answered ~HS with something that is not a Zebra host status; is it a ZPL printer?")
        }
        return status
    }

    /// Total labels the printer has ever printed (SGD `odometer.total_label_count`).
    public func labelOdometer() throws(PrinterError) -> Int {
        let reply = try exchange { s throws(PrinterError) in
            try s.write(ZebraOdometer.query, timeout: timeouts.write)
            return try s.read(timeout: timeouts.reply, until: ZebraOdometer.isComplete)
        }
        return try ZebraOdometer.labelCount(reply: reply, printer: name)
    }

    /// Closes the connection (the next call reconnects).
    public func disconnect() { socket = nil }
}

/// The SGD label counter (`! U1 getvar "odometer.total_label_count"`): the query and its
/// reply (`"1234"`), the same over every transport (TCP, USB).
enum ZebraOdometer {
    /// The query bytes.
    static let query = Array("! U1 getvar \"odometer.total_label_count\"\r\n".utf8)

    /// Whether a reply is complete (the quoted value has both quotes).
    static func isComplete(_ reply: [UInt8]) -> Bool { reply.count(where: { $0 == UInt8(ascii: "\"") }) >= 2 }

    /// The label count in a reply, or an error naming the printer and what it answered.
    static func labelCount(reply: [UInt8], printer name: String) throws(PrinterError) -> Int {
        let text = String(decoding: reply, as: UTF8.self)
        let digits = text.split(separator: "\"").first { $0.allSatisfy(\.isNumber) && !$0.isEmpty }
        guard let digits, let count = Int(digits) else {
            throw PrinterError(code: "printer.reply", message: "\(name) did not report its label counter (answered \(text.debugDescription)).")
        }
        return count
    }
}
