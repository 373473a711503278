import Foundation
import Markup
import PackCore

/// The hub's small web page: orders and their state, stations (online or not, their scanners
/// and printers) and the latest results. Refreshes itself every 10 s.
enum HubPage {
    /// The page's only style sheet, inline; the policy allows exactly this text by its hash.
    static let style = "body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}"
        + "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}.online{color:#070}.offline{color:#a00}"

    /// The page loads nothing, runs no script and is framed by no one; its style is allowed by hash.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'sha256-\(Data(SHA256.digest(Array(style.utf8))).base64EncodedString())'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static func render(_ store: HubStore) async throws(HubError) -> String {
        let summary = try await store.summary()
        let stations = try await store.listStations()
        let orders = try await store.listOrders(limit: 200)
        let queue = try store.listQueue(limit: 50)
        let packers = try store.packerRows()
        let results = try await store.listResults(orderID: nil, limit: 50)
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10">
            <title>packstation hub</title><style>\(style)</style></head><body><h1>packstation hub</h1>
            """
        html += "<p>\(text(summary["orders"])) orders, \(text(summary["orders_packed"])) packed; \(text(summary["results"])) results; \(text(summary["stations"])) stations.</p>"
        html += "<h2>Stations</h2><table><tr><th>name</th><th>state</th><th>last seen</th><th>scanners</th><th>printers</th></tr>"
        for s in stations {
            let online = s["online"] == .bool(true)
            html += "<tr><td>\(text(s["name"]))</td><td class=\"\(online ? "online" : "offline")\">\(online ? "online" : "offline")</td><td>\(text(s["last_seen"]))</td>"
            html += "<td>\(devices(s["scanners"]))</td><td>\(devices(s["printers"]))</td></tr>"
        }
        html += "</table><h2>Queue, most urgent first</h2><table><tr><th>order</th><th>priority</th><th>ship by</th><th>station</th><th>imported</th></tr>"
        for q in queue {
            html += "<tr><td>\(text(q["id"]))</td><td>\(text(q["priority"]))</td><td>\(text(q["ship_by"]))</td><td>\(text(q["station"] == .null ? .string("any") : q["station"]))</td><td>\(text(q["imported_at"]))</td></tr>"
        }
        html += "</table><h2>Orders</h2><table><tr><th>order</th><th>state</th><th>station</th><th>packed at</th></tr>"
        for o in orders {
            html += "<tr><td>\(text(o["id"]))</td><td>\(text(o["state"]))</td><td>\(text(o["station"]))</td><td>\(text(o["packed_at"]))</td></tr>"
        }
        html += "</table><h2>Packers</h2><table><tr><th>packer</th><th>results</th><th>packed</th><th>mean pack time (s)</th><th>longest (s)</th></tr>"
        for p in packers {
            html += "<tr><td>\(p["packer"] == .null ? "(nobody signed in)" : text(p["packer"]))</td><td>\(text(p["results"]))</td><td>\(text(p["packed"]))</td><td>\(text(p["mean_pack_seconds"]))</td><td>\(text(p["max_pack_seconds"]))</td></tr>"
        }
        html += "</table><h2>Latest results</h2><table><tr><th>received</th><th>station</th><th>order</th><th>type</th><th>outcome</th></tr>"
        for r in results {
            html += "<tr><td>\(text(r["received_at"]))</td><td>\(text(r["station"]))</td><td>\(text(r["order_id"]))</td><td>\(text(r["type"]))</td><td>\(text(r["body"]?["outcome"] ?? r["body"]?["kind"]))</td></tr>"
        }
        return html + "</table></body></html>\n"
    }

    private static func devices(_ v: JSONValue?) -> String {
        guard case .array(let list)? = v else { return "" }
        return list.map { "\(text($0["name"])) (\(text($0["state"])))" }.joined(separator: "<br>")
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
