import Hummingbird

/// Refuses requests whose `Host` is not on the allowlist with 421 Misdirected Request, before
/// any handler (or body) is touched.
public struct HostAllowlistMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The hosts answered.
    public let allowlist: HostAllowlist
    /// Builds the refusal from the offending `Host` (nil when there was none).
    public let refusal: @Sendable (String?) -> Response

    /// A middleware for `allowlist`; the default refusal is the JSON error body the hub uses.
    public init(allowlist: HostAllowlist, refusal: @escaping @Sendable (String?) -> Response = HostAllowlistMiddleware.jsonRefusal) {
        self.allowlist = allowlist
        self.refusal = refusal
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority
        guard allowlist.allows(host) else { return refusal(host) }
        return try await next(request, context)
    }

    /// `421 {"error":{"code":"host_not_allowed","message":...}}`.
    @Sendable public static func jsonRefusal(_ host: String?) -> Response {
        let message = host.map { "This server does not answer for host '\($0)'" } ?? "The request has no Host header"
        let body = #"{"error":{"code":"host_not_allowed","message":"\#(jsonEscaped(message)); use the address it listens on (e.g. http://127.0.0.1:PORT/) or add the name to its allowed hosts."}}"#
        return Response(status: .misdirectedRequest, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: .init(string: body)))
    }

    static func jsonEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
