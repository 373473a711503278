import Foundation
import PackCore
@testable import Sync
import Testing

/// The journal's part of the kiosk's "what comes next" and of the hub's packer list: cached
/// orders in the hub queue's order (same_day, express, standard; oldest ship-by first, none
/// last; then first cached), without what is packed, held, cancelled or open; read by an index
/// walk; and the packer list replaced whole.
@Suite struct JournalNextOrdersTests {
    static func order(_ id: String, _ priority: String, _ shipBy: String?, status: String = "ready") -> JSONValue {
        let ship = shipBy.map { #","ship_by":"\#($0)""# } ?? ""
        return try! JSONParser.parse(#"{"id":"\#(id)","barcodes":["ORD-\#(id)"],"status":"\#(status)","payment":"captured","priority":"\#(priority)"\#(ship),"lines":[{"sku":"A","quantity":2},{"sku":"B","quantity":1}]}"#)
    }

    @Test func theNextOrdersAreMostUrgentFirstAndLeaveOutWhatIsNotToPack() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path)
        // Cached in this order (import order at the hub): the expected queue order is in the names.
        try journal.cacheOrders([
            Self.order("s9-standard-none", "standard", nil), Self.order("s8-standard-0105", "standard", "2027-01-05"),
            Self.order("e6-express-0110", "express", "2027-01-10"), Self.order("e5-express-0102", "express", "2027-01-02"),
            Self.order("d1-sameday-0103", "same_day", "2027-01-03"), Self.order("d2-sameday-0103", "same_day", "2027-01-03"),
            Self.order("e7-express-none", "express", nil),
            Self.order("x-held", "same_day", "2020-01-01", status: "on_hold"), Self.order("x-cancelled", "same_day", "2020-01-01", status: "cancelled"),
            Self.order("x-packed", "same_day", "2020-01-01"), Self.order("x-open", "same_day", "2020-01-01"),
        ])
        try journal.recordResult(SyntheticResults.packed(orderID: "x-packed"))
        let all = try journal.nextOrders(limit: 100, excluding: ["x-open"])
        #expect(all.map(\.id) == ["d1-sameday-0103", "d2-sameday-0103", "e5-express-0102", "e6-express-0110", "e7-express-none", "s8-standard-0105", "s9-standard-none"])
        #expect(all[0] == NextOrder(id: "d1-sameday-0103", priority: "same_day", shipBy: "2027-01-03", units: 3, lines: 2))
        #expect(try journal.nextOrders(limit: 3, excluding: ["x-open", "d2-sameday-0103"]).map(\.id) == ["d1-sameday-0103", "e5-express-0102", "e6-express-0110"])
    }

    @Test func theNextOrdersAreReadByAnIndexWalk() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path)
        let plan = try journal.nextOrdersPlan().joined(separator: "\n")
        #expect(plan.contains("USING INDEX order_cache_next"), "\(plan)")
        #expect(!plan.contains("USE TEMP B-TREE FOR ORDER BY"), "sorted by the index, not after reading every row: \(plan)")
    }

    @Test func theHubsPackerListIsReplacedWholeAndSurvivesAReopen() throws {
        let dir = TempDir()
        defer { dir.remove() }
        do {
            let journal = try Journal(directory: dir.path)
            try journal.replaceHubPackers([.init(badge: "B-1", name: "Ana"), .init(badge: "B-2", name: "Ben")])
            try journal.replaceHubPackers([.init(badge: "B-2", name: "Ben"), .init(badge: "B-3", name: "Cleo")])
        }
        let reopened = try Journal(directory: dir.path)
        #expect(try reopened.hubPackers() == ["B-2": "Ben", "B-3": "Cleo"], "Ana was removed at the hub: her badge no longer signs in")
    }
}
