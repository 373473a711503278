import Foundation
import Synchronization

/// The agent's counters, exposed at /metrics in the Prometheus text format (the format is a
/// few lines of text; a metrics package would add two dependencies for it).
final class AgentMetrics: Sendable {
    private struct Counters {
        var scans: [String: Int] = [:]
        var verdictSeconds: [Double] = []   // recent scan → verdict times, for the summary
        var verdictCount = 0
        var verdictSum = 0.0
        var ordersPacked = 0
        var labelsPrinted = 0
        var printFailures = 0
        var reprints: [String: Int] = ["reprint": 0, "void": 0]
    }

    private let counters = Mutex(Counters())

    func verdict(_ kind: String, seconds: Double) {
        counters.withLock {
            $0.scans[kind, default: 0] += 1
            $0.verdictCount += 1
            $0.verdictSum += seconds
            $0.verdictSeconds.append(seconds)
            if $0.verdictSeconds.count > 1024 { $0.verdictSeconds.removeFirst(512) }
        }
    }

    func orderPacked() { counters.withLock { $0.ordersPacked += 1 } }
    func labelPrinted() { counters.withLock { $0.labelsPrinted += 1 } }
    /// Labels printed again at the packer's command: `reprint` (CMD:REPRINT) or `void` (CMD:VOID).
    func reprinted(_ kind: String, labels: Int) { counters.withLock { $0.reprints[kind, default: 0] += labels } }
    func printFailure() { counters.withLock { $0.printFailures += 1 } }

    /// The exposition text; outbox figures are read at scrape time.
    func text(outboxDepth: Int, outboxOldestAge: Double?, labelsQueued: Int) -> String {
        let c = counters.withLock { $0 }
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) { out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n" }
        family("packstation_scans_total", "counter", "Scans handled, by verdict.")
        for kind in c.scans.keys.sorted() { out += "packstation_scans_total{verdict=\"\(kind)\"} \(c.scans[kind]!)\n" }
        family("packstation_scan_verdict_seconds", "summary", "Time from a scan to its verdict inside the agent (order lookups included).")
        let sorted = c.verdictSeconds.sorted()
        for q in [0.5, 0.99] where !sorted.isEmpty {
            out += "packstation_scan_verdict_seconds{quantile=\"\(q)\"} \(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))])\n"
        }
        out += "packstation_scan_verdict_seconds_sum \(c.verdictSum)\npackstation_scan_verdict_seconds_count \(c.verdictCount)\n"
        family("packstation_orders_packed_total", "counter", "Orders packed (complete or short-shipped).")
        out += "packstation_orders_packed_total \(c.ordersPacked)\n"
        family("packstation_labels_printed_total", "counter", "Labels the printer accepted.")
        out += "packstation_labels_printed_total \(c.labelsPrinted)\n"
        family("packstation_print_failures_total", "counter", "Label print attempts that failed (the label stays queued).")
        out += "packstation_print_failures_total \(c.printFailures)\n"
        family("packstation_labels_reprinted_total", "counter", "Labels printed again at the bench: kind=reprint (CMD:REPRINT) or void (CMD:VOID, the replacement of a voided label).")
        for kind in c.reprints.keys.sorted() { out += "packstation_labels_reprinted_total{kind=\"\(kind)\"} \(c.reprints[kind]!)\n" }
        family("packstation_labels_queued", "gauge", "Labels waiting for the printer.")
        out += "packstation_labels_queued \(labelsQueued)\n"
        family("packstation_outbox_depth", "gauge", "Results and events waiting to reach the server.")
        out += "packstation_outbox_depth \(outboxDepth)\n"
        family("packstation_outbox_oldest_age_seconds", "gauge", "Age of the oldest entry waiting to reach the server (0 when none).")
        out += "packstation_outbox_oldest_age_seconds \(outboxOldestAge ?? 0)\n"
        return out
    }
}
