import Foundation
import HTTPGuard
import HTTPMetrics
import Hummingbird
import NIOCore
import PackCore

/// The hub's API (docs/api/openapi.yaml) on Hummingbird's router. Each route is thin:
/// authenticate (middleware) -> read the bounded body (middleware) -> call the store -> encode.
public struct HubAPI: Sendable {
    /// The database.
    public let store: HubStore
    /// Largest results batch accepted (`POST /v1/results`; 413 above).
    public var maximumBodyBytes: Int
    /// Largest heartbeat accepted (`POST /v1/status`): a station's device list, a few kB.
    public var maximumStatusBytes = 64 << 10
    /// Largest label-run progress report accepted: `{"printed": N, "state": S, "total": T, "reason": R}`.
    public var maximumProgressBytes = 64 << 10

    /// When set, the read API (`/v1/admin/*`) and the web page need it: `Authorization: Bearer
    /// TOKEN`, or HTTP Basic with TOKEN as the password (what a browser sends after its prompt).
    public var adminToken: String?

    /// The supervisor's page's live updates (and its language); HubServer runs it as a service.
    public var pageFeed: PageFeed

    /// Draws a close-out's manifest PDF (LabelGraphics' `ManifestPDF`, given by `serve`); without
    /// one `POST /v1/admin/closeouts` answers 503.
    public var manifestRenderer: HubStore.ManifestRenderer?

    /// Extra `Host` names answered when the hub has no admin token (besides loopback names);
    /// with an admin token every `Host` is answered.
    public var allowedHosts: [String] = []

    /// Creates the API over a store.
    public init(store: HubStore, maximumBodyBytes: Int = 8 << 20, adminToken: String? = nil) {
        self.store = store
        self.maximumBodyBytes = maximumBodyBytes
        self.adminToken = adminToken
        pageFeed = PageFeed(store: store)
    }

    /// Every endpoint, for 405 answers and their `Allow` header.
    static let endpoints: [(method: HTTPRequest.Method, path: [Substring])] = ([
        (.get, "/"), (.get, "/hub.css"), (.get, "/hub.js"), (.get, "/events"), (.get, "/healthz"), (.get, "/metrics"), (.get, "/v1/orders/lookup"), (.get, "/v1/orders/queue"), (.post, "/v1/results"), (.post, "/v1/status"),
        (.get, "/v1/label-runs"), (.get, "/v1/label-runs/:id/labels"), (.post, "/v1/label-runs/:id/progress"), (.get, "/v1/packers"), (.get, "/v1/admin/packers"), (.get, "/v1/admin/label-runs"),
        (.get, "/v1/admin/webhooks"), (.post, "/v1/admin/webhooks"), (.delete, "/v1/admin/webhooks/:id"), (.post, "/v1/admin/webhooks/:id/rotate-secret"),
        (.get, "/v1/admin/webhook-dead-letters"), (.post, "/v1/admin/webhook-dead-letters/replay"),
        (.get, "/v1/admin/summary"), (.get, "/v1/admin/orders"), (.get, "/v1/admin/stations"), (.get, "/v1/admin/results"),
        (.post, "/v1/tracking"), (.get, "/v1/admin/orders/:id/history"),
        (.get, "/v1/loads/packages"), (.get, "/v1/admin/loads"),
        (.get, "/v1/admin/closeouts"), (.post, "/v1/admin/closeouts"), (.post, "/v1/admin/closeouts/reopen"), (.get, "/v1/admin/closeouts/:id/pdf"), (.get, "/v1/admin/closeouts/:id/csv"),
    ] as [(HTTPRequest.Method, String)]).map { ($0.0, $0.1.split(separator: "/")) }

    /// The methods routed on `path` (empty when the path is unknown).
    static func methods(allowedOn path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/")
        return endpoints.filter { e in
            e.path.count == parts.count && zip(e.path, parts).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }.map(\.method)
    }

