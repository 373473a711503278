import Foundation
import Prometheus
import Synchronization

/// The agent's metrics, exposed at /metrics in the Prometheus text format through
/// swift-prometheus: counters, gauges read at scrape time, and latency histograms that a
/// Prometheus server can aggregate over time and across stations (`histogram_quantile`).
///
/// Each agent has a registry of its own (a test process runs several agents); the HTTP
/// metrics of the kiosk server are process-wide (HTTPMetrics) and written after these.
final class AgentMetrics: Sendable {
    /// Latency buckets, 1 ms to 10 s: the goals are 20 ms (screen) and 100 ms (printer), so the
    /// buckets are dense there; a printer that was out of paper lands in the top ones.
    static let buckets: [Duration] = [1, 2, 5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 500, 1000, 2000, 5000, 10000].map { .milliseconds($0) }

    let registry: PrometheusCollectorRegistry
    private let scanToScreen: DurationHistogram
    private let scanToPrinter: DurationHistogram
    private let scanVerdict: DurationHistogram
    private let ordersPacked: Counter
    private let labelsPrinted: Counter
    private let printFailures: Counter
    private let reprints: [String: Counter]
    private let labelsQueued: Gauge
    private let outboxDepth: Gauge
    private let outboxOldestAge: Gauge
    /// Label jobs queued by a completing scan and not yet accepted by the printer: the packer
    /// waits for all of a scan's labels, so the time is taken when the last one is accepted.
    private struct AwaitingPrinter {
        var group: [Int64: Int64] = [:]   // job id → its scan's first job id
        var scans: [Int64: (scanAt: Date, left: Int)] = [:]
    }
    private let awaitingPrinter = Mutex(AwaitingPrinter())

    static let scansHelp = "Scans handled, by verdict."

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        scanToScreen = registry.makeDurationHistogram(name: "packstation_scan_to_screen_seconds", buckets: Self.buckets,
            help: "From a scan read to its verdict written on the kiosk's event stream (journal commit included); when no page is open, to the verdict's publication.")
        scanToPrinter = registry.makeDurationHistogram(name: "packstation_scan_to_printer_seconds", buckets: Self.buckets,
            help: "From the scan that completes an order to the last of its labels accepted by the printer or the spooler.")
        scanVerdict = registry.makeDurationHistogram(name: "packstation_scan_verdict_seconds", buckets: Self.buckets,
            help: "From a scan to its verdict inside the pack session (order lookups included; journal and kiosk not included).")
        ordersPacked = registry.makeCounter(name: "packstation_orders_packed_total", help: "Orders packed (complete or short-shipped).")
        labelsPrinted = registry.makeCounter(name: "packstation_labels_printed_total", help: "Labels the printer accepted.")
        printFailures = registry.makeCounter(name: "packstation_print_failures_total", help: "Label print attempts that failed (the label stays queued).")
        let reprintHelp = "Labels printed again at the bench: kind=reprint (CMD:REPRINT) or void (CMD:VOID, the replacement of a voided label)."
        reprints = Dictionary(uniqueKeysWithValues: ["reprint", "void"].map {
            ($0, registry.makeCounter(name: "packstation_labels_reprinted_total", labels: [("kind", $0)], help: reprintHelp))
        })
        labelsQueued = registry.makeGauge(name: "packstation_labels_queued", help: "Labels waiting for the printer.")
        outboxDepth = registry.makeGauge(name: "packstation_outbox_depth", help: "Results and events waiting to reach the server.")
        outboxOldestAge = registry.makeGauge(name: "packstation_outbox_oldest_age_seconds", help: "Age of the oldest entry waiting to reach the server (0 when none).")
    }

    /// A scan's verdict, and how long the pack session took to reach it.
    func verdict(_ kind: String, seconds: Double) {
        registry.makeCounter(name: "packstation_scans_total", labels: [("verdict", kind)], help: Self.scansHelp).increment()
        scanVerdict.record(.nanoseconds(Int64(max(0, seconds) * 1e9)))
    }

    /// Verdicts of scans read at `scans` reached the kiosk's event stream `at`.
    func shown(_ scans: [Date], at now: Date = Date()) {
        for scan in scans { scanToScreen.record(Self.elapsed(from: scan, to: now)) }
    }

    /// A completing scan read at `scanAt` queued these label jobs; the time is recorded when the
    /// printer has accepted all of them.
    func awaitPrinter(labels ids: [Int64], scanAt: Date) {
        guard let first = ids.first else { return }
        awaitingPrinter.withLock { waiting in
            waiting.scans[first] = (scanAt, ids.count)
            for id in ids { waiting.group[id] = first }
        }
    }

    /// The printer (or spooler) accepted label job `id`.
    func labelPrinted(jobID id: Int64, at now: Date = Date()) {
        labelsPrinted.increment()
        let done: Date? = awaitingPrinter.withLock { waiting in
            guard let first = waiting.group.removeValue(forKey: id), var scan = waiting.scans[first] else { return nil }
            scan.left -= 1
            guard scan.left == 0 else {
                waiting.scans[first] = scan
                return nil
            }
            waiting.scans[first] = nil
            return scan.scanAt
        }
        if let done { scanToPrinter.record(Self.elapsed(from: done, to: now)) }
    }

    func orderPacked() { ordersPacked.increment() }
    /// Labels printed again at the packer's command: `reprint` (CMD:REPRINT) or `void` (CMD:VOID).
    func reprinted(_ kind: String, labels: Int) { reprints[kind]?.increment(by: Int64(labels)) }
    func printFailure() { printFailures.increment() }

    /// The exposition text; queue and outbox figures are read at scrape time.
    func text(outboxDepth depth: Int, outboxOldestAge age: Double?, labelsQueued queued: Int) -> String {
        labelsQueued.set(to: Double(queued))
        outboxDepth.set(to: Double(depth))
        outboxOldestAge.set(to: age ?? 0)
        return registry.emitToString()
    }

    /// Wall-clock time between two instants (scans carry the time they were read, which may
    /// come from the kernel); a clock stepped backwards counts as zero, not as a negative wait.
    static func elapsed(from start: Date, to end: Date) -> Duration {
        .nanoseconds(Int64(max(0, end.timeIntervalSince(start)) * 1e9))
    }
}
