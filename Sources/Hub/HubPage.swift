import Foundation
import Hummingbird
import Markup
import NIOCore
import PackCore

/// The supervisor's page (`GET /`): the live overview (PageLive, kept up to date over
/// `/events` by the page's script), a search by order, tracking number or customer
/// (`/?q=TEXT`), and an order's history (`/?order=ID`). Rendered on the server in the hub's
/// language; every field is text (Markup). Its style sheet and script are files of the hub
/// (`/hub.css`, `/hub.js`), so the policy allows no inline script or style at all.
enum HubPage {
    /// The page loads only the hub's own style sheet, script and event stream; nothing inline,
    /// no frames, forms submit to the hub only (the search).
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// The whole page; `query` and `order` come from the address (`?q=`, `?order=`).
    static func render(_ store: HubStore, language: PageLanguage, query: String? = nil, order: String? = nil,
                       live: String? = nil, timeZone: TimeZone = .current) async throws(HubError) -> String {
        let w = language.words
        let liveHTML: String
        if let live { liveHTML = live } else { liveHTML = PageLive.render(try await PageSnapshot.read(store), language: language, timeZone: timeZone) }
        var html = """
            <!doctype html><html lang="\(language.rawValue)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(w.title))</title><link rel="stylesheet" href="/hub.css"><script src="/hub.js" defer></script></head>
            <body><header><h1><a href="/">\(escape(w.title))</a></h1>
            <span id="live-state" class="connecting" data-live="\(attribute(w.live))" data-reconnecting="\(attribute(w.reconnecting))">\(escape(w.connecting))</span>
            <form id="search" method="get" action="/" role="search"><input type="search" name="q" maxlength="\(HubStore.maximumSearchLength)" value="\(attribute(query ?? ""))" placeholder="\(attribute(w.searchPlaceholder))" aria-label="\(attribute(w.search))"><button type="submit">\(escape(w.search))</button></form>
            </header><main>
            """
        if let query, !query.trimmingCharacters(in: .whitespaces).isEmpty {
            html += try await searchSection(store, query: query, words: w)
        }
        if let order, !order.isEmpty {
            html += try await PageHistory.section(store, orderID: order, words: w)
        }
        html += liveHTML
        return html + "</main></body></html>\n"
    }

    private static func searchSection(_ store: HubStore, query: String, words w: PageWords) async throws(HubError) -> String {
        let q = query.trimmingCharacters(in: .whitespacesAndNewlines)
        var html = #"<section id="search-results"><h2>\#(escape(w.results(q)))</h2>"#
        let found: (hits: [HubStore.OrderHit], more: Bool)
        do { found = try await store.searchOrders(q, limit: 50) } catch where error.status == 400 {
            return html + #"<p class="error">\#(escape(error.message))</p></section>"#
        }
        if found.hits.isEmpty {
            html += #"<p class="empty">\#(escape(w.searchNothing(q)))</p>"#
            if q.count < 2 { html += "<p class=\"note\">\(escape(w.searchTooShort))</p>" }
            return html + #"<p class="note">\#(escape(w.searchHint))</p></section>"#
        }
        html += #"<table><tr><th>\#(escape(w.order))</th><th>status</th><th>state</th><th>\#(escape(w.customer))</th><th>\#(escape(w.tracking))</th><th>\#(escape(w.station))</th><th>\#(escape(w.packedAt))</th></tr>"#
        for h in found.hits {
            let customer = [h.customerName, h.customerEmail].compactMap { $0 }.map(escape).joined(separator: "<br>")
            html += #"<tr data-order="\#(attribute(h.id))" data-matched="\#(h.matched)"><td>\#(PageLive.orderLink(.string(h.id)))</td><td>\#(escape(h.status))</td><td class="state">\#(escape(h.state))</td><td>\#(customer)</td><td>\#(h.tracking.map(escape).joined(separator: "<br>"))</td><td>\#(escape(h.station ?? w.any))</td><td>\#(h.packedAt.map { escape(HubStore.timestamp($0.timeIntervalSince1970)) } ?? "")</td></tr>"#
        }
        html += "</table>"
        if found.more { html += #"<p class="note">\#(escape(w.searchMore(50)))</p>"# }
        return html + "</section>"
    }

    /// Text as HTML character data.
    static func escape(_ s: String) -> String { Markup.text(s) }

    /// Text as a quoted attribute value.
    static func attribute(_ s: String) -> String { Markup.attribute(s) }

    /// Text as one query parameter's value (for links to `/?order=`).
    static func queryEscape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Field text, HTML-escaped scalar by scalar (Markup): nothing a station or an order file
    /// sends becomes markup.
    static func text(_ v: JSONValue?) -> String {
        let raw: String
        switch v {
        case .string(let s)?: raw = s
        case .number(let n)?: raw = n
        case .bool(let b)?: raw = b ? "yes" : "no"
        default: raw = ""
        }
        return Markup.text(raw)
    }
}

extension HubPage {
    /// `GET /` with `?q=` (search) and `?order=` (an order's history).
    static func response(_ request: Request, feed: PageFeed) async throws(HubError) -> Response {
        let query = request.uri.queryParameters["q"].map(String.init)
        let order = request.uri.queryParameters["order"].map(String.init)
        let html = try await render(feed.store, language: feed.language, query: query, order: order, live: feed.freshHTML)
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The style sheet or the script: the same for every hub of this version, so cached briefly.
    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
