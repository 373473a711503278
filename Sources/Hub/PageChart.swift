import Foundation

/// The page's bar chart, drawn on the server as inline SVG (no script, no library, nothing
/// fetched): orders packed per hour, one stacked bar per hour, one colour per series (the
/// style sheet's `.c0`…`.c7`). Each segment carries its series, hour and count as data
/// attributes and a `<title>` (the browser's tooltip); names are text (Markup).
enum PageChart {
    static let width = 760.0, height = 220.0
    static let left = 40.0, right = 8.0, top = 12.0, bottom = 24.0

    /// The chart of `series` over `hourStarts`, with `label` as its accessible name; `name`
    /// says how a series is called on the page.
    static func svg(_ series: [PackedPerHour.Series], hourStarts: [Int], label: String, name: (PackedPerHour.Series.Name) -> String,
                    timeZone: TimeZone = .current) -> String {
        let tallest = hourStarts.indices.map { i in series.reduce(0) { $0 + $1.counts[i] } }.max() ?? 0
        let scale = niceCeiling(max(tallest, 1))
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let slot = plotWidth / Double(max(hourStarts.count, 1))
        let bar = (slot * 0.72).rounded()
        var out = #"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(fmt(width)) \#(fmt(height))" role="img" aria-label="\#(HubPage.attribute(label))">"#
        // Grid: zero and the top of the scale, and the half way line.
        for fraction in [0.0, 0.5, 1.0] {
            let y = top + plotHeight * (1 - fraction)
            out += #"<line class="grid" x1="\#(fmt(left))" x2="\#(fmt(width - right))" y1="\#(fmt(y))" y2="\#(fmt(y))"/>"#
            let value = Double(scale) * fraction
            if value == value.rounded() {  // no "0.5" on a scale of 1
                out += #"<text class="axis" x="\#(fmt(left - 4))" y="\#(fmt(y + 4))" text-anchor="end">\#(Int(value))</text>"#
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        for (i, start) in hourStarts.enumerated() {
            let x = left + slot * Double(i) + (slot - bar) / 2
            let hour = calendar.component(.hour, from: Date(timeIntervalSince1970: TimeInterval(start)))
            let hourText = (hour < 10 ? "0" : "") + "\(hour):00"
            var y = top + plotHeight
            for (k, s) in series.enumerated() where s.counts[i] > 0 {
                let h = plotHeight * Double(s.counts[i]) / Double(scale)
                y -= h
                let who = name(s.name)
                out += #"<rect class="c\#(k % 8)" x="\#(fmt(x))" y="\#(fmt(y))" width="\#(fmt(bar))" height="\#(fmt(h))" data-series="\#(HubPage.attribute(who))" data-hour="\#(start)" data-count="\#(s.counts[i])">"#
                out += "<title>\(HubPage.escape(who)) · \(hourText) · \(s.counts[i])</title></rect>"
            }
            if (hourStarts.count - 1 - i) % 2 == 0 || hourStarts.count <= 6 {  // the current hour always, then every other one
                out += #"<text class="axis" x="\#(fmt(x + bar / 2))" y="\#(fmt(height - 6))" text-anchor="middle">\#(hourText)</text>"#
            }
        }
        return out + "</svg>"
    }

    /// The legend: each series' colour, name and total.
    static func legend(_ series: [PackedPerHour.Series], name: (PackedPerHour.Series.Name) -> String) -> String {
        var out = #"<ul class="legend">"#
        for (k, s) in series.enumerated() {
            out += #"<li data-series="\#(HubPage.attribute(name(s.name)))" data-total="\#(s.total)"><span class="swatch c\#(k % 8)"></span>\#(HubPage.escape(name(s.name))) <b>\#(s.total)</b></li>"#
        }
        return out + "</ul>"
    }

    /// The smallest of 1, 2, 5 × 10^n at or above `n`, so the scale reads in round numbers.
    static func niceCeiling(_ n: Int) -> Int {
        var magnitude = 1
        while true {
            for step in [1, 2, 5] where step * magnitude >= n { return step * magnitude }
            magnitude *= 10
        }
    }

    private static func fmt(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v)
    }
}
