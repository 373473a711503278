#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import HTTPGuard
import Hummingbird

/// Who may see the kiosk: the `Host` check against DNS rebinding and, when the kiosk has a
/// token (`kiosk.token`, required to listen beyond loopback), the token.
///
/// A browser presents the token once, in the address: `http://BOX:8470/?token=TOKEN`. The kiosk
/// answers with a redirect to the same address without it and a cookie (`packstation_kiosk`,
/// HttpOnly, SameSite=Strict) that the page, its script, its event stream and the label
/// previews then carry. Scripts and scrapers (`/metrics`) send `Authorization: Bearer TOKEN`.
/// `/healthz` answers everyone (it says only "ok"). So does every path for a browser on this
/// machine itself (the bench's own screen, `install.sh --kiosk`), when `localPeersNeedNoToken`:
/// the kiosk on loopback alone needs no token either, and a TCP peer cannot forge a loopback
/// address (a reverse proxy on the box would be such a peer: do not put one in front of it).
struct KioskAccess<Context: RemoteAddressRequestContext>: RouterMiddleware {
    /// The cookie that carries the token.
    static var cookieName: String { "packstation_kiosk" }

    /// Host names the kiosk answers for; IP address literals are always answered (see `allowsHost`).
    let hosts: HostAllowlist
    /// The token, when one is configured.
    let token: String?
    /// Whether connections from a loopback address are let in without the token.
    let localPeersNeedNoToken: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority
        guard Self.allowsHost(host, allowlist: hosts) else {
            return Self.refusal(.misdirectedRequest, "This kiosk does not answer for host '\(host ?? "")': open it by the box's address (e.g. http://127.0.0.1:\(hosts.port.value ?? 8470)/) or add the name to kiosk.allowed_hosts in station.toml.")
        }
        guard let token, request.uri.path != "/healthz" else { return try await next(request, context) }
        if localPeersNeedNoToken, let peer = context.remoteAddress?.ipAddress, isLoopback(host: peer) {
            return try await next(request, context)
        }
        if let presented = request.uri.queryParameters["token"] {
            guard Self.same(String(presented), token) else {
                return Self.refusal(.unauthorized, "The token in the address is not this kiosk's token (kiosk.token in the station's station.toml).")
            }
            // The token leaves the address bar (and the history) at once; the cookie carries it.
            return Response(status: .seeOther, headers: [
                .location: request.uri.path.isEmpty ? "/" : request.uri.path, .cacheControl: "no-store",
                .setCookie: "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000",
            ])
        }
        var presented = request.cookies[Self.cookieName]?.value
        if presented == nil, let auth = request.headers[.authorization], auth.hasPrefix("Bearer ") { presented = String(auth.dropFirst(7)) }
        guard let presented, Self.same(presented, token) else {
            return Self.refusal(.unauthorized, "This kiosk needs its token: open http://\(host ?? "BOX:8470")/?token=TOKEN once in this browser, with TOKEN the kiosk.token of the station's station.toml (scripts: 'Authorization: Bearer TOKEN').")
        }
        return try await next(request, context)
    }

    /// Whether a `Host` may be answered: a name on the allowlist, or an IP address literal on the
    /// kiosk's port. An address cannot be rebound: a DNS-rebinding page reaches the kiosk under
    /// its own DNS name, never under the kiosk's address.
    static func allowsHost(_ host: String?, allowlist: HostAllowlist) -> Bool {
        if allowlist.allows(host) { return true }
        guard let host else { return false }
        var name = Substring(host), port: Int?
        if name.hasPrefix("["), let close = name.firstIndex(of: "]") {
            let rest = name[name.index(after: close)...]
            name = name[name.index(after: name.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()) else { return false }
                port = p
            }
            var v6 = in6_addr()
            guard inet_pton(AF_INET6, String(name), &v6) == 1 else { return false }
        } else {
            if let colon = name.lastIndex(of: ":") {
                guard let p = Int(name[name.index(after: colon)...]) else { return false }
                port = p
                name = name[..<colon]
            }
            var v4 = in_addr()
            guard inet_pton(AF_INET, String(name), &v4) == 1 else { return false }
        }
        guard let bound = allowlist.port.value else { return true }
        return (port ?? 80) == bound
    }

    /// Compares in constant time: how long it takes says nothing about how much of a guess was right.
    static func same(_ presented: String, _ token: String) -> Bool {
        let a = Array(presented.utf8), b = Array(token.utf8)
        var diff = a.count ^ b.count
        for i in 0..<min(a.count, b.count) { diff |= Int(a[i] ^ b[i]) }
        return diff == 0
    }

    /// A refusal in plain text (nothing from the request becomes markup).
    static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}
