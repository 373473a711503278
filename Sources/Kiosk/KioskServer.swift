import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The kiosk's HTTP server: the page (`/`), its live state (`/events`, server-sent events;
/// `/state`, JSON), label previews (`/labels/ID`: SVG, or a carrier's PNG), Prometheus metrics (`/metrics`) and
/// `/healthz`. Everything is served from the binary: no internet, no CDN.
public struct KioskServer: Sendable {
    public var host: String
    public var port: Int
    public let feed: KioskFeed
    /// A label preview (SVG, or the PNG a carrier sent) by label id.
    public var preview: @Sendable (Int64) async -> [UInt8]?
    /// The metrics text (Prometheus exposition format).
    public var metrics: @Sendable () async -> String
    /// Called with the bound port once listening.
    public var onRunning: @Sendable (Int) async -> Void

    public init(host: String, port: Int, feed: KioskFeed, preview: @escaping @Sendable (Int64) async -> [UInt8]?, metrics: @escaping @Sendable () async -> String, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.host = host
        self.port = port
        self.feed = feed
        self.preview = preview
        self.metrics = metrics
        self.onRunning = onRunning
    }

    /// The server as a service for the agent's service group (stops on graceful shutdown).
    public func service(logger: Logger) -> some Service {
        let router = Router()
        let feed = self.feed
        let preview = self.preview
        let metrics = self.metrics
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: KioskPage.html)))
        }
        router.get("/state") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: feed.snapshot)))
        }
        router.get("/events") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: .init { writer in
                // Each snapshot is one event; a comment every 15 s keeps proxies and the browser's
                // reconnect logic from thinking the stream died. The stream ends on graceful shutdown.
                let (ticks, tick) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(4))
                let snapshots = Task {
                    await cancelWhenGracefulShutdown {
                        for await snapshot in feed.subscribe() { tick.yield("data: \(snapshot)\n\n") }
                    }
                    tick.finish()
                }
                let keepAlive = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(15))
                        tick.yield(": keep-alive\n\n")
                    }
                }
                defer {
                    snapshots.cancel()
                    keepAlive.cancel()
                }
                for await text in ticks { try await writer.write(ByteBuffer(string: text)) }
                try await writer.finish(nil)
            })
        }
        router.get("/labels/:id") { _, context in
            guard let id = context.parameters.get("id").flatMap({ Int64($0) }), let bytes = await preview(id) else {
                return Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "no such label preview\n")))
            }
            return Response(status: .ok, headers: Self.previewHeaders(bytes), body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: await metrics())))
        }
        router.get("/healthz") { _, _ in "ok\n" }
        let onRunning = self.onRunning
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "packstation-kiosk"),
                           onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    /// A preview is a carrier's PNG or an SVG the agent drew. The SVG gets a policy that lets it
    /// run nothing and fetch nothing, should someone open it as a page of its own.
    static func previewHeaders(_ bytes: [UInt8]) -> HTTPFields {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return [.contentType: "image/png", .cacheControl: "max-age=3600"]
        }
        return [.contentType: "image/svg+xml", .cacheControl: "max-age=3600", .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'"]
    }
}
