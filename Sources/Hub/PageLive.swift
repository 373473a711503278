import Foundation
import PackCore

/// What one live update of the page holds: the figures and the lists under them.
struct PageSnapshot: Sendable {
    var figures: PageFigures
    /// The head of the queue, most urgent first.
    var queue: [JSONValue]
    /// The packers' table (HubStore.packerRows).
    var packers: [JSONValue]
    /// The newest results and events the stations sent.
    var results: [JSONValue]

    /// Rows of the queue shown.
    static let queueRows = 20
    /// Results shown.
    static let resultRows = 20

    /// Reads everything the live part of the page shows.
    static func read(_ store: HubStore, now: Date = Date()) async throws(HubError) -> PageSnapshot {
        let figures = try await store.pageFigures(now: now)
        let queue = try store.listQueue(limit: queueRows)
        let packers = try store.packerRows()
        let results = try await store.listResults(orderID: nil, limit: resultRows)
        return PageSnapshot(figures: figures, queue: queue, packers: packers, results: results)
    }
}

/// The live part of the page, `<section id="live">`: rendered on the server, sent whole on the
/// page's event stream and swapped in by the page's script. Every field is text (Markup).
enum PageLive {
    static func render(_ s: PageSnapshot, language: PageLanguage, timeZone: TimeZone = .current) -> String {
        let w = language.words
        let f = s.figures
        let now = f.now
        var html = #"<section id="live" data-event-id="\#(f.lastEventID)" data-at="\#(HubStore.timestamp(now.timeIntervalSince1970))">"#

        // Counts by state.
        html += #"<h2>\#(HubPage.escape(w.states))</h2><ul class="states">"#
        for c in f.states where c.count > 0 || !["labelled", "in_transit", "delivered", "exception", "on_hold"].contains(c.state) {
            html += #"<li class="state-\#(HubPage.attribute(c.state))" data-state="\#(HubPage.attribute(c.state))" data-count="\#(c.count)"><b>\#(c.count)</b> \#(HubPage.escape(w.state(c.state)))</li>"#
        }
        html += #"<li class="total" data-state="total" data-count="\#(f.states.reduce(0) { $0 + $1.count })"><b>\#(f.states.reduce(0) { $0 + $1.count })</b> \#(HubPage.escape(w.total))</li></ul>"#

        // Packed per hour, by station and by packer.
        let p = f.packedPerHour
        html += #"<h2>\#(HubPage.escape(w.packedPerHour))</h2>"#
        if p.byStation.isEmpty {
            html += #"<p class="empty" id="nothing-packed">\#(HubPage.escape(w.nothingPacked))</p>"#
        } else {
            let name = { (n: PackedPerHour.Series.Name) -> String in
                switch n {
                case .named(let s): s
                case .nobody: w.nobody
                case .others: w.others
                }
            }
            html += #"<div class="charts"><figure id="chart-stations"><figcaption>\#(HubPage.escape(w.byStation))</figcaption>"#
            html += PageChart.svg(p.byStation, hourStarts: p.hourStarts, label: w.packedPerHour + " · " + w.byStation, name: name, timeZone: timeZone)
            html += PageChart.legend(p.byStation, name: name) + "</figure>"
            html += #"<figure id="chart-packers"><figcaption>\#(HubPage.escape(w.byPacker))</figcaption>"#
            html += PageChart.svg(p.byPacker, hourStarts: p.hourStarts, label: w.packedPerHour + " · " + w.byPacker, name: name, timeZone: timeZone)
            html += PageChart.legend(p.byPacker, name: name) + "</figure></div>"
        }

        // Error verdicts per 100 scans.
        let e = f.scanErrors
        html += #"<h2>\#(HubPage.escape(w.errorsPer100))</h2><p class="note">\#(HubPage.escape(w.errorsWindow))</p>"#
        html += #"<table id="errors"><tr><th>\#(HubPage.escape(w.station))</th><th>\#(HubPage.escape(w.scans))</th><th>\#(HubPage.escape(w.errors))</th><th>\#(HubPage.escape(w.per100))</th></tr>"#
        for r in e.stations + [e.total] {
            let station = r.station.map(HubPage.escape) ?? HubPage.escape(w.allStations)
            html += #"<tr\#(r.station == nil ? #" class="total""# : "") data-station="\#(HubPage.attribute(r.station ?? ""))" data-per100="\#(r.per100Text)"><td>\#(station)</td><td>\#(r.scans)</td><td>\#(r.errors)</td><td>\#(r.per100Text)</td></tr>"#
        }
        html += "</table>"

        // The backlog by priority and age.
        let b = f.backlog
        html += #"<h2>\#(HubPage.escape(w.backlog))</h2><table id="backlog"><tr><th></th>"#
        for label in w.ageBuckets { html += "<th>\(HubPage.escape(label))</th>" }
        html += "<th>\(HubPage.escape(w.total))</th></tr>"
        for (rank, priority) in Backlog.priorities.enumerated() {
            html += #"<tr data-priority="\#(priority)"><th>\#(HubPage.escape(w.priority(priority)))</th>"#
            for (bucket, n) in b.counts[rank].enumerated() { html += #"<td data-bucket="\#(bucket)"\#(n > 0 && bucket == Backlog.bucketBounds.count ? #" class="old""# : "")>\#(n)</td>"# }
            html += "<td>\(b.total(rank: rank))</td></tr>"
        }
        html += #"<tr class="total" data-priority="total"><th>\#(HubPage.escape(w.total))</th>"#
        for bucket in 0...Backlog.bucketBounds.count { html += #"<td data-bucket="\#(bucket)">\#(b.total(bucket: bucket))</td>"# }
        html += "<td>\(b.total)</td></tr></table>"

        // The stations' health.
        html += #"<h2>\#(HubPage.escape(w.health))</h2><table id="stations"><tr><th>\#(HubPage.escape(w.station))</th><th></th><th>\#(HubPage.escape(w.lastSeen))</th><th>\#(HubPage.escape(w.scanners))</th><th>\#(HubPage.escape(w.printers))</th><th>\#(HubPage.escape(w.outbox))</th><th>\#(HubPage.escape(w.outboxAge))</th></tr>"#
        for st in f.stations {
            let online = st.online(now: now)
            let age = st.outboxAge(now: now)
            html += #"<tr data-station="\#(HubPage.attribute(st.name))" data-online="\#(online)"><td>\#(HubPage.escape(st.name))</td>"#
            html += #"<td class="\#(online ? "online" : "offline")">\#(HubPage.escape(online ? w.online : w.offline))</td>"#
            html += "<td>\(HubPage.escape(st.lastSeen.map { w.ago(now.timeIntervalSince($0)) } ?? w.never))</td>"
            html += "<td>\(devices(st.scanners))</td><td>\(devices(st.printers))</td>"
            html += #"<td data-pending="\#(st.outboxPending ?? 0)">\#(st.outboxPending.map(String.init) ?? "")</td>"#
            html += #"<td\#(age.map { $0 > 300 ? #" class="bad""# : "" } ?? "")>\#(age.map { HubPage.escape(w.ago($0)) } ?? "")</td></tr>"#
        }
        html += "</table>"

        // The head of the queue, the packers, the latest results.
        html += #"<h2>\#(HubPage.escape(w.queue))</h2><table id="queue"><tr><th>\#(HubPage.escape(w.order))</th><th>priority</th><th>\#(HubPage.escape(w.shipBy))</th><th>\#(HubPage.escape(w.station))</th><th>\#(HubPage.escape(w.imported))</th></tr>"#
        for q in s.queue {
            html += "<tr><td>\(HubPage.text(q["id"]))</td><td>\(HubPage.text(q["priority"]))</td><td>\(HubPage.text(q["ship_by"]))</td><td>\(HubPage.text(q["station"] == .null ? .string(w.any) : q["station"]))</td><td>\(HubPage.text(q["imported_at"]))</td></tr>"
        }
        html += #"</table><h2>\#(HubPage.escape(w.packers))</h2><table id="packers"><tr><th>\#(HubPage.escape(w.packer))</th><th>results</th><th>\#(HubPage.escape(w.packed))</th><th>\#(HubPage.escape(w.meanPack))</th><th>\#(HubPage.escape(w.longestPack))</th></tr>"#
        for r in s.packers {
            html += "<tr><td>\(r["packer"] == .null ? HubPage.escape(w.nobodySignedIn) : HubPage.text(r["packer"]))</td><td>\(HubPage.text(r["results"]))</td><td>\(HubPage.text(r["packed"]))</td><td>\(HubPage.text(r["mean_pack_seconds"]))</td><td>\(HubPage.text(r["max_pack_seconds"]))</td></tr>"
        }
        html += #"</table><h2>\#(HubPage.escape(w.latestResults))</h2><table id="results"><tr><th>\#(HubPage.escape(w.received))</th><th>\#(HubPage.escape(w.station))</th><th>\#(HubPage.escape(w.order))</th><th>\#(HubPage.escape(w.type))</th><th>\#(HubPage.escape(w.outcome))</th></tr>"#
        for r in s.results {
            html += "<tr><td>\(HubPage.text(r["received_at"]))</td><td>\(HubPage.text(r["station"]))</td><td>\(orderLink(r["order_id"]))</td><td>\(HubPage.text(r["type"]))</td><td>\(HubPage.text(r["body"]?["outcome"] ?? r["body"]?["kind"]))</td></tr>"
        }
        return html + "</table></section>"
    }

    /// An order id as a link to its history (`/?order=ID`), or nothing.
    static func orderLink(_ id: JSONValue?) -> String {
        guard case .string(let s)? = id else { return "" }
        return #"<a href="/?order=\#(HubPage.attribute(HubPage.queryEscape(s)))">\#(HubPage.escape(s))</a>"#
    }

    private static func devices(_ list: [StationHealth.Device]) -> String {
        list.map { d in
            #"<span class="device\#(d.state == "ready" ? "" : " bad")" data-state="\#(HubPage.attribute(d.state))">\#(HubPage.escape(d.name)) (\#(HubPage.escape(d.state)))</span>"#
        }.joined(separator: "<br>")
    }
}
