import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import PackCore

/// The agent's HTTP client for the central server's API (docs/api/openapi.yaml), on
/// AsyncHTTPClient. Every failure comes back as a `SyncError` that says whether to retry.
public final class HubClient: Sendable {
    /// The configuration in use (its description redacts the token).
    public let configuration: SyncConfiguration
    /// Whether the server is known to be down, from every exchange of this client.
    public let reachability = HubReachability()
    let client: HTTPClient
    /// The largest response body read.
    static let maximumResponseBytes = 16 << 20

    /// Creates a client: TLS with the system CAs, or the configured CA file, and the optional
    /// client certificate.
    public init(configuration: SyncConfiguration) throws(SyncError) {
        self.configuration = configuration
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = configuration.caFile {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            }
        } catch {
            throw SyncConfiguration.keyError("server.ca_file", "names \(configuration.caFile ?? ""), which holds no PEM certificate (\(error))")
        }
        if let cert = configuration.clientCertificate, let key = configuration.clientKey {
            do { tls.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) } } catch {
                throw SyncConfiguration.keyError("server.client_cert", "names \(cert), which holds no PEM certificate (\(error))")
            }
            do { tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)) } catch {
                throw SyncConfiguration.keyError("server.client_key", "names \(key), which holds no PEM private key (\(error))")
            }
        }
        let timeout = TimeAmount.milliseconds(configuration.requestTimeout.milliseconds)
        client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(tlsConfiguration: tls, timeout: .init(connect: .seconds(5), read: timeout)))
    }

    /// Closes connections; call once when done.
    public func shutdown() async {
        try? await client.shutdown()
    }

    /// A client dropped without `shutdown()` (a path that threw or returned early) closes its
    /// connections in the background: AsyncHTTPClient would otherwise stop the whole process
    /// ("Client not shut down before the deinit"). After `shutdown()` this answers "already shut
    /// down" to nobody.
    deinit {
        client.shutdown { _ in }
    }

    // MARK: The API

    /// What the server answered for a batch.
    public struct BatchReceipt: Hashable, Sendable {
        /// Keys stored now.
        public var stored: [String]
        /// Keys the server already had (a retry of a batch whose answer was lost).
        public var duplicates: [String]
    }

    /// Posts outbox entries as one batch (`POST /v1/results`). The server stores all or none.
    public func postBatch(_ entries: [OutboxEntry]) async throws(SyncError) -> BatchReceipt {
        var body = "{\"items\":["
        body.reserveCapacity(entries.reduce(16) { $0 + $1.body.utf8.count + 120 })
        for (i, e) in entries.enumerated() {
            if i > 0 { body += "," }
            body += "{\"key\":" + JSONValue.string(e.key).jsonText + ",\"type\":\"" + e.kind.rawValue + "\",\"order_id\":"
            body += JSONValue.optional(e.orderID).jsonText + ",\"body\":" + e.body + "}"
        }
        body += "]}"
        let answer = try await send(.POST, "/v1/results", body: body)
        guard case .array(let items)? = answer["items"] else { throw malformed("/v1/results") }
        var receipt = BatchReceipt(stored: [], duplicates: [])
        for item in items {
            guard case .string(let key)? = item["key"], case .string(let status)? = item["status"] else { throw malformed("/v1/results") }
            if status == "duplicate" { receipt.duplicates.append(key) } else { receipt.stored.append(key) }
        }
        return receipt
    }

    /// What the server said about a barcode.
    public enum LookupAnswer: Hashable, Sendable {
        /// The order (which may be on hold: the pack session says so).
        case found(JSONValue)
        /// No order has this barcode (404).
        case unknown
        /// The station may not pack it (403 `not_your_order`, 409 `order_cancelled`): definitive.
        case refused(code: String, message: String)
    }

    /// Looks up an order by any of its barcodes (`GET /v1/orders/lookup`). Throws when the server
    /// gave no answer about the order (unreachable, failing, token refused).
    public func lookupOrder(barcode: String, timeout: Duration? = nil) async throws(SyncError) -> LookupAnswer {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&+=?#")
        let query = barcode.addingPercentEncoding(withAllowedCharacters: allowed) ?? barcode
        do {
            return .found(try await send(.GET, "/v1/orders/lookup?barcode=" + query, timeout: timeout))
        } catch where error.code == "sync.http404" {
            return .unknown
        } catch where error.code == "sync.refused" {
            return .refused(code: error.serverCode ?? "refused", message: error.serverMessage ?? error.message)
        }
    }

    /// The orders queued for this station (`GET /v1/orders/queue`), to cache for offline packing.
    public func queuedOrders() async throws(SyncError) -> [JSONValue] {
        let answer = try await send(.GET, "/v1/orders/queue")
        guard case .array(let orders)? = answer["orders"] else { throw malformed("/v1/orders/queue") }
        return orders
    }

    /// Sends device status and the heartbeat (`POST /v1/status`); `status` is the body object.
    /// Returns the server's answer (`station`: the name it knows this token by).
    @discardableResult
    public func sendStatus(_ status: JSONValue) async throws(SyncError) -> JSONValue {
        try await send(.POST, "/v1/status", body: status.jsonText)
    }

    /// The bulk label runs assigned to this station (`GET /v1/label-runs`).
    public func labelRuns() async throws(SyncError) -> [JSONValue] {
        let answer = try await send(.GET, "/v1/label-runs")
        guard case .array(let runs)? = answer["runs"] else { throw malformed("/v1/label-runs") }
        return runs
    }

    /// Reports a label run's progress (`POST /v1/label-runs/{id}/progress`); returns the run.
    /// `total` is the station's count of a label file's labels; `reason` says why it failed.
    public func reportProgress(run id: String, printed: Int, state: String, total: Int? = nil, reason: String? = nil) async throws(SyncError) -> JSONValue {
        var body: [(String, JSONValue)] = [("printed", .int(printed)), ("state", .string(state))]
        if let total { body.append(("total", .int(total))) }
        if let reason { body.append(("reason", .string(reason))) }
        return try await send(.POST, "/v1/label-runs/\(id)/progress", body: JSONValue.object(body).jsonText)
    }

    // MARK: Plumbing

    private func malformed(_ path: String) -> SyncError {
        SyncError(code: "sync.bad_answer", message: "The server's answer to \(path) is not what the API describes; check that \(configuration.serverURL) is a packstation server.", kind: .transient)
    }

    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, timeout: Duration? = nil) async throws(SyncError) -> JSONValue {
        do {
            let answer = try await exchange(method, path, body: body, timeout: timeout)
            reachability.succeeded()
            return answer
        } catch {
            if HubReachability.meansDown(error) { reachability.failed() } else { reachability.succeeded() }
            throw error
        }
    }

    private func exchange(_ method: HTTPMethod, _ path: String, body: String? = nil, timeout: Duration? = nil) async throws(SyncError) -> JSONValue {
        var request = HTTPClientRequest(url: configuration.serverURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer " + configuration.token.value)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .milliseconds((timeout ?? configuration.requestTimeout).milliseconds))
            bytes = try await response.body.collect(upTo: Self.maximumResponseBytes)
        } catch {
            // The error text never holds the token: it is only in a header.
            throw SyncError(code: "sync.unreachable", message: "Cannot reach the server at \(configuration.serverURL) (\(error)); results stay in the outbox and are sent when it answers.", kind: .transient)
        }
        let document = try? JSONParser.parse(Array(buffer: bytes))
        let status = Int(response.status.code)
        if (200..<300).contains(status) {
            guard let document else { throw malformed(path) }
            return document
        }
        throw Self.error(status: status, document: document, retryAfter: response.headers.first(name: "Retry-After"), path: path, server: configuration.serverURL)
    }

    static func error(status: Int, document: JSONValue?, retryAfter: String?, path: String, server: String) -> SyncError {
        let code: String? = if case .string(let c)? = document?["error"]?["code"] { c } else { nil }
        let text: String = if case .string(let m)? = document?["error"]?["message"] { m } else { "HTTP \(status)" }
        let wait = retryAfter.flatMap(parseRetryAfter)
        switch status {
        case 408, 429, 500...599:
            return SyncError(code: "sync.http\(status)", message: "The server at \(server) is busy or failing (HTTP \(status): \(text)); retrying later.", kind: .transient, retryAfter: wait)
        case 401:
            return SyncError(code: "sync.auth", message: "The server refused this station's token (\(code ?? "HTTP \(status)"): \(text)). Check server.token (PACKSTATION_TOKEN); the admin can issue one with `packstation-hub station add NAME`.", kind: .permanent, retryAfter: wait)
        default:
            // A 403/409/422 naming a batch item refuses that entry, not the token: the rest may go on.
            if case .number(let n)? = document?["error"]?["item"], let index = Int(n) {
                var details = ""
                if case .array(let problems)? = document?["error"]?["problems"] {
                    details = problems.compactMap { p -> String? in
                        guard case .string(let path)? = p["path"], case .string(let m)? = p["message"] else { return nil }
                        return "\(path): \(m)"
                    }.joined(separator: "; ")
                }
                let said = text + (details.isEmpty ? "" : " " + details)
                var e = SyncError(code: "sync.rejected", message: "The server refused entry \(index) of the batch (\(code ?? "HTTP \(status)"): \(said)).", kind: .rejectedItem(index))
                e.serverCode = code ?? "http\(status)"
                e.serverMessage = said
                return e
            }
            if let code, orderRefusals.contains(code) {
                var e = SyncError(code: "sync.refused", message: "The server refused the order (\(code)): \(text)", kind: .permanent)
                e.serverCode = code
                e.serverMessage = text
                return e
            }
            if status == 403 {
                return SyncError(code: "sync.auth", message: "The server refused this station's token (\(code ?? "HTTP \(status)"): \(text)). Check server.token (PACKSTATION_TOKEN); the admin can issue one with `packstation-hub station add NAME`.", kind: .permanent, retryAfter: wait)
            }
            return SyncError(code: "sync.http\(status)", message: "The server answered \(path) with HTTP \(status) (\(code ?? "error"): \(text)).", kind: .permanent, retryAfter: wait)
        }
    }

    /// The codes by which the server refuses a station an order for good (docs/sync.md, "Authorization").
    static let orderRefusals: Set<String> = ["not_your_order", "order_cancelled"]

    /// `Retry-After` as seconds or an HTTP date.
    static func parseRetryAfter(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return .seconds(min(seconds, 3600)) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = f.date(from: trimmed) else { return nil }
        return .seconds(max(0, min(3600, Int(date.timeIntervalSinceNow.rounded(.up)))))
    }
}
