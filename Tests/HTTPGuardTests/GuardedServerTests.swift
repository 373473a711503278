import Foundation
import HTTPGuard
import Hummingbird
import Logging
import NIOCore
import Testing

/// A real server on 127.0.0.1 with short timeouts, attacked with raw sockets.
@Suite(.serialized) struct GuardedServerTests {
    static let configuration = HTTPGuardConfiguration(headTimeout: .milliseconds(800), idleTimeout: .milliseconds(1500), maximumConnections: 6)

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
            group.addTask { try await app.run() }
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
            while !closed && Date().timeIntervalSince(start) < 3 {
                s.send("X")
                closed = s.closedWithin(seconds: 0.1)
            }
            let took = Date().timeIntervalSince(start)
            #expect(closed)
            #expect(took >= 0.6 && took < 1.4, "closed after \(took) s; head timeout 0.8 s")
            #expect(await Self.eventually { limiter.statistics.headTimeouts == 1 }, "\(limiter.statistics)")
        }
    }

    @Test func silentConnectionIsClosedByTheIdleTimeout() async throws {
        try await withServer { port, limiter in
            let s = try RawSocket(port: port)
            let start = Date()
            #expect(s.closedWithin(seconds: 3))
            let took = Date().timeIntervalSince(start)
            #expect(took >= 1.3 && took < 2.2, "closed after \(took) s; idle timeout 1.5 s")
            #expect(await Self.eventually { limiter.statistics.idleTimeouts == 1 }, "\(limiter.statistics)")
        }
    }

    @Test func keptAliveConnectionAnswersThenIdlesOut() async throws {
        try await withServer { port, _ in
            let s = try RawSocket(port: port)
            for _ in 0..<3 {
                s.send("GET /json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                #expect(s.read(until: "{}", seconds: 2).hasPrefix("HTTP/1.1 200"))
                try await Task.sleep(for: .milliseconds(1000))  // under the idle timeout: still open
            }
            let start = Date()
            #expect(s.closedWithin(seconds: 3))
            #expect(Date().timeIntervalSince(start) < 2.0)
        }
    }

    @Test func slowBodyIsClosedWhenItStalls() async throws {
        try await withServer { port, limiter in
            let s = try RawSocket(port: port)
            s.send("POST /json HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")
            s.send("\"a\":")  // a piece within the idle timeout keeps it going
            #expect(!s.closedWithin(seconds: 1.0))
            let start = Date()
            #expect(s.closedWithin(seconds: 3))
            #expect(Date().timeIntervalSince(start) < 1.0, "a body piece came 1 s ago: 0.5 s left of the 1.5 s idle timeout")
            #expect(await Self.eventually { limiter.statistics.bodyTimeouts == 1 }, "\(limiter.statistics)")
        }
    }

    @Test func idleSocketsAreShedForClientsThatSendRequests() async throws {
        try await withServer { port, limiter in
            // Twice the limit of idle sockets; then a real request must still be answered at once.
            let idle = try (0..<12).map { _ in try RawSocket(port: port) }
            try await Task.sleep(for: .milliseconds(200))
            let start = Date()
            let client = try RawSocket(port: port)
            client.send("GET /json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let answer = client.read(until: "{}", seconds: 2)
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            #expect(Date().timeIntervalSince(start) < 0.5, "answered after \(Date().timeIntervalSince(start)) s")
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
            let answer = s.read(until: "</p>", seconds: 2).lowercased()
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
            let refused = evil.read(until: "}}", seconds: 2)
            #expect(refused.hasPrefix("HTTP/1.1 421"))
            #expect(refused.contains(#""code":"host_not_allowed""#))
            #expect(!refused.contains("<p>hi</p>"))
            let good = try RawSocket(port: port)
            good.send("GET / HTTP/1.1\r\nHost: localhost:\(port)\r\n\r\n")
            #expect(good.read(until: "</p>", seconds: 2).hasPrefix("HTTP/1.1 200"))
        }
    }
}
