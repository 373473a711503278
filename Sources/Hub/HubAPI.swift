import Foundation
import PackCore

/// One answer of the API: status, content type, body text, extra headers.
public struct HubResponse: Sendable {
    /// HTTP status code.
    public var status: Int
    /// `application/json` or `text/html`.
    public var contentType: String
    /// The body.
    public var body: String
    /// Extra headers (e.g. `Retry-After`).
    public var headers: [(String, String)] = []

    static func json(_ value: JSONValue, status: Int = 200) -> HubResponse {
        HubResponse(status: status, contentType: "application/json", body: value.jsonText)
    }

    static func error(_ e: HubError) -> HubResponse {
        var r = json(e.json, status: e.status == 500 ? 503 : e.status)
        if e.wwwAuthenticate { r.headers.append(("WWW-Authenticate", "Basic realm=\"packstation-hub\", charset=\"UTF-8\"")) }
        // A database hiccup is worth a retry soon; every other error is the request's fault.
        if e.status == 500 { r.headers.append(("Retry-After", "1")) }
        return r
    }
}

/// The hub's API (docs/api/openapi.yaml) as plain functions of a request: routing, auth,
/// limits and validation, with no HTTP server in it (HubServer adapts it to Hummingbird).
public struct HubAPI: Sendable {
    /// The database.
    public let store: HubStore
    /// Largest request body accepted (413 above).
    public var maximumBodyBytes: Int

    /// When set, the read API (`/v1/admin/*`) and the web page need it: `Authorization: Bearer
    /// TOKEN`, or HTTP Basic with TOKEN as the password (what a browser sends after its prompt).
    public var adminToken: String?

    /// Creates the API over a store.
    public init(store: HubStore, maximumBodyBytes: Int = 8 << 20, adminToken: String? = nil) {
        self.store = store
        self.maximumBodyBytes = maximumBodyBytes
        self.adminToken = adminToken
    }

