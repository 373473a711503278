import Foundation
import Hub
import PackCore
import Testing

/// Issue 12's stored script: strings a station or an import sets reach the admin's page as
/// text, including a `<` hidden behind U+0600 (a prepended mark that joins it into one
/// grapheme with the mark; the old escaper compared graphemes and wrote that `<` raw).
@Suite struct HubPageEscapingTests {
    static let marked = "\u{0600}<img src=x onerror=alert(1)>"
    static let quoted = "\"><svg onload=alert(2)>"

    @Test func everythingAStationOrAnImportSetsIsTextOnThePage() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order(Self.marked))
        let device: (String, String) -> JSONValue = { name, state in .object([("name", .string(name)), ("state", .string(state)), ("detail", .string(Self.marked))]) }
        let status = JSONValue.object([
            ("scanners", .array([device(Self.marked, Self.quoted)])), ("printers", .array([device("</td></table><script>alert(3)</script>", "ready")])),
            ("outbox_pending", .int(0)),
        ])
        #expect(await hub.call("POST", "/v1/status", body: status.jsonText).status == 200)
        let event = JSONValue.object([("items", .array([.object([
            ("key", .string("e-1")), ("type", .string("event")), ("order_id", .string(Self.quoted)),
            ("body", .object([("kind", .string(Self.marked)), ("at", .string("2026-11-23T10:00:00Z"))])),
        ])]))])
        #expect(await hub.call("POST", "/v1/results", body: event.jsonText).status == 200)

        let page = await hub.call("GET", "/")
        #expect(page.status == 200)
        let shownMarked = "\u{0600}&lt;img src=x onerror=alert(1)&gt;"
        #expect(page.text.components(separatedBy: "<td>" + shownMarked + "</td>").count - 1 == 2, "the order id in the queue and the event kind, each in its cell")
        #expect(page.text.contains(">\(shownMarked) (\"&gt;&lt;svg onload=alert(2)&gt;)</span>"), "the scanner and its state")
        #expect(page.text.contains(#"data-state="&quot;&gt;&lt;svg onload=alert(2)&gt;""#), "the scanner's state as an attribute")
        #expect(page.text.contains("&lt;/td&gt;&lt;/table&gt;&lt;script&gt;alert(3)&lt;/script&gt; (ready)"), "the printer")
        #expect(page.text.contains(#"<td><a href="/?order=%22%3E%3Csvg%20onload%3Dalert%282%29%3E">"&gt;&lt;svg onload=alert(2)&gt;</a></td>"#), "the event's order id, a link to its history")
        // Searched scalar by scalar (a Character search would not see "<img" after U+0600 either).
        let scalars = String(String.UnicodeScalarView(page.text.unicodeScalars.filter { $0 != "\u{0600}" }))
        for tag in ["<img", "<svg"] {
            #expect(!scalars.contains(tag), "\(tag) on the page")
        }
        #expect(scalars.components(separatedBy: "<script").count == 2 && scalars.contains(#"<script src="/hub.js" defer></script>"#), "only the hub's own script")
        // The page parses into the cells it wrote: as many cells open as close, in rows of the tables' widths.
        #expect(page.text.components(separatedBy: "<td").count == page.text.components(separatedBy: "</td>").count)
    }
}
