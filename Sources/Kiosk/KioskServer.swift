import Foundation
import HTTPGuard
import HTTPMetrics
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The kiosk's HTTP server: the page (`/`), its live state (`/events`, server-sent events;
/// `/state`, JSON), label previews (`/labels/ID`: SVG, or a carrier's PNG), Prometheus metrics (`/metrics`: the
/// agent's, then the HTTP server's own from Hummingbird's MetricsMiddleware) and
/// `/healthz`. Everything is served from the binary: no internet, no CDN.
///
/// Guarded as the hub is (HTTPGuard): request-head and idle timeouts and a connection limit; a
/// `Host` check against DNS rebinding (loopback names, the box's own name, IP addresses and
/// `allowedHosts`); a Content-Security-Policy that runs only the kiosk's own script, `nosniff`,
/// no framing, no referrer. Beyond loopback it needs a token (KioskAccess says how a browser
/// presents it) and refuses to start without one.
public struct KioskServer: Sendable {
    public var host: String
    public var port: Int
    /// The token a browser must present (`kiosk.token`); required when `host` is not loopback.
    public var token: String?
    /// Host names the kiosk answers for besides `localhost`, the box's own name and IP addresses.
    public var allowedHosts: [String]
    /// Request-head and idle timeouts, maximum connections.
    public var limits: HTTPGuardConfiguration
    /// Whether a browser on this machine itself (the bench's screen) is let in without the token.
    public var localPeersNeedNoToken = true
    public let feed: KioskFeed
    /// A label preview (SVG, or the PNG a carrier sent) by label id.
    public var preview: @Sendable (Int64) async -> [UInt8]?
    /// The metrics text (Prometheus exposition format).
    public var metrics: @Sendable () async -> String
    /// Called with the bound port once listening.
    public var onRunning: @Sendable (Int) async -> Void

    public init(host: String, port: Int, feed: KioskFeed, preview: @escaping @Sendable (Int64) async -> [UInt8]?, metrics: @escaping @Sendable () async -> String,
                token: String? = nil, allowedHosts: [String] = [], limits: HTTPGuardConfiguration = .init(maximumConnections: 256),
                onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.host = host
        self.port = port
        self.token = token
        self.allowedHosts = allowedHosts
        self.limits = limits
        self.feed = feed
        self.preview = preview
        self.metrics = metrics
        self.onRunning = onRunning
    }

    /// The server as a service for the agent's service group (stops on graceful shutdown);
    /// refused when it would listen beyond loopback without a token.
    public func service(logger: Logger) throws(KioskError) -> some Service {
        if !isLoopback(host: host), token == nil {
            throw KioskError(code: "kiosk.token", message: "The kiosk would listen on \(host), beyond this machine, without a token: anyone on the network could watch the benches. Set kiosk.token in station.toml (e.g. the output of `openssl rand -hex 16`) and open http://BOX:\(port)/?token=TOKEN once in the kiosk's browser, or listen on 127.0.0.1.")
        }
        let boundPort = BoundPort(port)
        var names = allowedHosts
        if !isLoopback(host: host) {
            // Reached by the box's own name too (a host name, or NAME.local through mDNS).
            let name = ProcessInfo.processInfo.hostName
            names += [name, name + ".local"]
        }
        let router = Router(context: KioskRequestContext.self)
        router.add(middleware: HTTPMetrics.middleware(context: KioskRequestContext.self))
        router.add(middleware: SecurityHeadersMiddleware(contentSecurityPolicy: KioskPage.contentSecurityPolicy))
        router.add(middleware: KioskAccess(hosts: .loopback(port: boundPort, extra: names), token: token, localPeersNeedNoToken: localPeersNeedNoToken))
        let feed = self.feed
        let preview = self.preview
        let metrics = self.metrics
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: KioskPage.html)))
        }
        router.get("/kiosk.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: KioskPage.css)))
        }
        router.get("/kiosk.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: KioskPage.script)))
        }
        router.get("/state") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: feed.snapshot)))
        }
        router.get("/events") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: .init { writer in
                // Each snapshot is one event; a comment every 15 s keeps proxies and the browser's
                // reconnect logic from thinking the stream died. The stream ends on graceful shutdown.
                // Child tasks, not unstructured ones: they end with the response and run where
                // the server's tasks run.
                // Once a snapshot is written, the feed learns its number (scan → screen timing).
                let (ticks, tick) = AsyncStream.makeStream(of: (text: String, version: Int?).self, bufferingPolicy: .bufferingNewest(4))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        await cancelWhenGracefulShutdown {
                            for await update in feed.updates() { tick.yield(("data: \(update.text)\n\n", update.version)) }
                        }
                        tick.finish()
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .seconds(15))
                            tick.yield((": keep-alive\n\n", nil))
                        }
                    }
                    for await (text, version) in ticks {
                        try await writer.write(ByteBuffer(string: text))
                        if let version { feed.written(version: version) }
                    }
                    group.cancelAll()
                    try await writer.finish(nil)
                }
            })
        }
        router.get("/labels/:id") { _, context in
            guard let id = context.parameters.get("id").flatMap({ Int64($0) }), let bytes = await preview(id) else {
                return Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "no such label preview\n")))
            }
            return Response(status: .ok, headers: Self.previewHeaders(bytes), body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: await metrics() + HTTPMetrics.text())))
        }
        router.get("/healthz") { _, _ in "ok\n" }
        let onRunning = self.onRunning
        var limits = self.limits
        limits.maximumConnections = limits.effectiveMaximumConnections(openFileLimit: OpenFileLimit.current)
        let limiter = ConnectionLimiter(maximum: limits.maximumConnections)
        return Application(router: router, server: .guardedHTTP1(configuration: limits, limiter: limiter),
                           configuration: .init(address: .hostname(host, port: port), serverName: "packstation-kiosk", availableConnectionsDelegate: limiter.availableConnections),
                           onServerRunning: { channel in
                               let port = channel.localAddress?.port ?? 0
                               boundPort.set(port)
                               await onRunning(port)
                           }, logger: logger)
    }

    /// A preview is a carrier's PNG or an SVG the agent drew. The SVG gets a policy that lets it
    /// run nothing and fetch nothing, should someone open it as a page of its own (its text
    /// boxes carry inline styles, so those are allowed).
    static func previewHeaders(_ bytes: [UInt8]) -> HTTPFields {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return [.contentType: "image/png", .cacheControl: "max-age=3600"]
        }
        return [.contentType: "image/svg+xml", .cacheControl: "max-age=3600", .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"]
    }
}

/// Why the kiosk cannot start, with what to do.
public struct KioskError: Error, Sendable, CustomStringConvertible {
    /// A stable code (`kiosk.token`).
    public var code: String
    /// What is wrong and what to do.
    public var message: String
    public var description: String { message }
}