    /// The router: middlewares outermost first, then the route groups.
    public func makeRouter(port: BoundPort, recorder: ExchangeRecorder? = nil) -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: HTTPMetrics.middleware(context: HubRequestContext.self))
        if let recorder { router.add(middleware: ExchangeRecording(recorder: recorder)) }
        router.add(middleware: SecurityHeadersMiddleware(contentSecurityPolicy: HubPage.contentSecurityPolicy))
        router.add(middleware: JSONErrors())
        if adminToken == nil {
            // Without a token the page and the read API are open to whoever reaches the port;
            // a DNS name rebound to 127.0.0.1 must not make a browser that someone.
            router.add(middleware: HostAllowlistMiddleware(allowlist: .loopback(port: port, extra: allowedHosts)))
        }

        router.get("/healthz") { _, _ in Self.json(["ok": true]) }

        let admin = router.group().add(middleware: AdminAuthentication(token: adminToken))
        // The HTTP server's request counts and latencies (Prometheus text format), to admins as the page is.
        admin.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: HTTPMetrics.text())))
        }
        let pageFeed = self.pageFeed
        admin.get("/") { request, _ in try await HubPage.response(request, feed: pageFeed) }
        admin.get("/hub.css") { _, _ in HubPage.asset(PageAssets.css, type: "text/css; charset=utf-8") }
        admin.get("/hub.js") { _, _ in HubPage.asset(PageAssets.script, type: "text/javascript; charset=utf-8") }
        admin.get("/events") { request, _ in pageFeed.streamResponse(request) }
        admin.group("v1/admin")
            .get("summary") { _, _ in Self.json(try await store.summary()) }
            .get("orders") { request, _ in Self.json(.object([("orders", .array(try await store.listOrders(limit: try Self.limit(request))))])) }
            .get("stations") { _, _ in Self.json(.object([("stations", .array(try await store.listStations()))])) }
            .get("label-runs") { request, _ in
                let station = request.uri.queryParameters["station"].map(String.init)
                return Self.json(.object([("runs", .array(try await store.listLabelRunsAsync(station: station, limit: try Self.limit(request))))]))
            }
            .get("results") { request, _ in
                let orderID = request.uri.queryParameters["order_id"].map(String.init)
                return Self.json(.object([("results", .array(try await store.listResults(orderID: orderID, limit: try Self.limit(request))))]))
            }
            .get("packers") { _, _ in Self.json(try await store.packersForAdmins()) }
            .get("orders/:id/history") { request, context in try await orderHistory(request, context) }
        addDockAdminRoutes(admin.group("v1/admin"))
        addCloseoutRoutes(admin.group("v1/admin"))
        addWebhookRoutes(to: admin.group("v1/admin"))

        let station = router.group("v1").add(middleware: StationAuthentication(store: store))
        station.get("orders/lookup") { request, context in try await lookup(request, context) }
        station.get("orders/queue") { request, context in
            // With `since` (empty: from the start): changes after the cursor, for the offline cache.
            // A limit is checked even without it (a bad one is refused, never quietly ignored).
            let limit = try Self.limit(request, default: 1000, maximum: HubStore.maximumChangesPage)
            if let since = request.uri.queryParameters["since"].map(String.init) {
                let page = try await store.queueChanges(since: since.isEmpty ? nil : since, for: try context.requireStation(), limit: limit)
                return Self.json(text: page.jsonText)
            }
            let orders = try await store.queuedOrders(for: try context.requireStation())
            return Self.json(text: "{\"orders\":[" + orders.joined(separator: ",") + "]}")
        }
        station.get("packers") { _, _ in Self.json(try await store.packersForStations()) }
        addDockStationRoutes(station)
        station.get("label-runs") { _, context in
            Self.json(.object([("runs", .array(try await store.labelRuns(for: try context.requireStation())))]))
        }
        station.get("label-runs/:id/labels") { _, context in try await labelRunLabels(context) }
        station.group().add(middleware: JSONBody(limit: maximumBodyBytes)).post("results") { _, context in try await results(context) }
        station.group().add(middleware: JSONBody(limit: maximumStatusBytes)).post("status") { _, context in try await status(context) }
        station.group().add(middleware: JSONBody(limit: maximumProgressBytes)).post("label-runs/:id/progress") { _, context in try await progress(context) }
        router.group("v1").add(middleware: IntegrationAuthentication(store: store, adminToken: adminToken))
            .add(middleware: JSONBody(limit: TrackingBatch.maximumBytes)).post("tracking") { _, context in try await tracking(context) }
        return router
    }

    private func lookup(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let station = try context.requireStation()
        guard let code = request.uri.queryParameters["barcode"].map(String.init), !code.isEmpty else {
            throw HubError(400, "missing_parameter", "Give the barcode as ?barcode=CODE.")
        }
        return Self.json(text: try await store.lookupOrder(barcode: code, for: station))
    }

    private func results(_ context: HubRequestContext) async throws -> Response {
        let batch = try ResultBatch(bytes: context.body)
        let outcome = try await store.store(batch, from: try context.requireStation())
        let stored = outcome.items.filter { $0.status == "stored" }.count
        return Self.json(.object([
            ("stored", .int(stored)), ("duplicates", .int(outcome.items.count - stored)),
            ("items", .array(outcome.items.map { .object([("key", .string($0.key)), ("status", .string($0.status))]) })),
        ]))
    }

    private func status(_ context: HubRequestContext) async throws -> Response {
        let station = try context.requireStation()
        let status = try Self.checkStatus(try Self.parse(context.body))
        try await store.recordStatus(status, from: station)
        return Self.json(.object([("station", .string(station.name)), ("online", true), ("received_at", .string(HubStore.timestamp(Date().timeIntervalSince1970)))]))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        json(text: value.jsonText, status: status)
    }

    static func json(text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func limit(_ request: Request, default fallback: Int = 100, maximum: Int = 10_000) throws(HubError) -> Int {
        guard let text = request.uri.queryParameters["limit"].map(String.init) else { return fallback }
        guard let n = Int(text), (1...maximum).contains(n) else { throw HubError(400, "bad_parameter", "limit must be a whole number from 1 to \(maximum), not '\(text)'.") }
        return n
    }

    static func parse(_ bytes: [UInt8]) throws(HubError) -> JSONValue {
        do { return try JSONParser.parse(bytes) } catch {
            throw HubError(400, "malformed_json", "The request body is not valid JSON: \(error).")
        }
    }

    /// A value for an error message: numbers as written, other kinds by name.
    static func describe(_ value: JSONValue?) -> String {
        if case .number(let n)? = value { return n }
        return value?.typeDescription ?? "nothing"
    }
}
