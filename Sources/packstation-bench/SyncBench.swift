import Dispatch
import Foundation
import Hub
import Logging
import PackCore
import Sync

/// Sync throughput on 127.0.0.1: results recorded into the journal (synchronous commits), then a
/// 10,000-result backlog drained to an in-process hub in batches, against one request per result.
enum SyncBench {
    static let backlog = 10_000
    static let singles = 1_000

    static func run() {
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await measure() } catch { print("sync benchmark failed: \(error)") }
            done.signal()
        }
        done.wait()
    }

    static func measure() async throws {
        let dir = NSTemporaryDirectory() + "packstation-syncbench-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try HubStore(path: dir + "/hub.sqlite")
        let token = try store.addStation(name: "bench-1")
        // The hub takes results only for orders it has.
        let orders = (0..<backlog).map { SyntheticResults.orderJSON(id: "B-\($0)") }.joined(separator: "\n")
        _ = try store.importOrders(OrderImport.parse(Array(orders.utf8), name: "orders.jsonl"))
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = Task { [logger] in
            try await HubServer(api: HubAPI(store: store), port: 0).run(logger: logger, signals: false) { portContinuation.yield($0) }
        }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { return }
        let url = "http://127.0.0.1:\(port)"

        print("| what | results | seconds | results/s |")
        print("|---|---:|---:|---:|")
        let journal = try Journal(directory: dir + "/agent")
        let results = (0..<backlog).map { SyntheticResults.packed(orderID: "B-\($0)") }
        var t0 = Measure.now()
        for r in results { try journal.recordResult(r) }
        row("recorded into the journal (one synchronous commit each)", backlog, Measure.now() - t0)

        for batch in [500, 100] {
            if batch != 500 {
                // Re-queue the same backlog under new keys for the next batch size.
                for r in results.prefix(backlog) { try journal.recordResult(r) }
            }
            let client = try HubClient(configuration: SyncConfiguration(serverURL: url, token: Secret(token), batchSize: batch))
            t0 = Measure.now()
            let report = await SyncService(journal: journal, client: client, logger: logger).drain()
            let elapsed = Measure.now() - t0
            await client.shutdown()
            guard report.failure == nil, report.stored == backlog else { print("drain failed: \(String(describing: report.failure))"); return }
            row("backlog drained, batches of \(batch) (\(report.requests) requests)", backlog, elapsed)
        }

        for r in results.prefix(singles) { try journal.recordResult(r) }
        let one = try HubClient(configuration: SyncConfiguration(serverURL: url, token: Secret(token), batchSize: 1))
        t0 = Measure.now()
        let report = await SyncService(journal: journal, client: one, logger: logger).drain()
        let elapsed = Measure.now() - t0
        await one.shutdown()
        guard report.failure == nil else { print("drain failed: \(String(describing: report.failure))"); return }
        row("one request per result (\(report.requests) requests)", singles, elapsed)
        let summary = try await store.summary()
        print("\nhub holds \(summary["results"]?.jsonText ?? "?") results (each key once); peak RSS \(String(format: "%.0f", Measure.peakRSSMiB())) MiB")
        server.cancel()
        _ = try? await server.value
    }

    static func row(_ what: String, _ n: Int, _ ns: UInt64) {
        let s = Double(ns) / 1e9
        print("| \(what) | \(n) | \(String(format: "%.2f", s)) | \(String(format: "%.0f", Double(n) / s)) |")
    }
}
