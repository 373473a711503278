import AsyncHTTPClient
import Foundation
import NIOCore
import PackCore

extension HubClient {
    /// What a label run prints (`GET /v1/label-runs/{id}/labels`): its orders as JSON lines or
    /// its label file, at most `limit` bytes. A bigger answer is refused by its `Content-Length`
    /// before it is read, and while reading when it has none (`sync.run_too_large`, permanent).
    public func labelRunLabels(run id: String, limit: Int) async throws(SyncError) -> [UInt8] {
        let path = "/v1/label-runs/\(id)/labels"
        var request = HTTPClientRequest(url: configuration.serverURL + path)
        request.method = .GET
        request.headers.add(name: "Authorization", value: "Bearer " + configuration.token.value)
        let tooLarge = { (size: String) in
            SyncError(code: "sync.run_too_large", message: "Label run \(id) is \(size); this station takes runs of at most \(limit) bytes (runs.max_bytes). Split the run on the hub, or raise runs.max_bytes.", kind: .permanent)
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(max(configuration.requestTimeout.milliseconds, 60_000)))
        } catch {
            throw SyncError(code: "sync.unreachable", message: "Cannot reach the server at \(configuration.serverURL) (\(error)); label run \(id) is fetched when it answers.", kind: .transient)
        }
        let status = Int(response.status.code)
        if (200..<300).contains(status), let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit {
            throw tooLarge("\(length) bytes")
        }
        let body: ByteBuffer
        do { body = try await response.body.collect(upTo: (200..<300).contains(status) ? limit : 64 << 10) } catch is NIOTooManyBytesError {
            throw tooLarge("over \(limit) bytes")
        } catch {
            throw SyncError(code: "sync.unreachable", message: "The server at \(configuration.serverURL) stopped sending label run \(id) (\(error)); it is fetched again at the next poll.", kind: .transient)
        }
        guard (200..<300).contains(status) else {
            throw Self.error(status: status, document: try? JSONParser.parse(Array(buffer: body)), retryAfter: response.headers.first(name: "Retry-After"), path: path, server: configuration.serverURL)
        }
        return Array(buffer: body)
    }
}
