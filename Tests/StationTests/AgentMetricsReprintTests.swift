import Testing
@testable import Station

/// `/metrics` counts labels printed again by kind, from zero, so a dashboard sees both series
/// before the first reprint.
struct AgentMetricsReprintTests {
    @Test func reprintsAreCountedByKind() {
        let metrics = AgentMetrics()
        let before = metrics.text(outboxDepth: 0, outboxOldestAge: nil, labelsQueued: 0)
        #expect(before.contains("packstation_labels_reprinted_total{kind=\"reprint\"} 0\n") && before.contains("packstation_labels_reprinted_total{kind=\"void\"} 0\n"))
        metrics.reprinted("reprint", labels: 3)
        metrics.reprinted("void", labels: 1)
        metrics.reprinted("reprint", labels: 2)
        let after = metrics.text(outboxDepth: 0, outboxOldestAge: nil, labelsQueued: 0)
        #expect(after.contains("# TYPE packstation_labels_reprinted_total counter\n"))
        #expect(after.contains("packstation_labels_reprinted_total{kind=\"reprint\"} 5\n") && after.contains("packstation_labels_reprinted_total{kind=\"void\"} 1\n"))
    }
}
