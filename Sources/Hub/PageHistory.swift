import Foundation
import PackCore

/// An order's history on the page (`/?order=ID`): one timeline, oldest first, of what the
/// stations sent (each pack result with its scans and verdicts, label and other events) and
/// what the hub did (its event log: imported, packed, labelled, shipped, …).
enum PageHistory {
    /// Entries shown at most (results, scans and events together).
    static let maximumEntries = 2_000

    struct Entry {
        var at: String
        var kind: String
        var what: String
        var detail: String
        var cssClass = ""
    }

    static func section(_ store: HubStore, orderID: String, words w: PageWords) async throws(HubError) -> String {
        var html = #"<section id="history" data-order="\#(HubPage.attribute(orderID))"><h2>\#(HubPage.escape(w.history(orderID)))</h2>"#
        let history: JSONValue
        do { history = try await store.orderHistory(orderID, limit: maximumEntries) } catch where error.status == 404 {
            return html + #"<p class="empty">\#(HubPage.escape(w.noSuchOrder(orderID)))</p><p><a href="/">\#(HubPage.escape(w.back))</a></p></section>"#
        }
        let order = history["order"]
        let state = order?["state"]?.pageString ?? ""
        html += #"<dl class="facts" data-state="\#(HubPage.attribute(state))">"#
        let facts: [(String, String?)] = [
            ("state", w.state(state)), ("status", order?["status"]?.pageString), ("priority", order?["priority"]?.pageString.map(w.priority)),
            (w.customer, order?["customer"]?.pageString), ("channel", order?["channel"]?.pageString),
            ("carrier", [order?["carrier"]?.pageString, order?["service"]?.pageString].compactMap { $0 }.joined(separator: " · ")),
            (w.tracking, order?["tracking"]?.pageString), (w.station, order?["station"]?.pageString), (w.imported, order?["imported_at"]?.pageString),
        ]
        for (k, v) in facts { if let v, !v.isEmpty { html += "<dt>\(HubPage.escape(k))</dt><dd>\(HubPage.escape(v))</dd>" } }
        html += "</dl>"

        // Packages with their tracking and the carrier's updates.
        if case .array(let packages)? = history["packages"], !packages.isEmpty {
            html += #"<table id="packages"><tr><th>#</th><th>\#(HubPage.escape(w.tracking))</th><th>carrier</th><th>state</th><th>\#(HubPage.escape(w.detail))</th></tr>"#
            for p in packages {
                let updates: [String] = p["updates"]?.pageElements.map { u in
                    [u["at"]?.pageString, u["status"]?.pageString, u["location"]?.pageString, u["detail"]?.pageString].compactMap { $0 }.joined(separator: " · ")
                } ?? []
                html += #"<tr data-tracking="\#(HubPage.attribute(p["tracking"]?.pageString ?? ""))"><td>\#(HubPage.text(p["number"]))</td><td>\#(HubPage.text(p["tracking"]))</td><td>\#(HubPage.escape([p["carrier"]?.pageString, p["service"]?.pageString].compactMap { $0 }.joined(separator: " · ")))</td><td>\#(HubPage.escape(w.state(p["state"]?.pageString ?? "")))</td><td>\#(updates.map(HubPage.escape).joined(separator: "<br>"))</td></tr>"#
            }
            html += "</table>"
        }

        var entries: [Entry] = []
        for r in history["results"]?.pageElements ?? [] {
            let station = r["station"]?.pageString ?? ""
            let b = r["body"]
            if r["type"]?.pageString == "pack_result" {
                // The scans first: the result is what their last one completed.
                for s in b?["scans"]?.pageElements ?? [] {
                    let verdict = s["verdict"]?.pageString ?? ""
                    entries.append(Entry(at: s["at"]?.pageString ?? "", kind: "scan", what: verdict,
                                         detail: (s["data"]?.pageString ?? "") + (s["sku"]?.pageString.map { " · " + $0 } ?? ""),
                                         cssClass: ScanErrors.errorVerdicts.contains(verdict) ? "scan bad" : "scan"))
                }
                let packer = b?["packer"]?.pageString
                entries.append(Entry(at: b?["ended_at"]?.pageString ?? r["received_at"]?.pageString ?? "", kind: "pack_result",
                                     what: "pack_result: " + (b?["outcome"]?.pageString ?? ""),
                                     detail: station + (packer.map { " · " + $0 } ?? ""), cssClass: "result"))
            } else {
                entries.append(Entry(at: b?["at"]?.pageString ?? r["received_at"]?.pageString ?? "", kind: "station_event",
                                     what: b?["kind"]?.pageString ?? "event", detail: joined(station, compact(b?["data"])), cssClass: "event"))
            }
        }
        // The state moves after the results that caused them (at the same instant they sort after them).
        var moves = Set<String>()
        for st in history["states"]?.pageElements ?? [] {
            let to = st["state"]?.pageString ?? ""
            moves.insert("order." + to)
            let who = [st["station"]?.pageString, st["person"]?.pageString, st["source"]?.pageString].compactMap { $0 }.joined(separator: " · ")
            entries.append(Entry(at: st["at"]?.pageString ?? "", kind: "state", what: w.state(to), detail: joined(who, compact(st["detail"])), cssClass: "state"))
        }
        // The hub's events, but those of the state moves above (the same fact twice).
        for e in history["events"]?.pageElements ?? [] where !moves.contains(e["type"]?.pageString ?? "") {
            entries.append(Entry(at: e["at"]?.pageString ?? "", kind: "hub_event", what: e["type"]?.pageString ?? "", detail: compact(e["data"], dropping: "order_id"), cssClass: "hub"))
        }
        // ISO 8601 with a zone: compare as instants where they parse, else keep the order of listing.
        // Times a millisecond apart are the same instant (a time stored as a number and written
        // again may lose its last millisecond): the listing's order then says what caused what.
        let sorted = entries.enumerated().sorted { a, b in
            let (x, y) = (HubStore.parseDateTime(a.element.at), HubStore.parseDateTime(b.element.at))
            if let x, let y, abs(x.timeIntervalSince(y)) > 0.0015 { return x < y }
            return a.offset < b.offset
        }.map(\.element)
        html += #"<table id="timeline"><tr><th>\#(HubPage.escape(w.when))</th><th>\#(HubPage.escape(w.what))</th><th>\#(HubPage.escape(w.detail))</th></tr>"#
        for e in sorted {
            html += #"<tr class="\#(e.cssClass)" data-kind="\#(HubPage.attribute(e.kind))" data-what="\#(HubPage.attribute(e.what))"><td>\#(HubPage.escape(e.at))</td><td>\#(HubPage.escape(e.what))</td><td>\#(HubPage.escape(e.detail))</td></tr>"#
        }
        html += "</table>"
        let counts = history["counts"]
        if ["states", "results", "events"].contains(where: { (counts?[$0]?.pageInt ?? 0) > maximumEntries }) {
            html += #"<p class="note">\#(HubPage.escape(w.historyMore(maximumEntries)))</p>"#
        }
        return html + #"<p><a href="/">\#(HubPage.escape(w.back))</a></p></section>"#
    }

    /// A JSON object's members as `key: value` text (nested values as JSON), for the detail column.
    static func compact(_ v: JSONValue?, dropping: String? = nil) -> String {
        guard case .object(let members)? = v, !members.isEmpty else { return "" }
        let parts = members.filter { $0.0 != dropping }.map { k, v -> String in
            switch v {
            case .string(let s): "\(k): \(s)"
            case .number(let n): "\(k): \(n)"
            default: "\(k): \(v.jsonText)"
            }
        }
        return parts.joined(separator: ", ")
    }

    /// The non-empty parts, separated by " · ".
    static func joined(_ parts: String...) -> String {
        parts.filter { !$0.isEmpty }.joined(separator: " · ")
    }
}

