import HTTPTypes
import Hummingbird

/// Puts the browser's protections on every response: `X-Content-Type-Options: nosniff`,
/// `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`, and on HTML and SVG a
/// Content-Security-Policy (with `frame-ancestors 'none'`). A handler that set its own policy
/// keeps it. Errors thrown further in are turned into their responses here so they get the
/// headers too.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The policy for HTML and SVG responses.
    public let contentSecurityPolicy: String

    /// A middleware with `contentSecurityPolicy` (`frame-ancestors 'none'` is added when missing).
    /// The default lets a page load nothing and run nothing: hash inline styles or scripts into it.
    public init(contentSecurityPolicy: String = SecurityHeadersMiddleware.strictPolicy) {
        self.contentSecurityPolicy = contentSecurityPolicy.contains("frame-ancestors") ? contentSecurityPolicy : contentSecurityPolicy + "; frame-ancestors 'none'"
    }

    /// Nothing loads or runs, nothing frames the page, forms post nowhere.
    public static var strictPolicy: String { "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'" }

    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }
    static var xFrameOptions: HTTPField.Name { HTTPField.Name("X-Frame-Options")! }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do { response = try await next(request, context) } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[Self.xFrameOptions] = "DENY"
        if response.headers[.contentSecurityPolicy] == nil, let type = response.headers[.contentType]?.lowercased(),
           type.hasPrefix("text/html") || type.hasPrefix("image/svg+xml") || type.hasPrefix("application/xhtml") {
            response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        }
        return response
    }
}
