internal import CCups

#if canImport(Glibc)
import Glibc
#endif

/// One attribute of an IPP reply: its integer values (enums, integers, booleans) and its
/// string values (keywords, names, text, URIs, MIME types).
struct IPPAttribute: Hashable, Sendable {
    var integers: [Int] = []
    var strings: [String] = []
}

/// One group of an IPP reply (the printer's attributes, or one job's), by attribute name.
typealias IPPGroup = [String: IPPAttribute]

/// The IPP status of a reply, with the spooler's own words.
struct IPPFailure: Error {
    var status: Int
    var message: String
}

/// One connection to a CUPS scheduler or an IPP printer (libcups `http_t`): it is the only
/// place that touches the handle, builds requests and reads replies. Calls block; one caller
/// at a time. libcups reconnects by itself when the peer closed the connection between calls.
final class CupsConnection {
    /// `host:port` or a socket path, for messages.
    let server: String
    private let http: OpaquePointer

    /// Connects to `host` (a name, an address or a domain socket path) on `port`.
    init(host: String, port: Int, timeout: Duration = .seconds(10)) throws(PrinterError) {
        server = host.hasPrefix("/") ? host : "\(host):\(port)"
        let msec = Int32(timeout.components.seconds * 1000)
        guard let http = httpConnect2(host, Int32(port), nil, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, msec, nil) else {
            // libcups closes its sockets after a failed connect, so errno is only worth showing
            // when it still names the connect's own failure.
            let code = errno
            let why = [ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, ENOENT, EACCES].contains(code) ? " (\(String(cString: strerror(code))))" : ""
            throw PrinterError(
                code: "printer.cups_unreachable",
                message: "The print server at \(host.hasPrefix("/") ? host : "\(host):\(port)") is not running or cannot be reached\(why). Start CUPS (`service cups start`), or point CUPS_SERVER at the right server, and print again.",
                isTransient: true)
        }
        // A server that stops answering mid-request fails the call instead of hanging it.
        httpSetTimeout(http, Double(msec) / 1000 * 3, nil, nil)
        self.http = http
    }

