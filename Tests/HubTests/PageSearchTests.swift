import Foundation
@testable import Hub
import PackCore
import Testing

/// The page's search (`/?q=`), an order's history (`/?order=`) and its two languages.
@Suite struct PageSearchTests {
    static func order(_ id: String, name: String? = nil, email: String? = nil, tracking: String? = nil, barcodes: [String] = []) -> String {
        var o: [(String, JSONValue)] = [
            ("id", .string(id)), ("barcodes", .array(barcodes.map { .string($0) })), ("status", "ready"), ("payment", "captured"),
            ("lines", .array([.object([("sku", "S"), ("quantity", .int(1)), ("barcodes", .array(["4006381333931"]))])])),
        ]
        if name != nil || email != nil { o.append(("customer", .object([("name", .optional(name)), ("email", .optional(email))]))) }
        if let tracking {
            let address = JSONValue.object([("name", "W"), ("street", .array(["1 Road"])), ("city", "Madrid"), ("postal_code", "28001"), ("country", "ES")])
            o.append(("shipment", .object([("carrier", "SEUR"), ("service", "24"), ("tracking", .string(tracking)), ("from", address), ("to", address)])))
        }
        return JSONValue.object(o).jsonText
    }

    static func hub() throws -> HubFixture {
        let hub = try HubFixture()
        try hub.importOrders([
            order("1001", name: "María José Pérez", email: "mj.perez@example.es", tracking: "1Z999AA10123456784", barcodes: ["TOTE-7"]),
            order("1002", name: "John O'Brien", email: "john@example.com"),
            order("10020", name: "Ana 100% Ruiz", email: "ana_r@example.com"),
            order("2001", name: "</td><script>alert(1)</script>", email: "<svg/onload=alert(2)>@x.example"),
        ].joined(separator: "\n"))
        return hub
    }

    static let searches: [(String, [String], String)] = [
        ("1001", ["1001"], "id"), ("TOTE-7", ["1001"], "barcode"), ("1Z999AA10123456784", ["1001"], "tracking"),
        ("100", ["1001", "1002", "10020"], "id"),  // the start of an id
        ("1002", ["1002", "10020"], "id"),  // exact first, then what starts with it
        ("pérez", ["1001"], "customer"), ("JOHN@EXAMPLE", ["1002"], "customer"), ("o'brien", ["1002"], "customer"),
        ("100%", ["10020"], "customer"),  // '%' is text, not a wildcard
        ("_r@", ["10020"], "customer"),  // and '_' too
        ("a%", [], ""), ("' OR 1=1 --", [], ""), ("alert(1)", ["2001"], "customer"),
    ]

    @Test(arguments: searches)
    func searchFindsByIdBarcodeTrackingOrCustomer(text: String, ids: [String], matched: String) async throws {
        let hub = try Self.hub()
        defer { hub.remove() }
        let found = try await hub.store.searchOrders(text)
        #expect(found.hits.map(\.id) == ids)
        if let first = found.hits.first { #expect(first.matched == matched) }
        #expect(!found.more)
    }

    @Test func manyMatchesAreCutAtTheLimitAndTheSupervisorIsToldSo() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders((0..<60).map { Self.order("W-\($0)", name: "Wave buyer \($0)") }.joined(separator: "\n"))
        let found = try await hub.store.searchOrders("wave buyer")
        #expect(found.hits.count == 50 && found.more)
        let page = await hub.call("GET", "/", query: ["q": "wave buyer"])
        #expect(page.text.components(separatedBy: "data-matched=\"customer\"").count - 1 == 50)
        #expect(page.text.contains("Only the first 50 are shown; search for more of the text."))
    }

    @Test func aSearchTooLongOrTooShortIsExplainedOnThePage() async throws {
        let hub = try Self.hub()
        defer { hub.remove() }
        let long = await hub.call("GET", "/", query: ["q": String(repeating: "x", count: 201)])
        #expect(long.status == 200 && long.text.contains(#"<p class="error">A search is at most 200 characters; this one has 201.</p>"#))
        let short = await hub.call("GET", "/", query: ["q": "J"])
        #expect(short.text.contains("No order matches “J”.") && short.text.contains("Give at least 2 characters to search customers."))
    }

