import Foundation
@testable import Hub
import PackCore
import Testing

/// The hub's HTTP layer attacked over real HTTP on 127.0.0.1: what the client sees, and that
/// nothing was stored.
@Suite struct HubHTTPTests {
    static let bodyRoutes = ["/v1/results", "/v1/status", "/v1/label-runs/1/progress"]

    @Test(arguments: [
        ("DELETE", "/healthz", "GET"), ("POST", "/", "GET"), ("PUT", "/v1/results", "POST"), ("GET", "/v1/results", "POST"),
        ("GET", "/v1/status", "POST"), ("POST", "/v1/orders/lookup", "GET"), ("DELETE", "/v1/label-runs/7/progress", "POST"),
        ("POST", "/v1/admin/summary", "GET"), ("HEAD", "/v1/orders/queue", "GET"),
    ])
    func aKnownPathWithTheWrongMethodIs405WithAllow(method: String, path: String, allow: String) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let r = await hub.send(method, path)
        #expect(r.status == 405)
        #expect(r.header("Allow") == allow)
        if method != "HEAD" {
            #expect(r.header("Content-Type") == "application/json")
            #expect(try JSONParser.parse(r.body)["error"]?["code"] == "method_not_allowed", "\(r.text)")
        }
    }

    @Test(arguments: ["/nope", "/v1", "/v1/orders", "/v1/label-runs/1", "/v1/admin", "/healthz/x"])
    func anUnknownPathIs404InJSON(path: String) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let r = await hub.send("GET", path)
        #expect(r.status == 404)
        #expect(r.header("Content-Type") == "application/json")
        #expect(try JSONParser.parse(r.body)["error"]?["code"] == "not_found")
    }

    @Test(arguments: bodyRoutes, ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "text/json", nil])
    func aBodyThatIsNotDeclaredJSONIs415(path: String, type: String?) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let body = path == "/v1/results" ? HubFixture.batch(["1"]) : #"{"printed": 1, "state": "running"}"#
        let r = await hub.call("POST", path, body: body, contentType: type)
        #expect(r.status == 415, "\(r.text)")
        #expect(r.json?["error"]?["code"] == "unsupported_media_type")
        #expect(await hub.call("GET", "/v1/admin/summary").json?["results"] == .int(0))
    }

    @Test func jsonWithACharsetIsJSON() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1"))
        let r = await hub.call("POST", "/v1/results", body: HubFixture.batch(["1"]), contentType: "Application/JSON; charset=utf-8")
        #expect(r.status == 200, "\(r.text)")
    }

    @Test(arguments: [("/v1/results", 1 << 20), ("/v1/status", 64 << 10), ("/v1/label-runs/1/progress", 64 << 10)])
    func eachRouteHasItsOwnBodyLimit(path: String, limit: Int) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let over = await hub.call("POST", path, body: "[" + String(repeating: " ", count: limit) + "]")
        #expect(over.status == 413)
        #expect(over.json?["error"]?["code"] == "body_too_large")
        #expect(over.json?["error"]?["limit"] == .int(limit))
        // At the limit the body is read and judged on its content.
        let at = await hub.call("POST", path, body: "[" + String(repeating: " ", count: limit - 2) + "]")
        #expect(at.status == 422, "\(at.text)")
    }

    @Test func aDeclaredLengthOverTheLimitIsRefusedWithoutReadingTheBody() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let port = await hub.port()
        // 100 MB announced, nothing sent: a 413 can only come without reading the body (waiting
        // for it would end in the idle timeout's close, not an answer). No bound on the time: on a
        // loaded CI machine an answer can take seconds.
        let head = "POST /v1/results HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(hub.token)\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\nConnection: close\r\n\r\n"
        let (raw, _) = await HTTPTestClient.exchange(port: port, Array(head.utf8), closeAfter: 60)
        #expect(HTTPTestClient.parse(raw).status == 413)
    }

    @Test func aChunkedBodyOverTheLimitIsRefused() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let chunk = String(repeating: " ", count: 32 << 10)
        let chunked = String(repeating: String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n", count: 4) + "0\r\n\r\n"
        let r = await hub.send("POST", "/v1/status", body: chunked, contentType: "application/json", headers: [("Transfer-Encoding", "chunked")])
        #expect(r.status == 413, "\(r.text)")
    }

    @Test(arguments: ["/v1/results", "/v1/status"])
    func theTokenIsCheckedBeforeTheBodyIsRead(path: String) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let port = await hub.port()
        // A bad token with a body announced but never sent: a 401 can only come before the body.
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer 1.wrong\r\nContent-Type: application/json\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n"
        let (raw, _) = await HTTPTestClient.exchange(port: port, Array(head.utf8), closeAfter: 60)
        #expect(HTTPTestClient.parse(raw).status == 401)
    }

    @Test func aWrongSecretDoesNotNameTheStation() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let id = hub.token.split(separator: ".")[0]
        let r = await hub.call("GET", "/v1/orders/queue", token: .some("Bearer \(id).0000wrong"))
        #expect(r.status == 401)
        #expect(r.json?["error"]?["code"] == "bad_token")
        #expect(!r.text.contains("bench-1"), "\(r.text)")
    }

    @Test(arguments: ["rebind.evil.example", "127.0.0.1.nip.io", "localhost:1"])
    func withoutAnAdminTokenOnlyLoopbackHostsAreAnswered(host: String) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let port = await hub.port()
        for path in ["/", "/v1/admin/orders", "/v1/orders/queue"] {
            let evil = await hub.send("GET", path, host: host.contains(":") ? host : "\(host):\(port)")
            #expect(evil.status == 421, "\(path): \(evil.text)")
            #expect(try JSONParser.parse(evil.body)["error"]?["code"] == "host_not_allowed")
        }
        for good in ["localhost:\(port)", "127.0.0.1:\(port)", "[::1]:\(port)"] {
            #expect(await hub.send("GET", "/v1/admin/summary", host: good).status == 200, "\(good)")
        }
    }

    @Test func anAllowedHostNameIsAnswered() async throws {
        let hub = try HubFixture(configureAPI: { $0.allowedHosts = ["hub.warehouse.lan"] })
        defer { hub.remove() }
        let port = await hub.port()
        #expect(await hub.send("GET", "/v1/admin/summary", host: "hub.warehouse.lan:\(port)").status == 200)
        #expect(await hub.send("GET", "/v1/admin/summary", host: "other.warehouse.lan:\(port)").status == 421)
    }

    @Test func withAnAdminTokenAnyHostIsAnsweredButTheTokenIsNeeded() async throws {
        let admin = "0123456789abcdef-admin"
        let hub = try HubFixture(adminToken: admin)
        defer { hub.remove() }
        let r = await hub.send("GET", "/v1/admin/summary", token: .some("Bearer " + admin), host: "hub.example.com")
        #expect(r.status == 200)
        #expect(await hub.send("GET", "/v1/admin/summary", token: .some(nil), host: "hub.example.com").status == 401)
    }

    @Test func thePageCarriesSecurityHeadersAndRunsOnlyTheHubsOwnScript() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let r = await hub.send("GET", "/")
        #expect(r.status == 200)
        let csp = try #require(r.header("Content-Security-Policy"))
        #expect(csp.contains("default-src 'none'"))
        #expect(csp.contains("frame-ancestors 'none'"))
        #expect(csp.contains("script-src 'self'") && csp.contains("style-src 'self'") && csp.contains("connect-src 'self'"))
        #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval") && !csp.contains("*"))
        #expect(r.header("X-Content-Type-Options") == "nosniff")
        #expect(r.header("Referrer-Policy") == "no-referrer")
        #expect(r.header("X-Frame-Options") == "DENY")
        // No inline script, style or handler: one script and one style sheet, both the hub's own files.
        let html = r.text
        #expect(html.components(separatedBy: "<script").count == 2 && html.contains(#"<script src="/hub.js" defer></script>"#))
        #expect(!html.contains("<style") && !html.contains(" style=") && !html.contains(" onload=") && !html.contains("javascript:"))
        #expect(html.contains(#"<link rel="stylesheet" href="/hub.css">"#))
        let js = await hub.send("GET", "/hub.js"), css = await hub.send("GET", "/hub.css")
        #expect(js.status == 200 && js.header("Content-Type") == "text/javascript; charset=utf-8" && js.text.contains("new EventSource(\"/events\")"))
        #expect(css.status == 200 && css.header("Content-Type") == "text/css; charset=utf-8")
        #expect(js.header("X-Content-Type-Options") == "nosniff", "a script is run only when served as one")
        // Errors get the headers too.
        let missing = await hub.send("GET", "/nope")
        #expect(missing.header("X-Content-Type-Options") == "nosniff")
    }

    @Test func negativeCountsAreRefusedAndNothingChanges() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        #expect(await hub.call("POST", "/v1/status", body: #"{"scanners":[{"name":"DS2208","state":"ready"}],"outbox_pending":0}"#).status == 200)
        let heartbeat = await hub.call("POST", "/v1/status", body: #"{"scanners":[{"name":"other","state":"ready"}],"outbox_pending":-3}"#)
        #expect(heartbeat.status == 422)
        #expect(heartbeat.json?["error"]?["problems"]?[0]?["path"] == "outbox_pending")
        #expect(await hub.call("GET", "/v1/admin/stations").json?["stations"]?[0]?["scanners"]?[0]?["name"] == "DS2208")
        try hub.importOrders(HubFixture.order("1") + "\n" + HubFixture.order("2"))
        let run = try hub.store.addLabelRun(name: "run", station: "bench-1", orders: ["1", "2"])
        let progress = await hub.call("POST", "/v1/label-runs/\(run)/progress", body: #"{"printed": -1, "state": "running"}"#)
        #expect(progress.status == 422)
        #expect(progress.json?["error"]?["problems"]?[0]?["path"] == "printed")
        let runs = await hub.call("GET", "/v1/label-runs").json
        #expect(runs?["runs"]?[0]?["printed"] == .int(0) && runs?["runs"]?[0]?["state"] == "queued")
    }

    @Test func aHeartbeatOfThousandsOfBadDevicesGetsASmallAnswer() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        // 21,000 `{}` in 63 kB: two problems each, 42,000 in all; 100 are described.
        let body = #"{"scanners":["# + Array(repeating: "{}", count: 21_000).joined(separator: ",") + "]}"
        let r = await hub.call("POST", "/v1/status", body: body)
        #expect(r.status == 422)
        guard case .array(let problems)? = r.json?["error"]?["problems"] else { Issue.record("no problems: \(r.text.prefix(300))"); return }
        #expect(problems.count == 100)
        #expect(r.json?["error"]?["problem_count"] == .int(42_000))
        #expect(r.text.utf8.count < 12_000, "\(r.text.utf8.count) bytes")
    }

    @Test func theAttackersHeartbeatOf2Point8MillionObjectsIsRefusedUnread() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        let body = #"{"scanners":["# + Array(repeating: "{}", count: 2_800_000).joined(separator: ",") + "]}"
        let r = await hub.call("POST", "/v1/status", body: body)
        #expect(r.status == 413)
        #expect(r.text.utf8.count < 400)
    }

    @Test func theDatabaseIsReadableByTheHubsUserOnly() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        #expect(await hub.call("POST", "/v1/status", body: #"{"scanners":[],"printers":[]}"#).status == 200)
        for suffix in ["", "-wal", "-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: hub.dir + "/hub.sqlite" + suffix)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "hub.sqlite\(suffix)")
        }
    }

    /// Run on its own by scripts/test.sh (PACKSTATION_ALONE_TESTS=1): amid the whole suite on 2
    /// idle cores the head timeout (0.6 s) was seen not to close the socket before the client's
    /// own 5 s (2026-12-05, once in three runs; cause not found).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PACKSTATION_ALONE_TESTS"] == "1", "run alone by scripts/test.sh"))
    func aHalfSentHeadIsClosedWhileTheHubKeepsAnswering() async throws {
        let hub = try HubFixture(configure: { $0.guardConfiguration = .init(headTimeout: .milliseconds(600), idleTimeout: .seconds(5), maximumConnections: 64) })
        defer { hub.remove() }
        let port = await hub.port()
        // The head never ends; the client keeps the socket open for up to 5 s (the idle timeout).
        let slow = Task { await HTTPTestClient.exchange(port: port, Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8), closeAfter: 5) }
        #expect(await hub.send("GET", "/healthz").status == 200)
        let (answer, seconds) = await slow.value
        #expect(answer.isEmpty, "no answer, just a close")
        #expect(seconds < 2.5, "closed after \(seconds) s; head timeout 0.6 s, idle 5 s")
    }
}
