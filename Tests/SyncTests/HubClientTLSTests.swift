import Foundation
import TestPeers
import Sync
import Testing

/// TLS against a real TLS server (`openssl s_server` on 127.0.0.1, requiring a client
/// certificate): the configured CA is trusted instead of the system CAs, and the client
/// certificate is presented. s_server answers HTTP with an HTML status page, so a completed
/// handshake shows up as "not a packstation server", a refused one as "cannot reach".
@Suite(.serialized) struct HubClientTLSTests {
    static func openssl(_ args: [String], in dir: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw SyncError(code: "test.openssl", message: "openssl \(args.joined(separator: " ")) failed") }
    }

    /// A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA.
    static func makeCertificates(in dir: String) throws {
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=packstation test CA"], in: dir)
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: dir + "/san.ext", atomically: true, encoding: .utf8)
        for (name, cn) in [("server", "127.0.0.1"), ("client", "bench-1")] {
            try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(cn)"], in: dir)
            var sign = ["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "\(name).pem", "-days", "2"]
            if name == "server" { sign += ["-extfile", "san.ext"] }
            try openssl(sign, in: dir)
        }
    }

    @Test func theConfiguredCAAndClientCertificateAreUsed() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "openssl is needed (apt-get install openssl)")
        let dir = TempDir()
        defer { dir.remove() }
        try await offload { try Self.makeCertificates(in: dir.path) }
        let port = LoopbackPort.unused()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        server.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", "server.pem", "-key", "server.key", "-CAfile", "ca.pem", "-Verify", "1", "-www", "-quiet"]
        server.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        // 60 s: amid the whole suite (894 tests on 2 cores) openssl s_server was not seen listening within 10 s three times.
        #expect(await SyncEndToEndTests.waitForPort(port, timeout: .seconds(60)), "openssl s_server listening on \(port)")
        let url = "https://127.0.0.1:\(port)"
        let p = dir.path

        func attempt(ca: String?, cert: String?, key: String?) async throws -> SyncError? {
            let config = try SyncConfiguration(serverURL: url, token: Secret("1.tls-secret"), caFile: ca, clientCertificate: cert, clientKey: key, requestTimeout: .seconds(5))
            let client = try HubClient(configuration: config)
            defer { Task { await client.shutdown() } }
            do {
                _ = try await client.labelRuns()
                return nil
            } catch { return error }
        }
        let full = try await attempt(ca: p + "/ca.pem", cert: p + "/client.pem", key: p + "/client.key")
        #expect(full?.code == "sync.bad_answer", "handshake done with our CA and client certificate: \(full?.message ?? "no error")")
        let noClientCert = try await attempt(ca: p + "/ca.pem", cert: nil, key: nil)
        #expect(noClientCert?.code == "sync.unreachable", "the server demands a client certificate")
        let systemCAs = try await attempt(ca: nil, cert: p + "/client.pem", key: p + "/client.key")
        #expect(systemCAs?.code == "sync.unreachable", "the system CAs do not trust the test CA")
        for e in [full, noClientCert, systemCAs] { #expect(e?.message.contains("tls-secret") == false) }
    }

    @Test func aClientKeyThatIsNotAKeyIsNamed() throws {
        let dir = TempDir()
        defer { dir.remove() }
        try "not a key".write(toFile: dir.path + "/k.pem", atomically: true, encoding: .utf8)
        try Self.makeCertificates(in: dir.path)
        let config = try SyncConfiguration(serverURL: "https://127.0.0.1:1", token: Secret("1.x"), clientCertificate: dir.path + "/client.pem", clientKey: dir.path + "/k.pem")
        let error = #expect(throws: SyncError.self) { try HubClient(configuration: config) }
        #expect(error?.message.contains("server.client_key") == true)
    }
}
