import Foundation
import HTTPGuard
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import PackCore
import ServiceLifecycle
import Synchronization

/// Serves `HubAPI` over HTTP/1.1 (or HTTPS) with Hummingbird, behind the connection guard.
public struct HubServer: Sendable {
    /// The API served.
    public let api: HubAPI
    /// Where to listen.
    public var host: String
    /// The port; 0 picks a free one (reported to `onRunning`).
    public var port: Int
    /// When set, every exchange is appended here as a JSON line (for the OpenAPI conformance check).
    public var recordFile: String?
    /// Timeouts and the connection limit.
    public var guardConfiguration = HTTPGuardConfiguration()
    /// When set, the hub speaks HTTPS only.
    public var tls: TLSConfiguration?
    /// Background workers (webhook deliveries, e-mail notices, …) run beside the HTTP server and
    /// shut down with it, gracefully on SIGTERM.
    public var services: [any Service] = []

    /// Creates a server.
    public init(api: HubAPI, host: String = "127.0.0.1", port: Int = 8080, recordFile: String? = nil) {
        self.api = api
        self.host = host
        self.port = port
        self.recordFile = recordFile
    }

    /// The TLS configuration for a PEM certificate chain and private key; the error says which
    /// file is wrong.
    public static func tlsConfiguration(certificateFile: String, keyFile: String) throws(HubError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificateFile) } catch {
            throw HubError(400, "bad_certificate", "Cannot read a PEM certificate from \(certificateFile) (\(error)); give the server's certificate chain, leaf first.")
        }
        guard !chain.isEmpty else { throw HubError(400, "bad_certificate", "\(certificateFile) holds no PEM certificate.") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: keyFile, format: .pem) } catch {
            throw HubError(400, "bad_key", "Cannot read a PEM private key from \(keyFile) (\(error)); give the key of the certificate, unencrypted.")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do { _ = try NIOSSLContext(configuration: configuration) } catch {
            throw HubError(400, "bad_key", "The key in \(keyFile) does not go with the certificate in \(certificateFile) (\(error)).")
        }
        return configuration
    }

    /// Runs until cancelled, or with `signals` also until SIGTERM/SIGINT (graceful shutdown);
    /// `onRunning` gets the bound port.
    public func run(logger: Logger, signals: Bool = true, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let recorder = try recordFile.map(ExchangeRecorder.init(path:))
        let bound = BoundPort(port)
        let limiter = ConnectionLimiter(maximum: guardConfiguration.effectiveMaximumConnections(openFileLimit: OpenFileLimit.raise()))
        let guardConfiguration = self.guardConfiguration
        let tls = self.tls
        let server = HTTPServerBuilder { responder throws -> any ServerChildChannel in
            let http = GuardedHTTP1Channel(responder: responder, configuration: guardConfiguration, limiter: limiter)
            guard let tls else { return http }
            return try TLSChannel(http, tlsConfiguration: tls)
        }
        var app = Application(
            router: api.makeRouter(port: bound, recorder: recorder),
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "packstation-hub", backlog: 1024,
                                 availableConnectionsDelegate: limiter.availableConnections),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                bound.set(port)
                await onRunning(port)
            },
            logger: logger)
        app.addServices([api.pageFeed] + services)
        if signals { try await app.runService() } else { try await app.run() }
    }
}

/// Appends each exchange to a JSON-lines file; tests validate them against the OpenAPI document.
public final class ExchangeRecorder: Sendable {
    private let handle: Mutex<FileHandle>

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        h.seekToEndOfFile()
        handle = Mutex(h)
    }

    func record(method: String, path: String, query: String?, contentType: String?, requestBody: [UInt8]?, status: Int, responseContentType: String, responseBody: String) {
        let line = JSONValue.object([
            ("method", .string(method)), ("path", .string(path)), ("query", .optional(query.flatMap { $0.isEmpty ? nil : $0 })),
            ("request_content_type", .optional(contentType)),
            ("request_body", .optional(requestBody.map { String(decoding: $0, as: UTF8.self) })),
            ("status", .int(status)), ("response_content_type", .string(responseContentType)), ("response_body", .string(responseBody)),
        ]).jsonText + "\n"
        handle.withLock { $0.write(Data(line.utf8)) }
    }
}

/// A response body, collected for the recorder.
final class CollectedBody: Sendable {
    let buffer = Mutex(ByteBuffer())
}

struct CollectingWriter: ResponseBodyWriter {
    let into: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        into.buffer.withLock { $0.writeBuffer(&buffer) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
