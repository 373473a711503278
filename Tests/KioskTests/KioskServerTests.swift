import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HTTPGuard
import Kiosk
import Logging
import Testing

/// The kiosk server as a browser, a rebinding page, a stranger on the network and a slow
/// client see it (real HTTP on 127.0.0.1).
@Suite struct KioskServerTests {
    /// The page runs only the kiosk's own script and style sheet: nothing inline that an
    /// injected string could join, and the browser is told so.
    @Test func thePageCarriesItsPolicyAndHasNothingInline() async throws {
        try await withKiosk { port in
            let page = try await RawHTTP.get(port: port, "/")
            #expect(page.status == 200)
            let csp = try #require(page.header("Content-Security-Policy"))
            let directives = Dictionary(uniqueKeysWithValues: csp.split(separator: ";").map { d in
                let words = d.split(separator: " ")
                return (String(words[0]), words.dropFirst().map(String.init))
            })
            #expect(directives["default-src"] == ["'none'"], "\(csp)")
            #expect(directives["script-src"] == ["'self'"], "\(csp)")
            #expect(directives["style-src"] == ["'self'"], "\(csp)")
            #expect(directives["frame-ancestors"] == ["'none'"], "\(csp)")
            #expect(!csp.contains("unsafe"), "\(csp)")
            #expect(page.header("X-Content-Type-Options") == "nosniff")
            #expect(page.header("Referrer-Policy") == "no-referrer")
            #expect(page.body.contains(#"<script src="/kiosk.js" defer></script>"#))
            #expect(page.body.components(separatedBy: "<script").count == 2, "one script element, the served file")
            #expect(!page.body.contains("<style") && !page.body.contains("style=") && !page.body.contains(" on"), "no inline style or handler")
            let script = try await RawHTTP.get(port: port, "/kiosk.js")
            #expect(script.status == 200 && script.header("Content-Type") == "text/javascript; charset=utf-8")
            #expect(script.body.contains("textContent") && !script.body.contains("innerHTML"), "the state is rendered as text, never as markup")
            let css = try await RawHTTP.get(port: port, "/kiosk.css")
            #expect(css.status == 200 && css.header("Content-Type") == "text/css; charset=utf-8" && css.header("X-Content-Type-Options") == "nosniff")
            let preview = try await RawHTTP.get(port: port, "/labels/7")
            #expect(preview.header("Content-Security-Policy")?.hasPrefix("default-src 'none'") == true, "a preview opened on its own runs nothing")
        }
    }

    /// DNS rebinding: a page on attacker.example resolves its name to 127.0.0.1, then its
    /// script reads the kiosk. Its requests carry its own name in Host, which the kiosk refuses.
    @Test(arguments: [
        ("attacker.example", 421), ("127.0.0.1.nip.io", 421), ("localhost.attacker.example", 421), ("127.0.0.1:1", 421),
        ("localhost", 200), ("127.0.0.1", 200), ("[::1]", 200), ("192.168.1.20", 200), ("[fe80::1]", 200), ("LOCALHOST", 200),
    ])
    func onlyItsOwnNamesAndAddressesAreAnswered(host: String, status: Int) async throws {
        try await withKiosk { port in
            let withPort = host.contains(":") && !host.hasPrefix("[") ? host : "\(host):\(port)"
            for path in ["/", "/state", "/events", "/metrics", "/labels/7"] where status == 421 || path != "/events" {
                let reply = try await RawHTTP.get(port: port, path, host: withPort)
                #expect(reply.status == status, "\(host) \(path): \(reply.status) \(reply.body)")
                if status == 421 {
                    #expect(reply.body.contains("does not answer for host") && reply.body.contains("kiosk.allowed_hosts"), "\(reply.body)")
                    #expect(!reply.body.contains("bench-box"), "nothing of the state leaks")
                }
            }
        }
    }

    @Test func aRequestWithoutHostIsRefused() async throws {
        try await withKiosk { port in
            let reply = try await RawHTTP.exchange(port: port, ["GET /state HTTP/1.0"])
            #expect(reply.status == 421 && !reply.body.contains("bench-box"), "\(reply)")
        }
    }