    /// Connects to the scheduler libcups is configured for: `server` (`host[:port]` or a socket
    /// path) when given, else `CUPS_SERVER`, client.conf, or the local socket.
    convenience init(cupsServer server: String?) throws(PrinterError) {
        if let server, !server.hasPrefix("/"), let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]) {
            try self.init(host: String(server[..<colon]), port: port)
        } else if let server {
            try self.init(host: server, port: 631)
        } else {
            // cupsServer() reads CUPS_SERVER and client.conf and sets ippPort() from a host:port.
            let host = String(cString: cupsServer())
            try self.init(host: host, port: Int(ippPort()))
        }
    }

    deinit { httpClose(http) }

    /// The user name jobs are submitted as (and listed for).
    static var user: String { String(cString: cupsUser()) }

    /// A request under construction: operation attributes in the order IPP wants them.
    struct Request {
        var operation: Int32
        var attributes: [(name: String, value: Value)] = []

        enum Value {
            case uri(String), name(String), keyword(String), keywords([String]), mimeType(String), integer(Int), boolean(Bool)
            /// A job template attribute (Create-Job's job group), e.g. `page-ranges`.
            case jobRange(ClosedRange<Int>)
        }

        init(_ operation: ipp_op_t, printerURI: String?) {
            self.operation = Int32(operation.rawValue)
            if let printerURI { attributes.append(("printer-uri", .uri(printerURI))) }
            attributes.append(("requesting-user-name", .name(CupsConnection.user)))
        }

        /// Builds the libcups request (the caller owns it).
        func make() -> OpaquePointer {
            let ipp = ippNewRequest(ipp_op_t(rawValue: operation))!
            for (name, value) in attributes {
                switch value {
                case .uri(let s): ippAddString(ipp, IPP_TAG_OPERATION, IPP_TAG_URI, name, nil, s)
                case .name(let s): ippAddString(ipp, IPP_TAG_OPERATION, IPP_TAG_NAME, name, nil, s)
                case .keyword(let s): ippAddString(ipp, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, name, nil, s)
                case .mimeType(let s): ippAddString(ipp, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, name, nil, s)
                case .integer(let n): ippAddInteger(ipp, IPP_TAG_OPERATION, IPP_TAG_INTEGER, name, Int32(n))
                case .boolean(let b): ippAddBoolean(ipp, IPP_TAG_OPERATION, name, b ? 1 : 0)
                case .jobRange(let r): ippAddRange(ipp, IPP_TAG_JOB, name, Int32(r.lowerBound), Int32(r.upperBound))
                case .keywords(let list):
                    var cStrings = list.map { strdup($0) }
                    defer { cStrings.forEach { free($0) } }
                    cStrings.withUnsafeMutableBufferPointer { buffer in
                        buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) {
                            _ = ippAddStrings(ipp, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, name, Int32(list.count), nil, $0.baseAddress)
                        }
                    }
                }
            }
            return ipp
        }
    }

    /// Sends a request without a document; returns the reply's groups of `tag` (printer or job
    /// attributes), or the failure the server answered.
    func send(_ request: Request, resource: String, groups tag: ipp_tag_t) throws(PrinterError) -> Result<[IPPGroup], IPPFailure> {
        let reply = cupsDoRequest(http, request.make(), resource)  // frees the request
        return try Self.read(reply, groups: tag, server: server)
    }

    /// Sends a request followed by a document written in chunks (Send-Document / Print-Job).
    func send(_ request: Request, resource: String, document: [UInt8], chunkSize: Int = 64 * 1024) throws(PrinterError) -> Result<[IPPGroup], IPPFailure> {
        let ipp = request.make()
        defer { ippDelete(ipp) }
        var status = cupsSendRequest(http, ipp, resource, 0)  // 0: CUPS_LENGTH_VARIABLE, chunked
        var offset = 0
        while status == HTTP_STATUS_CONTINUE, offset < document.count {
            let end = min(offset + chunkSize, document.count)
            status = document[offset..<end].withUnsafeBufferPointer { chunk in
                chunk.withMemoryRebound(to: CChar.self) { cupsWriteRequestData(http, $0.baseAddress, $0.count) }
            }
            offset = end
        }
        guard status == HTTP_STATUS_CONTINUE else {
            // The server stopped reading: its reply says why (refused format, no such queue…).
            let reply = cupsGetResponse(http, resource)
            if reply != nil { return try Self.read(reply, groups: IPP_TAG_JOB, server: server) }
            throw PrinterError(code: "printer.cups_io", message: "Sending the document to \(server) failed after \(offset) of \(document.count) bytes (\(Self.lastError)). Check that the print server is running and print again.", isTransient: true)
        }
        return try Self.read(cupsGetResponse(http, resource), groups: IPP_TAG_JOB, server: server)
    }

    /// libcups' last error text (per thread).
    static var lastError: String { String(cString: cupsLastErrorString()) }

    /// Splits a reply into its groups of `tag`, or returns the IPP failure; throws when there
    /// was no reply at all (the connection failed).
    private static func read(_ reply: OpaquePointer?, groups tag: ipp_tag_t, server: String) throws(PrinterError) -> Result<[IPPGroup], IPPFailure> {
        guard let reply else {
            throw PrinterError(code: "printer.cups_unreachable", message: "The print server at \(server) did not answer (\(lastError)). Check that CUPS is running (`lpstat -r`) and print again.", isTransient: true)
        }
        defer { ippDelete(reply) }
        let status = Int(ippGetStatusCode(reply).rawValue)
        guard status < 0x0100 else {
            var message = ""
            if let attr = ippFindAttribute(reply, "status-message", IPP_TAG_ZERO), let text = ippGetString(attr, 0, nil) {
                message = String(cString: text)
            }
            if message.isEmpty { message = String(cString: ippErrorString(ipp_status_t(rawValue: Int32(status)))) }
            return .failure(IPPFailure(status: status, message: message))
        }
        var groups: [IPPGroup] = []
        var current: IPPGroup?
        var attr = ippFirstAttribute(reply)
        while let a = attr {
            defer { attr = ippNextAttribute(reply) }
            guard let cName = ippGetName(a), ippGetGroupTag(a) == tag else {
                // A separator or another group ends the current one.
                if let done = current { groups.append(done) }
                current = nil
                continue
            }
            var value = IPPAttribute()
            let valueTag = ippGetValueTag(a)
            for i in 0..<ippGetCount(a) {
                switch valueTag {
                case IPP_TAG_INTEGER, IPP_TAG_ENUM: value.integers.append(Int(ippGetInteger(a, i)))
                case IPP_TAG_BOOLEAN: value.integers.append(Int(ippGetBoolean(a, i)))
                default: if let s = ippGetString(a, i, nil) { value.strings.append(String(cString: s)) }
                }
            }
            if current == nil { current = [:] }
            current![String(cString: cName)] = value
        }
        if let done = current { groups.append(done) }
        return .success(groups)
    }
}