    /// Checks the admin token for the read API and the page (no-op when none is configured).
    private func authorizeAdmin(_ r: Request) throws(HubError) {
        guard let adminToken else { return }
        var presented: String?
        if let auth = r.authorization {
            if auth.hasPrefix("Bearer ") {
                presented = String(auth.dropFirst(7))
            } else if auth.hasPrefix("Basic "), let data = Data(base64Encoded: String(auth.dropFirst(6))),
                      let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":") {
                presented = String(pair[pair.index(after: colon)...])
            }
        }
        // Constant-time comparison: the time taken says nothing about how much of a guess was right.
        let a = Array((presented ?? "").utf8), b = Array(adminToken.utf8)
        var diff = a.count ^ b.count
        for i in 0..<min(a.count, b.count) { diff |= Int(a[i] ^ b[i]) }
        guard presented != nil, diff == 0 else {
            var e = HubError(401, presented == nil ? "missing_admin_token" : "bad_admin_token",
                             "The read API and the page need the hub's admin token: 'Authorization: Bearer TOKEN' (or the browser's login prompt with the token as the password).")
            e.wwwAuthenticate = true
            throw e
        }
    }

    /// A request as the API sees it.
    public struct Request: Sendable {
        /// `GET`, `POST`, ...
        public var method: String
        /// The path without the query.
        public var path: String
        /// Decoded query parameters.
        public var query: [String: String]
        /// The `Authorization` header.
        public var authorization: String?
        /// The `Content-Type` header.
        public var contentType: String?
        /// The body; nil when it was larger than the limit.
        public var body: [UInt8]?

        /// Creates a request.
        public init(method: String, path: String, query: [String: String] = [:], authorization: String? = nil, contentType: String? = nil, body: [UInt8]? = []) {
            self.method = method
            self.path = path
            self.query = query
            self.authorization = authorization
            self.contentType = contentType
            self.body = body
        }
    }

    /// Answers one request; never throws (every error is a 4xx/5xx JSON body).
    public func respond(to request: Request) async -> HubResponse {
        do throws(HubError) {
            return try await route(request)
        } catch {
            return .error(error)
        }
    }

    private func route(_ r: Request) async throws(HubError) -> HubResponse {
        let parts = r.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if parts.count >= 2, parts[0] == "v1", parts[1] == "admin" { try authorizeAdmin(r) }
        switch (r.method, parts) {
        case ("GET", []):
            try authorizeAdmin(r)
            return HubResponse(status: 200, contentType: "text/html; charset=utf-8", body: try await HubPage.render(store))
        case ("GET", ["healthz"]): return .json(["ok": true])
        case ("GET", ["v1", "orders", "lookup"]):
            let station = try await store.authenticate(authorization: r.authorization)
            guard let code = r.query["barcode"], !code.isEmpty else {
                throw HubError(400, "missing_parameter", "Give the barcode as ?barcode=CODE.")
            }
            let text = try await store.lookupOrder(barcode: code, for: station)
            return HubResponse(status: 200, contentType: "application/json", body: text)
        case ("GET", ["v1", "orders", "queue"]):
            let station = try await store.authenticate(authorization: r.authorization)
            let orders = try await store.queuedOrders(for: station)
            return HubResponse(status: 200, contentType: "application/json", body: "{\"orders\":[" + orders.joined(separator: ",") + "]}")
        case ("POST", ["v1", "results"]):
            let station = try await store.authenticate(authorization: r.authorization)
            let batch = try ResultBatch(bytes: try body(r))
            let outcome = try await store.store(batch, from: station)
            let stored = outcome.items.filter { $0.status == "stored" }.count
            return .json(.object([
                ("stored", .int(stored)), ("duplicates", .int(outcome.items.count - stored)),
                ("items", .array(outcome.items.map { .object([("key", .string($0.key)), ("status", .string($0.status))]) })),
            ]))
        case ("POST", ["v1", "status"]):
            let station = try await store.authenticate(authorization: r.authorization)
            let status = try Self.checkStatus(try parse(try body(r)))
            try await store.recordStatus(status, from: station)
            return .json(.object([("station", .string(station.name)), ("online", true), ("received_at", .string(HubStore.timestamp(Date().timeIntervalSince1970)))]))
        case ("GET", ["v1", "label-runs"]):
            let station = try await store.authenticate(authorization: r.authorization)
            return .json(.object([("runs", .array(try await store.labelRuns(for: station)))]))
        case ("POST", _) where parts.count == 4 && parts[0] == "v1" && parts[1] == "label-runs" && parts[3] == "progress":
            let id = parts[2]
            let station = try await store.authenticate(authorization: r.authorization)
            guard let runID = Int64(id) else { throw HubError(404, "unknown_run", "Label run '\(id)' does not exist.") }
            let doc = try parse(try body(r))
            guard case .object = doc else { throw HubError(422, "wrong_type", "The body must be an object {\"printed\": N, \"state\": S}, not \(doc.typeDescription).") }
            guard case .number(let n)? = doc["printed"], let printed = Int(n) else {
                throw HubError(422, "wrong_type", "printed must be a whole number.", problems: [.init(path: "printed", message: "expected a whole number, found \(doc["printed"]?.typeDescription ?? "nothing")")])
            }
            guard case .string(let state)? = doc["state"] else {
                throw HubError(422, "wrong_type", "state must be a string.", problems: [.init(path: "state", message: "expected a string, found \(doc["state"]?.typeDescription ?? "nothing")")])
            }
            return .json(try await store.reportProgress(run: runID, printed: printed, state: state, from: station))
        case ("GET", ["v1", "admin", "summary"]): return .json(try await store.summary())
        case ("GET", ["v1", "admin", "orders"]): return .json(.object([("orders", .array(try await store.listOrders(limit: limit(r))))]))
        case ("GET", ["v1", "admin", "stations"]): return .json(.object([("stations", .array(try await store.listStations()))]))
        case ("GET", ["v1", "admin", "results"]):
            return .json(.object([("results", .array(try await store.listResults(orderID: r.query["order_id"], limit: limit(r))))]))
        default:
            if Self.knownPaths.contains(where: { $0(parts) }) {
                throw HubError(405, "method_not_allowed", "\(r.method) is not allowed on \(r.path); see docs/api/openapi.yaml.")
            }
            throw HubError(404, "not_found", "No such endpoint: \(r.method) \(r.path); see docs/api/openapi.yaml.")
        }
    }

    private static let knownPaths: [@Sendable ([String]) -> Bool] = [
        { $0.isEmpty }, { $0 == ["healthz"] }, { $0.count == 3 && $0[0] == "v1" && $0[1] == "orders" }, { $0 == ["v1", "results"] },
        { $0 == ["v1", "status"] }, { $0 == ["v1", "label-runs"] }, { $0.count == 4 && $0[1] == "label-runs" }, { $0.count == 3 && $0[1] == "admin" },
    ]

    private func limit(_ r: Request) throws(HubError) -> Int {
        guard let text = r.query["limit"] else { return 100 }
        guard let n = Int(text), (1...10_000).contains(n) else { throw HubError(400, "bad_parameter", "limit must be a whole number from 1 to 10000, not '\(text)'.") }
        return n
    }

    private func body(_ r: Request) throws(HubError) -> [UInt8] {
        if let type = r.contentType, !type.lowercased().contains("json") {
            throw HubError(415, "unsupported_media_type", "Send the body as application/json, not \(type).")
        }
        guard let bytes = r.body else {
            throw HubError(413, "body_too_large", "The request body is larger than \(maximumBodyBytes) bytes; send smaller batches.")
        }
        return bytes
    }

    private func parse(_ bytes: [UInt8]) throws(HubError) -> JSONValue {
        do { return try JSONParser.parse(bytes) } catch {
            throw HubError(400, "malformed_json", "The request body is not valid JSON: \(error).")
        }
    }

    static let statusKeys: Set<String> = ["scanners", "printers", "outbox_pending", "oldest_pending_at", "agent_version"]

    /// The heartbeat body: `scanners` and `printers` arrays of {name, state, detail?}, plus the
    /// agent's outbox figures.
    static func checkStatus(_ doc: JSONValue) throws(HubError) -> JSONValue {
        guard case .object = doc else { throw HubError(422, "wrong_type", "The body must be an object, not \(doc.typeDescription).") }
        var problems: [OrderError.Problem] = []
        if case .object(let members) = doc {
            for (key, _) in members where !statusKeys.contains(key) {
                problems.append(.init(path: key, message: "unknown field; expected \(statusKeys.sorted().joined(separator: ", "))"))
            }
        }
        for key in ["scanners", "printers"] {
            guard let list = doc[key] else { continue }
            guard case .array(let devices) = list else { problems.append(.init(path: key, message: "expected an array, found \(list.typeDescription)")); continue }
            for (i, d) in devices.enumerated() {
                for field in ["name", "state"] {
                    guard case .string? = d[field] else { problems.append(.init(path: "\(key)[\(i)].\(field)", message: "expected a string, found \(d[field]?.typeDescription ?? "nothing")")); continue }
                }
            }
        }
        if let p = doc["outbox_pending"] { if case .number(let n) = p, Int(n) != nil {} else { problems.append(.init(path: "outbox_pending", message: "expected a whole number, found \(p.typeDescription)")) } }
        guard problems.isEmpty else { throw HubError(422, "wrong_type", "The status body has \(problems.count) problem(s); nothing was stored.", problems: problems) }
        return doc
    }
}
