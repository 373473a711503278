import Foundation
import HTTPGuard
import Hummingbird
import Logging
import NIOCore
import TestPeers
import Testing

/// A real server on 127.0.0.1 with short timeouts, attacked with raw sockets. A timeout cannot
/// fire early, so lower bounds are tight; upper bounds leave seconds for a loaded CI machine
/// (the whole suite runs in parallel on 2 cores), yet stay far below "never closed".
@Suite(.serialized) struct GuardedServerTests {
    static let configuration = HTTPGuardConfiguration(headTimeout: .seconds(2), idleTimeout: .seconds(3), maximumConnections: 6)
    /// Slack for a busy machine on top of a timeout.
    static let slack = 4.0

    func withServer(_ configuration: HTTPGuardConfiguration = Self.configuration, allowlist: Bool = false,
                    _ body: @Sendable (Int, ConnectionLimiter) async throws -> Void) async throws {
        let limiter = ConnectionLimiter(maximum: configuration.maximumConnections)
        let bound = BoundPort()
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        if allowlist { router.add(middleware: HostAllowlistMiddleware(allowlist: .loopback(port: bound))) }
        router.get("/") { _, _ in Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: .init(string: "<p>hi</p>"))) }
        router.get("/json") { _, _ in Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: "{}"))) }
        router.post("/json") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        let (ports, portIn) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, server: .guardedHTTP1(configuration: configuration, limiter: limiter),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), availableConnectionsDelegate: limiter.availableConnections),
            onServerRunning: { channel in
                bound.set(channel.localAddress?.port ?? 0)
                portIn.yield(channel.localAddress?.port ?? 0)
            }, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(executorPreference: QueueExecutor(label: "guarded-server-test")) { try await app.run() }
            var it = ports.makeAsyncIterator()
            let port = try #require(await it.next())
            try await body(port, limiter)
            group.cancelAll()
        }
    }

    /// The client may see the close a moment before the server has counted it.
    static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<50 where !condition() { try? await Task.sleep(for: .milliseconds(20)) }
        return condition()
    }

    @Test func trickledHeadIsClosedByTheHeadTimeout() async throws {
        try await withServer { port, limiter in
            let s = try RawSocket(port: port)
            s.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            let start = Date()
            // A header byte every 100 ms: never idle, never done.
            var closed = false
            while !closed && Date().timeIntervalSince(start) < 12 {
                s.send("X")
                closed = s.closedWithin(seconds: 0.1)
            }
            let took = Date().timeIntervalSince(start)
            #expect(closed)
            #expect(took >= 1.9 && took < 2 + Self.slack, "closed after \(took) s; head timeout 2 s")
            #expect(await Self.eventually { limiter.statistics.headTimeouts == 1 }, "\(limiter.statistics)")
        }
    }

    @Test func silentConnectionIsClosedByTheIdleTimeout() async throws {
        try await withServer { port, limiter in
            let s = try RawSocket(port: port)
            let start = Date()
            #expect(s.closedWithin(seconds: 12))
            let took = Date().timeIntervalSince(start)
            #expect(took >= 2.9 && took < 3 + Self.slack, "closed after \(took) s; idle timeout 3 s")
            #expect(await Self.eventually { limiter.statistics.idleTimeouts == 1 }, "\(limiter.statistics)")
        }
    }

    /// Run on its own by scripts/test.sh (PACKSTATION_ALONE_TESTS=1): amid the whole suite the
    /// test's own 1 s pause between requests can take over 3 s on the busy pool, and the server
    /// rightly idles the connection out before the next request.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PACKSTATION_ALONE_TESTS"] == "1", "run alone by scripts/test.sh"))
    func keptAliveConnectionAnswersThenIdlesOut() async throws {
        try await withServer { port, _ in
            let s = try RawSocket(port: port)
            var lastAnswer = Date()
            for _ in 0..<3 {
                s.send("GET /json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                #expect(s.read(until: "{}", seconds: 10).hasPrefix("HTTP/1.1 200"))
                lastAnswer = Date()
                try await Task.sleep(for: .milliseconds(1000))  // well under the idle timeout: still open
            }
            #expect(s.closedWithin(seconds: 12))
            let took = Date().timeIntervalSince(lastAnswer)
            #expect(took >= 2.9 && took < 3 + Self.slack, "closed \(took) s after the last answer; idle timeout 3 s")
        }
    }

    @Test func slowBodyIsClosedWhenItStalls() async throws {
        try await withServer { port, limiter in
            let s = try RawSocket(port: port)
            s.send("POST /json HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")
            s.send("\"a\":")  // a piece of the body: the idle timeout counts from here
            let piece = Date()
            #expect(!s.closedWithin(seconds: 1.0))
            #expect(s.closedWithin(seconds: 12))
            let took = Date().timeIntervalSince(piece)
            #expect(took >= 2.9 && took < 3 + Self.slack, "closed \(took) s after the last body piece; idle timeout 3 s")
            #expect(await Self.eventually { limiter.statistics.bodyTimeouts == 1 }, "\(limiter.statistics)")
        }
    }

    @Test func idleSocketsAreShedForClientsThatSendRequests() async throws {
        // Timeouts of a minute: an answer in seconds can only come from shedding idle sockets.
        try await withServer(.init(headTimeout: .seconds(60), idleTimeout: .seconds(60), maximumConnections: 6)) { port, limiter in
            // Twice the limit of idle sockets; then a real request must still be answered at once.
            let idle = try (0..<12).map { _ in try RawSocket(port: port) }
            try await Task.sleep(for: .milliseconds(200))
            let start = Date()
            let client = try RawSocket(port: port)
            client.send("GET /json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let answer = client.read(until: "{}", seconds: 10)
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            #expect(Date().timeIntervalSince(start) < Self.slack, "answered after \(Date().timeIntervalSince(start)) s")
            let stats = limiter.statistics
            #expect(stats.open <= 6)
            #expect(stats.shed >= 6)
            _ = idle
        }
    }

    @Test func htmlGetsSecurityHeaders() async throws {
        try await withServer { port, _ in
            let s = try RawSocket(port: port)
            s.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let answer = s.read(until: "</p>", seconds: 10).lowercased()
            #expect(answer.contains("content-security-policy: default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"))
            #expect(answer.contains("x-content-type-options: nosniff"))
            #expect(answer.contains("referrer-policy: no-referrer"))
            #expect(answer.contains("x-frame-options: deny"))
        }
    }

    @Test func reboundHostIsRefused() async throws {
        try await withServer(allowlist: true) { port, _ in
            let evil = try RawSocket(port: port)
            evil.send("GET / HTTP/1.1\r\nHost: rebind.evil.example:\(port)\r\n\r\n")
            let refused = evil.read(until: "}}", seconds: 10)
            #expect(refused.hasPrefix("HTTP/1.1 421"))
            #expect(refused.contains(#""code":"host_not_allowed""#))
            #expect(!refused.contains("<p>hi</p>"))
            let good = try RawSocket(port: port)
            good.send("GET / HTTP/1.1\r\nHost: localhost:\(port)\r\n\r\n")
            #expect(good.read(until: "</p>", seconds: 10).hasPrefix("HTTP/1.1 200"))
        }
    }
}