    @Test func searchResultsAndTheQueryAreTextOnThePage() async throws {
        let hub = try Self.hub()
        defer { hub.remove() }
        let page = await hub.call("GET", "/", query: ["q": "alert("])
        #expect(page.status == 200)
        #expect(page.text.contains(#"value="alert(""#) && page.text.contains("Orders matching “alert(”"))
        #expect(page.text.contains("&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;<br>&lt;svg/onload=alert(2)&gt;@x.example"))
        #expect(page.text.components(separatedBy: "<script").count == 2 && !page.text.contains("<svg/"))
        let hostileQuery = await hub.call("GET", "/", query: ["q": #""><script>alert(3)</script>"#])
        #expect(hostileQuery.text.contains(#"value="&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;""#))
        #expect(hostileQuery.text.components(separatedBy: "<script").count == 2)
    }

    @Test func anOrderOpensToItsHistoryOfScansVerdictsLabelsAndEvents() async throws {
        let hub = try Self.hub()
        defer { hub.remove() }
        var result = #"{"items":[{"key":"r-1","type":"pack_result","order_id":"1001","body":{"order_id":"1001","station":"bench-1","packer":"ana","outcome":"packed","started_at":"@T0@","ended_at":"@T2@","lines":[{"sku":"S","expected":1,"packed":1,"short":0,"short_reason":null,"serials":[],"lots":[]}],"scans":[{"seq":1,"data":"TOTE-7","verdict":"order_opened","at":"@T0@"},{"seq":2,"data":"5060123456783","verdict":"wrong_item","at":"@T1@"},{"seq":3,"data":"4006381333931","verdict":"order_complete","at":"@T2@","sku":"S"}]}},"#
            + #"{"key":"e-1","type":"event","order_id":"1001","body":{"kind":"label_printed","order_id":"1001","at":"@T3@","data":{"printer":"zebra-1"}}}]}"#
        // Bench times a little after the import, as they would be.
        let t = Date().timeIntervalSince1970
        for (k, offset) in [("@T0@", 1.0), ("@T1@", 2.0), ("@T2@", 3.0), ("@T3@", 4.0)] { result = result.replacingOccurrences(of: k, with: HubStore.timestamp(t + offset)) }
        #expect(await hub.call("POST", "/v1/results", body: result).status == 200)
        let page = await hub.call("GET", "/", query: ["order": "1001"])
        let history = try #require(page.text.components(separatedBy: #"<section id="history""#).last?.components(separatedBy: "</section>").first)
        #expect(history.contains("<dt>customer</dt><dd>María José Pérez</dd>") && history.contains("<dd>1Z999AA10123456784</dd>"))
        #expect(history.contains(#"<dl class="facts" data-state="labelled">"#), "packed, then labelled when its label printed")
        #expect(history.contains(#"<tr data-tracking="1Z999AA10123456784"><td>1</td>"#), "its package with the tracking number")
        let rows = history.components(separatedBy: "<tr class=").dropFirst().map { row -> String in
            let field = { (name: String) in row.components(separatedBy: name + "=\"").dropFirst().first?.prefix { $0 != "\"" } ?? "" }
            return field("data-kind") + ":" + field("data-what")
        }
        #expect(rows == ["state:ready", "hub_event:order.imported", "scan:order_opened", "scan:wrong_item", "scan:order_complete", "pack_result:pack_result: packed",
                         "state:packed", "station_event:label_printed", "state:labelled"], "\(rows)")
        #expect(history.contains(#"<tr class="scan bad" data-kind="scan" data-what="wrong_item"><td>\#(HubStore.timestamp(t + 2))</td><td>wrong_item</td><td>5060123456783</td></tr>"#))
        #expect(history.contains(#"<td>4006381333931 · S</td>"#), "a scan with its SKU")
        #expect(history.contains("<td>bench-1 · printer: zebra-1</td>"), "the label's printer")
        let missing = await hub.call("GET", "/", query: ["order": "<b>nope</b>"])
        #expect(missing.text.contains("There is no order “&lt;b&gt;nope&lt;/b&gt;” on this hub."))
    }

    @Test func thePageSpeaksTheHubsLanguage() async throws {
        let hub = try HubFixture(configureAPI: { $0.pageFeed = PageFeed(store: $0.store, language: .es) })
        defer { hub.remove() }
        try hub.importOrders(Self.order("1001", name: "María"))
        let page = await hub.call("GET", "/", query: ["q": "marí"])
        #expect(page.text.contains(#"<html lang="es">"#))
        for phrase in ["Pedidos por estado", "Pendientes por prioridad y antigüedad", "Veredictos de error por cada 100 lecturas", "Puestos", "Buscar",
                       "Pedidos que coinciden con «marí»", "Nada empaquetado en las últimas 12 horas."] {
            #expect(page.text.contains(phrase), "\(phrase)")
        }
        #expect(!page.text.contains("Orders by state"))
        let english = try HubFixture()
        defer { english.remove() }
        let en = await english.call("GET", "/")
        #expect(en.text.contains(#"<html lang="en">"#) && en.text.contains("Orders by state") && en.text.contains("Nothing packed in the last 12 hours."))
    }

    @Test func everyStringHasBothLanguages() {
        let en = PageLanguage.en.words, es = PageLanguage.es.words
        for (a, b) in [(en.title, es.title), (en.states, es.states), (en.backlog, es.backlog), (en.health, es.health), (en.search, es.search),
                       (en.errorsPer100, es.errorsPer100), (en.packedPerHour, es.packedPerHour), (en.queue, es.queue)] {
            #expect(a != b && !a.isEmpty && !b.isEmpty)
        }
        for state in ["ready", "packed", "labelled", "shipped", "in_transit", "delivered", "exception", "cancelled", "on_hold"] {
            #expect(en.state(state) != es.state(state), "\(state)")
        }
    }
}
