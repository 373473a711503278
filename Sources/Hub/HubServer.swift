import Foundation
import Hummingbird
import Logging
import NIOCore
import PackCore
import Synchronization

/// Serves `HubAPI` over HTTP/1.1 with Hummingbird.
public struct HubServer: Sendable {
    /// The API served.
    public let api: HubAPI
    /// Where to listen.
    public var host: String
    /// The port; 0 picks a free one (reported to `onRunning`).
    public var port: Int
    /// When set, every exchange is appended here as a JSON line (for the OpenAPI conformance check).
    public var recordFile: String?

    /// Creates a server.
    public init(api: HubAPI, host: String = "127.0.0.1", port: Int = 8080, recordFile: String? = nil) {
        self.api = api
        self.host = host
        self.port = port
        self.recordFile = recordFile
    }

    /// Runs until cancelled, or with `signals` also until SIGTERM/SIGINT (graceful shutdown);
    /// `onRunning` gets the bound port.
    public func run(logger: Logger, signals: Bool = true, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let recorder = try recordFile.map(ExchangeRecorder.init(path:))
        let responder = Responder(api: api, recorder: recorder)
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: port), serverName: "packstation-hub"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        if signals { try await app.runService() } else { try await app.run() }
    }

    /// Adapts Hummingbird requests to `HubAPI.Request` and back.
    struct Responder: HTTPResponder {
        let api: HubAPI
        let recorder: ExchangeRecorder?

        func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
            var request = request
            var body: [UInt8]? = []
            let declared = request.headers[.contentLength].flatMap { Int($0) } ?? 0
            if declared > api.maximumBodyBytes {
                body = nil
            } else if request.method == .post || request.method == .put {
                do { body = Array(buffer: try await request.collectBody(upTo: api.maximumBodyBytes)) } catch is NIOTooManyBytesError { body = nil }
            }
            var query: [String: String] = [:]
            for (k, v) in request.uri.queryParameters { query[String(k)] = String(v) }
            let apiRequest = HubAPI.Request(
                method: request.method.rawValue, path: request.uri.path, query: query, authorization: request.headers[.authorization],
                contentType: request.headers[.contentType], body: body)
            let answer = await api.respond(to: apiRequest)
            recorder?.record(apiRequest, request.uri.query, answer)
            var headers: HTTPFields = [.contentType: answer.contentType]
            for (name, value) in answer.headers {
                if name == "Retry-After" { headers[.retryAfter] = value }
                if name == "WWW-Authenticate" { headers[.wwwAuthenticate] = value }
            }
            return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
    }
}

/// Appends each exchange to a JSON-lines file; tests validate them against the OpenAPI document.
final class ExchangeRecorder: Sendable {
    private let handle: Mutex<FileHandle>

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        h.seekToEndOfFile()
        handle = Mutex(h)
    }

    func record(_ request: HubAPI.Request, _ rawQuery: String?, _ response: HubResponse) {
        let line = JSONValue.object([
            ("method", .string(request.method)), ("path", .string(request.path)), ("query", .optional(rawQuery)),
            ("request_content_type", .optional(request.contentType)),
            ("request_body", .optional(request.body.map { String(decoding: $0, as: UTF8.self) })),
            ("status", .int(response.status)), ("response_content_type", .string(response.contentType)), ("response_body", .string(response.body)),
        ]).jsonText + "\n"
        handle.withLock { $0.write(Data(line.utf8)) }
    }
}
