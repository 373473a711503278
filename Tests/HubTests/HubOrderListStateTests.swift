import Foundation
@testable import Hub
import PackCore
import Testing

/// `GET /v1/admin/orders` and the page's order table (its search results) show each order's
/// lifecycle state beside the imported status and the older pack-queue `state`.
@Suite struct HubOrderListStateTests {
    @Test func theListAndThePageShowTheLifecycleState() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders([HubFixture.order("S-1"), HubFixture.order("S-2"), HubFixture.order("S-3", status: "cancelled"), HubFixture.order("S-4")].joined(separator: "\n"))
        for state in [OrderState.packed, .labelled, .shipped, .inTransit] { _ = try hub.store.moveOrder("S-1", to: state, source: "test") }
        _ = try hub.store.moveOrder("S-2", to: .exception, source: "test")
        let listed = await hub.call("GET", "/v1/admin/orders")
        #expect(listed.status == 200)
        guard case .array(let orders)? = listed.json?["orders"] else { Issue.record("no orders: \(listed.text)"); return }
        let byID = Dictionary(uniqueKeysWithValues: orders.map { o -> (String, JSONValue) in if case .string(let id)? = o["id"] { (id, o) } else { ("", o) } })
        #expect(byID["S-1"]?["lifecycle_state"] == "in_transit")
        #expect(byID["S-2"]?["lifecycle_state"] == "exception")
        #expect(byID["S-3"]?["lifecycle_state"] == "cancelled" && byID["S-3"]?["state"] == "cancelled" && byID["S-3"]?["status"] == "cancelled")
        #expect(byID["S-4"]?["lifecycle_state"] == "ready" && byID["S-4"]?["state"] == "queued", "the old pack-queue field is still there")

        let page = await hub.call("GET", "/", query: ["q": "S-"], token: .some(nil))
        #expect(page.status == 200)
        #expect(page.text.contains("<th>status</th><th>state</th>"), "the search table has a state column")
        for (id, state) in [("S-1", "in_transit"), ("S-2", "exception"), ("S-3", "cancelled"), ("S-4", "ready")] {
            #expect(page.text.contains(#"<tr data-order="\#(id)""#) && Self.row(page.text, id).contains(#"<td class="state">\#(state)</td>"#), "\(id) shows \(state)")
        }
    }

    /// The HTML of the search table's row for `id`.
    static func row(_ html: String, _ id: String) -> String {
        guard let start = html.range(of: #"<tr data-order="\#(id)""#), let end = html[start.upperBound...].range(of: "</tr>") else { return "" }
        return String(html[start.lowerBound..<end.upperBound])
    }
}
