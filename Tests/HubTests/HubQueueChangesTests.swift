import Foundation
@testable import Hub
import PackCore
import Testing

/// `GET /v1/orders/queue?since=CURSOR` (docs/sync.md, "Offline cache"): the first fetch is the
/// whole queue, later ones only what changed, in pages; holds, cancellations, reassignments and
/// orders packed elsewhere reach the station as changes; a cursor the hub does not know gets
/// the whole queue again.
@Suite struct HubQueueChangesTests {
    /// One page as the agent sees it: order ids, removed (id, reason), cursor, full, more.
    struct Page {
        var orders: [String] = []
        var statuses: [String: String] = [:]
        var removed: [String: String] = [:]
        var removedBarcodes: [String: [String]] = [:]
        var cursor = ""
        var full = false
        var more = false
    }

    static func fetch(_ hub: HubFixture, since: String, limit: Int? = nil, token: String?? = .none) async throws -> Page {
        var query = ["since": since]
        if let limit { query["limit"] = String(limit) }
        let r = await hub.call("GET", "/v1/orders/queue", query: query, token: token)
        try #require(r.status == 200, "\(r.text)")
        let json = try #require(r.json)
        var page = Page()
        guard case .array(let orders)? = json["orders"], case .array(let removed)? = json["removed"],
              case .string(let cursor)? = json["cursor"], case .bool(let full)? = json["full"], case .bool(let more)? = json["more"]
        else { throw TestFailure("not a changes answer: \(r.text)") }
        for o in orders {
            guard case .string(let id)? = o["id"], case .string(let status)? = o["status"] else { throw TestFailure("order without id: \(r.text)") }
            page.orders.append(id)
            page.statuses[id] = status
        }
        for r in removed {
            guard case .string(let id)? = r["id"], case .string(let reason)? = r["reason"], case .array(let codes)? = r["barcodes"] else { throw TestFailure("bad removed entry: \(r)") }
            page.removed[id] = reason
            page.removedBarcodes[id] = codes.compactMap { if case .string(let s) = $0 { s } else { nil } }
        }
        page.cursor = cursor
        page.full = full
        page.more = more
        return page
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    @Test func afterTheFirstFetchOnlyChangesComeAndHoldsCancellationsAndMovesReachTheStation() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        _ = try hub.store.addStation(name: "bench-2")
        try hub.importOrders([HubFixture.order("A", barcodes: ["ORD-A"]), HubFixture.order("B"), HubFixture.order("C"), HubFixture.order("D"),
                              HubFixture.order("HELD", status: "on_hold"), HubFixture.order("OLDCANCEL", barcodes: ["ORD-OC"], status: "cancelled")].joined(separator: "\n"))
        try hub.importOrders(HubFixture.order("THEIRS"), station: "bench-2")

        let first = try await Self.fetch(hub, since: "0")
        #expect(first.full && !first.more)
        #expect(Set(first.orders) == ["A", "B", "C", "D", "HELD"], "another station's order is not sent: \(first.orders)")
        #expect(first.statuses["HELD"] == "on_hold", "a held order reaches the cache as held")
        #expect(first.removed == ["OLDCANCEL": "cancelled"] && first.removedBarcodes["OLDCANCEL"]?.contains("ORD-OC") == true,
                "a cancelled order is named with its barcodes so the bench refuses it offline: \(first.removed)")

        let nothing = try await Self.fetch(hub, since: first.cursor)
        #expect(!nothing.full && nothing.orders.isEmpty && nothing.removed.isEmpty && nothing.cursor == first.cursor)

        // On the hub: A cancelled, B moved to bench-2, C packed (by this station), D put on hold, E new.
        try hub.importOrders(HubFixture.order("A", barcodes: ["ORD-A"], status: "cancelled"))
        try hub.importOrders(HubFixture.order("B"), station: "bench-2")
        #expect(await hub.call("POST", "/v1/results", body: HubFixture.batch(["C"])).status == 200)
        try hub.importOrders(HubFixture.order("D", status: "on_hold"))
        try hub.importOrders(HubFixture.order("E"))

        let changes = try await Self.fetch(hub, since: first.cursor)
        #expect(!changes.full && !changes.more)
        #expect(changes.orders == ["D", "E"] && changes.statuses["D"] == "on_hold", "\(changes.orders)")
        #expect(changes.removed == ["A": "cancelled", "B": "not_your_order", "C": "packed"], "\(changes.removed)")
        #expect(changes.removedBarcodes["A"]?.sorted() == ["A", "ORD-A"])
        #expect(changes.cursor != first.cursor)
        let after = try await Self.fetch(hub, since: changes.cursor)
        #expect(after.orders.isEmpty && after.removed.isEmpty, "each change is sent once")
    }

    @Test(arguments: ["garbage", "0123456789abcdef-1", "-5", "", "EPOCH-999999999"])
    func aCursorTheHubDoesNotKnowGetsTheWholeQueue(cursor: String) async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders([HubFixture.order("A"), HubFixture.order("B")].joined(separator: "\n"))
        let real = try await Self.fetch(hub, since: "")
        let epoch = String(real.cursor[..<real.cursor.lastIndex(of: "-")!])
        let page = try await Self.fetch(hub, since: cursor.replacingOccurrences(of: "EPOCH", with: epoch))
        #expect(page.full && Set(page.orders) == ["A", "B"], "\(cursor): \(page.orders)")
        #expect(page.cursor == real.cursor)
    }

    @Test func aLargeQueueComesInPagesThatTogetherHoldEveryOrderOnce() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders((1...25).map { HubFixture.order("P\($0)") }.joined(separator: "\n"))
        var seen: [String] = []
        var cursor = ""
        var pages: [Page] = []
        repeat {
            let page = try await Self.fetch(hub, since: cursor, limit: 10)
            pages.append(page)
            seen += page.orders
            cursor = page.cursor
        } while pages.last!.more && pages.count < 10
        #expect(pages.map(\.orders.count) == [10, 10, 5] && pages.map(\.more) == [true, true, false])
        #expect(pages.first?.full == true && pages.dropFirst().allSatisfy { !$0.full })
        #expect(seen.count == 25 && Set(seen).count == 25)
        let big = await hub.call("GET", "/v1/orders/queue", query: ["since": "", "limit": "5001"])
        #expect(big.status == 400 && big.text.contains("limit must be a whole number from 1 to 5000"), "\(big.text)")
        // Without `since` the queue is answered as before: most urgent first, orders only.
        let plain = await hub.call("GET", "/v1/orders/queue")
        #expect(plain.json?["cursor"] == nil)
        guard case .array(let all)? = plain.json?["orders"] else { Issue.record("no orders"); return }
        #expect(all.count == 25)
    }

    @Test func aCursorNamesThisDatabaseAndAChangeItHasMade() {
        #expect(HubStore.parseCursor("abc-3", epoch: "abc", latest: 5) == 3)
        #expect(HubStore.parseCursor("abc-6", epoch: "abc", latest: 5) == nil)
        #expect(HubStore.parseCursor("abd-3", epoch: "abc", latest: 5) == nil)
        #expect(HubStore.parseCursor(nil, epoch: "abc", latest: 5) == nil)
    }
}