    /// Beyond loopback the kiosk needs a token: without one it does not start.
    @Test(arguments: ["0.0.0.0", "::", "192.168.1.20", "127.0.0.1.nip.io"])
    func beyondLoopbackWithoutATokenItRefusesToStart(host: String) throws {
        let server = KioskServer(host: host, port: 0, feed: KioskFeed(), preview: { _ in nil }, metrics: { "" })
        #expect { _ = try server.service(logger: Logger(label: "t")) } throws: { error in
            let e = error as? KioskError
            return e?.code == "kiosk.token" && e!.message.contains("?token=TOKEN") && e!.message.contains(host)
        }
    }

    /// With a token: a browser opens /?token=… once, is sent to / with a cookie, and is in; no
    /// token, a wrong one or a stale cookie gets a 401 saying how to get in; scripts use Bearer.
    @Test func aTokenIsPresentedOnceAndKeptInACookie() async throws {
        let token = "k1osk-t0ken-0123456789abcdef"
        try await withKiosk(token: token, host: "0.0.0.0") { port in
            let none = try await RawHTTP.get(port: port, "/state")
            #expect(none.status == 401 && none.body.contains("?token=TOKEN") && !none.body.contains("bench-box"), "\(none)")
            let page = try await RawHTTP.get(port: port, "/")
            #expect(page.status == 401 && page.header("Content-Type") == "text/plain; charset=utf-8", "the refusal is text, not markup")
            let wrong = try await RawHTTP.get(port: port, "/?token=guess-guess-guess-guess")
            #expect(wrong.status == 401 && wrong.header("Set-Cookie") == nil)
            let login = try await RawHTTP.get(port: port, "/?token=\(token)")
            #expect(login.status == 303 && login.header("Location") == "/", "\(login)")
            let cookie = try #require(login.header("Set-Cookie"))
            #expect(cookie.hasPrefix("packstation_kiosk=\(token);") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "\(cookie)")
            for path in ["/", "/state", "/kiosk.js", "/labels/7"] {
                #expect(try await RawHTTP.get(port: port, path, extra: ["Cookie: packstation_kiosk=\(token)"]).status == 200, "\(path)")
            }
            #expect(try await RawHTTP.get(port: port, "/state", extra: ["Cookie: packstation_kiosk=\(token)x"]).status == 401)
            let metrics = try await RawHTTP.get(port: port, "/metrics", extra: ["Authorization: Bearer \(token)"])
            #expect(metrics.status == 200 && metrics.body.contains("packstation_up 1"))
            #expect(try await RawHTTP.get(port: port, "/metrics", extra: ["Authorization: Bearer nope"]).status == 401)
            #expect(try await RawHTTP.get(port: port, "/healthz").status == 200, "health checks need no token")
            // The token does not open the door to a rebinding page either.
            #expect(try await RawHTTP.get(port: port, "/state", host: "attacker.example:\(port)", extra: ["Cookie: packstation_kiosk=\(token)"]).status == 421)
        }
    }

    /// The bench's own screen (a browser on this machine) needs no token even when the kiosk
    /// has one for the network; a browser elsewhere does. The "elsewhere" is this machine's own
    /// network address, whose connections do not come from loopback.
    @Test func theBenchsOwnScreenNeedsNoTokenTheNetworkDoes() async throws {
        let token = "k1osk-t0ken-0123456789abcdef"
        try await withKiosk(token: token, host: "0.0.0.0", localPeersNeedNoToken: true) { port in
            let local = try await RawHTTP.get(port: port, "/state")
            #expect(local.status == 200 && local.body.contains("bench-box"), "\(local)")
            let address = try #require(RawHTTP.nonLoopbackAddress(), "this machine has no network address to test from")
            let remote = try await RawHTTP.get(port: port, address: address, "/state", host: "\(address):\(port)")
            #expect(remote.status == 401 && !remote.body.contains("bench-box"), "from \(address): \(remote)")
            let withToken = try await RawHTTP.get(port: port, address: address, "/state", host: "\(address):\(port)", extra: ["Authorization: Bearer \(token)"])
            #expect(withToken.status == 200, "from \(address) with the token: \(withToken)")
        }
    }

    /// Idle sockets and half-sent heads are closed by the timeouts, however steadily the
    /// half-sent one trickles. Run on its own by scripts/test.sh (PACKSTATION_ALONE_TESTS=1): amid
    /// the whole suite (894 tests) it measured 3.7 s against its 3 s bound on an idle 2-core box.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PACKSTATION_ALONE_TESTS"] == "1", "run alone by scripts/test.sh"))
    func idleAndTricklingConnectionsAreClosed() async throws {
        try await withKiosk(limits: .init(headTimeout: .seconds(1), idleTimeout: .seconds(1), maximumConnections: 64)) { port in
            let idle = try RawHTTP.connectSocket(port: port)
            let slow = try RawHTTP.connectSocket(port: port)
            defer { close(idle); close(slow) }
            async let idleClosed = RawHTTP.secondsUntilClosed(idle, limit: 8)
            async let slowClosed = RawHTTP.secondsUntilClosed(slow, limit: 8, trickle: Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: \(String(repeating: "a", count: 200))".utf8))
            let (i, s) = await (idleClosed, slowClosed)
            #expect(i < 3, "an idle connection lived \(i) s")
            #expect(s < 3.5, "a trickling head lived \(s) s")
            #expect(try await RawHTTP.get(port: port, "/healthz").status == 200, "the kiosk still answers")
        }
    }

    /// The live page's event stream is a response in progress, not an idle connection: it
    /// outlives the idle timeout.
    /// Run on its own by scripts/test.sh (PACKSTATION_ALONE_TESTS=1): amid the whole suite's CPU
    /// load its first snapshot still waited over 60 s with the server on a thread of its own, so
    /// some hop of the event stream still goes through the cooperative pool (not found yet).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PACKSTATION_ALONE_TESTS"] == "1", "run alone by scripts/test.sh"))
    func theEventStreamOutlivesTheIdleTimeout() async throws {
        try await withKiosk(limits: .init(headTimeout: .seconds(1), idleTimeout: .seconds(1), maximumConnections: 64)) { port in
            let fd = try await offThread { try RawHTTP.connectSocket(port: port) }
            defer { close(fd) }
            // The head, then the first snapshot (the socket's receive timeout bounds the wait).
            let received = try await offThread {
                let request = Array("GET /events HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n".utf8)
                _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !String(decoding: received, as: UTF8.self).contains("data: {\"station\":\"bench-box\"") {
                    let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    guard n > 0 else { break }
                    received += buffer[..<n]
                }
                return String(decoding: received, as: UTF8.self)
            }
            #expect(received.contains("data: {\"station\":\"bench-box\""), "\(received)")
            let lived = await RawHTTP.secondsUntilClosed(fd, limit: 3.5)
            #expect(lived == 3.5, "the stream was closed after \(lived) s")
        }
    }

    /// More idle sockets than the kiosk holds: the oldest are shed, and a browser still gets the page.
    @Test func aFloodOfIdleSocketsDoesNotLockOutTheBrowser() async throws {
        try await withKiosk(limits: .init(headTimeout: .seconds(30), idleTimeout: .seconds(30), maximumConnections: 8)) { port in
            var flood: [Int32] = []
            defer { flood.forEach { close($0) } }
            for _ in 0..<40 { flood.append(try await offThread { try RawHTTP.connectSocket(port: port) }) }
            let start = Date()
            let page = try await RawHTTP.get(port: port, "/")
            // Answered well before the flood's 30 s timeouts could free a slot: the oldest idle
            // sockets were shed for it (the margin is for a loaded CI machine).
            #expect(page.status == 200 && Date().timeIntervalSince(start) < 20)
            var closed = 0
            for fd in flood where await RawHTTP.secondsUntilClosed(fd, limit: 0.3) < 0.3 { closed += 1 }
            #expect(closed >= 40 - 8, "\(closed) of 40 idle sockets closed")
        }
    }
}
