import Hummingbird
import Metrics
import Prometheus
import Synchronization

/// The HTTP metrics of a server process (the hub, or the agent's kiosk): Hummingbird's
/// `MetricsMiddleware` records through swift-metrics, and `bootstrap()` points swift-metrics at
/// one Prometheus registry that `/metrics` writes out.
///
/// swift-metrics has one backend per process, so this is process-wide: the executables call
/// `bootstrap()` once; a process that never does (a test) records nothing and `text()` is empty.
public enum HTTPMetrics {
    /// The registry the middleware's metrics land in.
    public static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped = Mutex(false)

    /// Latency buckets from 1 ms to 10 s: a bench waits milliseconds; a stalled call shows in the top buckets.
    public static let latencyBuckets: [Duration] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000].map { .milliseconds($0) }

    /// Makes swift-metrics record into `registry`; later calls do nothing.
    public static func bootstrap() {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = latencyBuckets
        factory.nameAndLabelSanitizer = { name, labels in (prometheusName(name), labels) }
        MetricsSystem.bootstrap(factory)
    }

    /// Whether `bootstrap()` ran in this process.
    public static var isBootstrapped: Bool { bootstrapped.withLock { $0 } }

    /// The middleware for a server's router (the outermost one, so refused requests count too).
    public static func middleware<Context: RequestContext>(context: Context.Type = Context.self) -> MetricsMiddleware<Context> {
        MetricsMiddleware()
    }

    /// The exposition text of the HTTP metrics (Prometheus text format 0.0.4).
    public static func text() -> String { registry.emitToString() }

    /// Hummingbird names its metrics after OpenTelemetry's conventions (`http.server.request.duration`,
    /// `hb.requests`); Prometheus names are `[a-zA-Z_:][a-zA-Z0-9_:]*` with the unit (and `_total`
    /// for counters) last, so they read as Prometheus users expect. Label names keep their dots:
    /// the registry turns them into underscores itself.
    static func prometheusName(_ name: String) -> String {
        switch name {
        case "http.server.request.duration": "http_server_request_duration_seconds"
        case "hb.requests": "http_server_requests_total"
        case "hb.request.errors": "http_server_request_errors_total"
        case "http.server.active_requests": "http_server_active_requests"
        default: String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        }
    }
}
