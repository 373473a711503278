import Foundation
import Hub
import Logging
import PackCore
import Synchronization
import TestPeers

/// A hub store in a temporary directory, with one station, served on 127.0.0.1 (started on the
/// first call), and helpers to call the API over real HTTP.
struct HubFixture {
    let dir: String
    let store: HubStore
    let api: HubAPI
    let token: String
    let server: FixtureServer

    init(maximumBodyBytes: Int = 1 << 20, adminToken: String? = nil, configureAPI: (inout HubAPI) -> Void = { _ in }, configure: (inout HubServer) -> Void = { _ in }) throws {
        dir = NSTemporaryDirectory() + "packstation-hub-\(UUID().uuidString)"
        store = try HubStore(path: dir + "/hub.sqlite")
        var api = HubAPI(store: store, maximumBodyBytes: maximumBodyBytes, adminToken: adminToken)
        configureAPI(&api)
        self.api = api
        token = try store.addStation(name: "bench-1")
        var server = HubServer(api: api, host: "127.0.0.1", port: 0)
        configure(&server)
        self.server = FixtureServer(server)
    }

    func remove() {
        server.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// The port the hub listens on (starts it).
    func port() async -> Int { await server.port() }

    /// Calls the API with the station's token (or `token`), the body as `application/json` (or `contentType`).
    func call(_ method: String, _ path: String, query: [String: String] = [:], body: String? = nil, token: String?? = .none, contentType: String? = "application/json") async -> (status: Int, json: JSONValue?, text: String) {
        let r = await send(method, path, query: query, body: body, token: token, contentType: contentType)
        return (r.status, try? JSONParser.parse(r.body), r.text)
    }

    /// Like ``call(_:_:query:body:token:contentType:)`` with the whole answer (headers too), and
    /// any extra headers or Host.
    func send(_ method: String, _ path: String, query: [String: String] = [:], body: String? = nil, token: String?? = .none, contentType: String? = "application/json",
              headers: [(String, String)] = [], host: String? = nil) async -> HTTPAnswer {
        let auth: String? = switch token { case .none: "Bearer " + self.token; case .some(let t): t }
        var all = headers
        if let auth { all.append(("Authorization", auth)) }
        if body != nil, let contentType { all.append(("Content-Type", contentType)) }
        var target = path
        if !query.isEmpty {
            var c = URLComponents()
            c.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            target += "?" + (c.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        }
        return await HTTPTestClient.send(port: await port(), method, target, headers: all, body: body.map { Array($0.utf8) }, host: host)
    }

    func importOrders(_ jsonl: String, station: String? = nil) throws {
        _ = try store.importOrders(OrderImport.parse(Array(jsonl.utf8), name: "orders.jsonl"), station: station)
    }

    static func order(_ id: String, barcodes: [String] = [], status: String = "ready") -> String {
        let codes = barcodes.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"id":"\#(id)","barcodes":[\#(codes)],"status":"\#(status)","payment":"captured","lines":[{"sku":"S-\#(id)","quantity":1,"barcodes":["4006381333931"]}]}"#
    }

    /// A batch with one pack result for each order id.
    static func batch(_ ids: [String], keyPrefix: String = "k") -> String {
        let items = ids.map { id in
            #"{"key":"\#(keyPrefix)-\#(id)","type":"pack_result","order_id":"\#(id)","body":{"order_id":"\#(id)","station":"bench-1","packer":null,"outcome":"packed","started_at":"2026-11-23T10:00:00.000Z","ended_at":"2026-11-23T10:01:00.000Z","lines":[{"sku":"S","expected":1,"packed":1,"short":0,"short_reason":null,"serials":[],"lots":[]}],"scans":[{"seq":1,"data":"4006381333931","verdict":"order_complete","at":"2026-11-23T10:01:00.000Z"}]}}"#
        }
        return #"{"items":["# + items.joined(separator: ",") + "]}"
    }
}

/// The fixture's server, started once on first use and stopped by `remove()`.
final class FixtureServer: Sendable {
    /// Two threads shared by every fixture hub of the process (a QueueExecutor's thread lives as
    /// long as the process).
    static let executors = [QueueExecutor(label: "hub-fixture-1"), QueueExecutor(label: "hub-fixture-2")]
    let server: HubServer
    private let state = Mutex<(run: Task<Void, any Error>?, port: Task<Int, Never>?)>((nil, nil))

    init(_ server: HubServer) {
        self.server = server
    }

    func port() async -> Int {
        let task: Task<Int, Never> = state.withLock { s in
            if let port = s.port { return port }
            let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
            let server = self.server
            // On a queue of its own, as the kiosk's and the guarded server's tests do: amid the whole
            // suite the 2-thread cooperative pool is blocked for tens of seconds by suites waiting
            // for their peers, and a hub served there answers nothing meanwhile.
            s.run = Task(executorPreference: Self.executors.randomElement()!) {
                var logger = Logger(label: "test-hub")
                logger.logLevel = .critical
                try await server.run(logger: logger, signals: false) { continuation.yield($0); continuation.finish() }
            }
            let port = Task { var it = stream.makeAsyncIterator(); return await it.next() ?? 0 }
            s.port = port
            return port
        }
        return await task.value
    }

    func stop() {
        state.withLock { $0.run?.cancel() }
    }
}
