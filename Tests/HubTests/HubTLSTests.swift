import Foundation
import Hub
import Logging
import PackCore
import Sync
import Testing

/// `serve --tls-cert/--tls-key`: a certificate made at test time by openssl, and the agent's
/// HubClient trusting its CA through `server.ca_file`.
@Suite struct HubTLSTests {
    /// A CA and a leaf for 127.0.0.1/localhost signed by it, in `dir`.
    static func makeCertificates(in dir: String) throws {
        let script = """
            set -e
            cd '\(dir)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=packstation test CA' 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout hub.key -out hub.csr -subj '/CN=127.0.0.1' 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > ext.cnf
            openssl x509 -req -in hub.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out hub.pem -days 2 -extfile ext.cnf 2>/dev/null
            openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 -subj '/CN=other' 2>/dev/null
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw HubError(500, "openssl", "openssl failed") }
    }

    @Test func theAgentTalksToAnHTTPSHubThroughItsCAFile() async throws {
        let dir = NSTemporaryDirectory() + "hub-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await offloaded { try Self.makeCertificates(in: dir) }
        let tls = try HubServer.tlsConfiguration(certificateFile: dir + "/hub.pem", keyFile: dir + "/hub.key")
        let hub = try HubFixture(configure: { $0.tls = tls })
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1", barcodes: ["ORD-1"]))
        let port = await hub.port()

        let trusted = try HubClient(configuration: SyncConfiguration(serverURL: "https://127.0.0.1:\(port)", token: Secret(hub.token), caFile: dir + "/ca.pem", requestTimeout: .seconds(60)))
        let queue = try await trusted.queuedOrders()
        await trusted.shutdown()
        #expect(queue.map { $0["id"] } == [.string("1")])

        // Without the CA the agent refuses the hub's certificate; plain HTTP gets no API answer.
        let untrusting = try HubClient(configuration: SyncConfiguration(serverURL: "https://127.0.0.1:\(port)", token: Secret(hub.token), requestTimeout: .seconds(60)))
        await #expect(throws: SyncError.self) { _ = try await untrusting.queuedOrders() }
        await untrusting.shutdown()
        let plain = await hub.send("GET", "/v1/orders/queue")
        #expect(plain.status != 200)
    }

    @Test func aKeyThatDoesNotGoWithTheCertificateIsNamed() async throws {
        let dir = NSTemporaryDirectory() + "hub-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await offloaded { try Self.makeCertificates(in: dir) }
        #expect {
            _ = try HubServer.tlsConfiguration(certificateFile: dir + "/hub.pem", keyFile: dir + "/other.key")
        } throws: { ($0 as? HubError)?.message.contains("other.key") == true }
        #expect {
            _ = try HubServer.tlsConfiguration(certificateFile: dir + "/missing.pem", keyFile: dir + "/hub.key")
        } throws: { ($0 as? HubError)?.message.contains("missing.pem") == true }
    }

    /// Blocking work (openssl) off the cooperative pool, which the in-process hubs also use.
    func offloaded(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            Thread { c.resume(with: Result { try body() }) }.start()
        }
    }
}
