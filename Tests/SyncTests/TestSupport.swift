import Foundation
import Hub
import Logging
import PackCore
import Sync
import TestPeers

/// A fresh temporary directory, removed by the caller with `remove()`.
struct TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "packstation-sync-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A hub served in this process on 127.0.0.1 and a port picked by the system.
final class InProcessHub: Sendable {
    let store: HubStore
    let token: String
    let port: Int
    private let task: Task<Void, any Error>

    var url: String { "http://127.0.0.1:\(port)" }

    /// Two threads shared by every in-process hub of the process (a QueueExecutor's thread lives
    /// as long as the process).
    static let executors = [QueueExecutor(label: "sync-hub-1"), QueueExecutor(label: "sync-hub-2")]

    /// Starts a hub over `database` (a new station `bench-1` is added when `token` is nil).
    init(database: String, token: String? = nil, port: Int = 0) async throws {
        store = try HubStore(path: database)
        self.token = try token ?? store.addStation(name: "bench-1")
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = HubServer(api: HubAPI(store: store), host: "127.0.0.1", port: port)
        var logger = Logger(label: "test-hub")
        logger.logLevel = .critical
        // On threads of its own, not the cooperative pool: amid the whole suite the pool is kept
        // busy for tens of seconds, and a hub on it answered a 20 s lookup too late.
        task = Task(executorPreference: Self.executors.randomElement()!) {
            try await server.run(logger: logger, signals: false) { continuation.yield($0); continuation.finish() }
        }
        var it = stream.makeAsyncIterator()
        self.port = await it.next() ?? 0
    }

    /// Puts the synthetic orders (`SyntheticResults.order(id:)`) on the hub, queued for `station`
    /// (any station when nil): the hub takes results only for orders it has.
    func importOrders(_ ids: [String], station: String? = nil) throws {
        try Self.importOrders(ids, into: store, station: station)
    }

    static func importOrders(_ ids: [String], into store: HubStore, station: String? = nil) throws {
        let lines = ids.map { SyntheticResults.orderJSON(id: $0) }.joined(separator: "\n")
        _ = try store.importOrders(OrderImport.parse(Array(lines.utf8), name: "orders.jsonl"), station: station)
    }

    /// Stops the server and waits until the port is closed.
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

func client(url: String, token: String, batchSize: Int = 500) throws -> HubClient {
    // A generous timeout: tests run side by side on 2 cores; failures here must be real ones.
    try HubClient(configuration: SyncConfiguration(serverURL: url, token: Secret(token), batchSize: batchSize, requestTimeout: .seconds(60)))
}

var quietLogger: Logger {
    var l = Logger(label: "test")
    l.logLevel = .critical
    return l
}

/// Runs blocking work (process waits, fsync-heavy loops) off the cooperative thread pool, so
/// the in-process hubs of tests running alongside keep answering on a 2-core machine.
func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        DispatchQueue.global().async { c.resume(with: Result { try body() }) }
    }
}
