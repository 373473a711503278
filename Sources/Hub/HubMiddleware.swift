import Foundation
import Hummingbird
import NIOCore
import PackCore

/// Authenticates the station's bearer token before anything else of the request is looked at.
struct StationAuthentication: RouterMiddleware {
    let store: HubStore

    func handle(_ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        context.station = try await store.authenticate(authorization: request.headers[.authorization])
        return try await next(request, context)
    }
}

/// The admin token, when the hub has one, for the read API and the page: `Authorization: Bearer
/// TOKEN`, or HTTP Basic with TOKEN as the password (what a browser sends after its prompt).
struct AdminAuthentication: RouterMiddleware {
    let token: String?

    func handle(_ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response) async throws -> Response {
        try check(request.headers[.authorization])
        return try await next(request, context)
    }

    func check(_ authorization: String?) throws(HubError) {
        guard let token else { return }
        var presented: String?
        if let auth = authorization {
            if auth.hasPrefix("Bearer ") {
                presented = String(auth.dropFirst(7))
            } else if auth.hasPrefix("Basic "), let data = Data(base64Encoded: String(auth.dropFirst(6))),
                      let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":") {
                presented = String(pair[pair.index(after: colon)...])
            }
        }
        // Constant-time comparison: the time taken says nothing about how much of a guess was right.
        let a = Array((presented ?? "").utf8), b = Array(token.utf8)
        var diff = a.count ^ b.count
        for i in 0..<min(a.count, b.count) { diff |= Int(a[i] ^ b[i]) }
        guard presented != nil, diff == 0 else {
            var e = HubError(401, presented == nil ? "missing_admin_token" : "bad_admin_token",
                             "The read API and the page need the hub's admin token: 'Authorization: Bearer TOKEN' (or the browser's login prompt with the token as the password).")
            e.wwwAuthenticate = true
            throw e
        }
    }
}

/// Reads a JSON body within the route's limit, after authentication: 415 for anything but
/// `application/json`, 413 when the declared or the actual length is over the limit.
struct JSONBody: RouterMiddleware {
    let limit: Int

    func handle(_ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response) async throws -> Response {
        let type = request.headers[.contentType]
        let mediaType = type?.split(separator: ";", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw HubError(415, "unsupported_media_type", type.map { "Send the body as application/json, not \($0)." }
                ?? "Send the body as application/json, with 'Content-Type: application/json'.")
        }
        let tooLarge = HubError(413, "body_too_large", "The request body is larger than \(limit) bytes, the limit for \(request.method) \(request.uri.path); send less at a time.", limit: limit)
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw tooLarge }
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: limit) } catch is NIOTooManyBytesError { throw tooLarge }
        var context = context
        context.body = Array(buffer: buffer)
        context.recordedBody?.bytes.withLock { $0 = context.body }
        return try await next(request, context)
    }
}

/// Every error as `{"error": {"code", "message", ...}}`: the hub's own, Hummingbird's (an unknown
/// path is 404, a known path with the wrong method 405 with `Allow`), and anything unexpected.
struct JSONErrors: RouterMiddleware {
    func handle(_ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HubError {
            return error.response
        } catch let error as HTTPError {
            let path = request.uri.path
            if error.status == .notFound {
                let allowed = HubAPI.methods(allowedOn: path)
                guard allowed.isEmpty else {
                    var response = HubError(405, "method_not_allowed", "\(request.method) is not allowed on \(path); use \(allowed.map(\.rawValue).joined(separator: " or ")) (see docs/api/openapi.yaml).").response
                    response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                    return response
                }
                return HubError(404, "not_found", "No such endpoint: \(request.method) \(path); see docs/api/openapi.yaml.").response
            }
            return HubError(Int(error.status.code), "http_\(error.status.code)", error.body ?? error.status.reasonPhrase).response
        } catch {
            return HubError(500, "internal", "The hub failed to answer (\(error)); try again.").response
        }
    }
}

extension HubError {
    /// The JSON answer; a database hiccup (500) is answered 503 with `Retry-After`: worth a retry soon.
    var response: Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if wwwAuthenticate { headers[.wwwAuthenticate] = "Basic realm=\"packstation-hub\", charset=\"UTF-8\"" }
        if status == 500 { headers[.retryAfter] = "1" }
        return Response(status: .init(code: status == 500 ? 503 : status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: json.jsonText)))
    }
}

/// Appends each exchange to a JSON-lines file; scripts/check-openapi.py validates them against
/// docs/api/openapi.yaml.
struct ExchangeRecording: RouterMiddleware {
    let recorder: ExchangeRecorder

    func handle(_ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        let body = RecordedBody()
        context.recordedBody = body
        var response = try await next(request, context)
        let collected = CollectedBody()
        try await response.body.write(CollectingWriter(into: collected))
        let bytes = collected.buffer.withLock { $0 }
        response.body = .init(byteBuffer: bytes)
        recorder.record(method: request.method.rawValue, path: request.uri.path, query: request.uri.query, contentType: request.headers[.contentType],
                        requestBody: body.bytes.withLock { $0 }, status: Int(response.status.code),
                        responseContentType: response.headers[.contentType] ?? "", responseBody: String(buffer: bytes))
        return response
    }
}
