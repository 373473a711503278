import Foundation
import GRDB
@testable import Hub
import PackCore
import Testing

/// The order lifecycle's table of moves (docs/lifecycle.md), pair by pair: every allowed move is
/// stored with its history row and its `order.<state>` event; every other is refused with a 409
/// naming both states and changes nothing; a repeat is a no-op.
@Suite struct OrderLifecycleTests {
    /// The table as docs/lifecycle.md states it, written out here on purpose (not read from
    /// `OrderState.moves`), so a change to the code's table shows up as a failing pair.
    static let allowed: Set<String> = [
        "ready>packed", "ready>exception", "ready>cancelled",
        "packed>labelled", "packed>shipped", "packed>exception", "packed>cancelled",
        "labelled>shipped", "labelled>in_transit", "labelled>delivered", "labelled>exception", "labelled>cancelled",
        "shipped>in_transit", "shipped>delivered", "shipped>exception",
        "in_transit>delivered", "in_transit>exception",
        "exception>ready", "exception>packed", "exception>labelled", "exception>shipped", "exception>in_transit", "exception>delivered", "exception>cancelled",
        "cancelled>ready",
    ]

    static let pairs: [(OrderState, OrderState)] = OrderState.allCases.flatMap { from in OrderState.allCases.map { (from, $0) } }

    static func expected(_ from: OrderState, _ to: OrderState) -> OrderState.Move {
        from == to ? .unchanged : allowed.contains("\(from.rawValue)>\(to.rawValue)") ? .allowed : .refused
    }

    @Test func everyStateIsNamedAsTheAPIWritesIt() {
        #expect(OrderState.allCases.map(\.rawValue) == ["ready", "packed", "labelled", "shipped", "in_transit", "delivered", "exception", "cancelled"])
        #expect(Self.pairs.count == 64)
    }

    @Test(arguments: pairs)
    func theTableSaysWhatEachMoveDoes(from: OrderState, to: OrderState) {
        #expect(from.move(to: to) == Self.expected(from, to), "\(from.rawValue) -> \(to.rawValue)")
    }

    @Test(arguments: pairs)
    func theStoreMovesRefusesOrIgnores(from: OrderState, to: OrderState) throws {
        let hub = try LifecycleHub()
        defer { hub.remove() }
        try hub.importOrder("O-1")
        try hub.force("O-1", to: from)
        let before = try hub.counts("O-1")
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        switch Self.expected(from, to) {
        case .unchanged:
            #expect(try hub.store.moveOrder("O-1", to: to, station: "bench-1", person: "ana", source: "test", now: at) == false)
            #expect(try hub.counts("O-1") == before, "a repeat records nothing")
        case .allowed:
            #expect(try hub.store.moveOrder("O-1", to: to, station: "bench-1", person: "ana", source: "test", detail: .object([("why", "test")]), now: at) == true)
            #expect(try hub.store.orderState("O-1") == to)
            #expect(try hub.counts("O-1") == (before.history + 1, before.events + 1))
            let row = try #require(try hub.lastHistory("O-1"))
            #expect(row == ["state": to.rawValue, "previous": from.rawValue, "station": "bench-1", "person": "ana", "source": "test", "at": "1800000000.0"])
            let event = try #require(try hub.store.events(ofOrder: "O-1").last)
            #expect(event.type == (to == .ready ? "order.updated" : "order.\(to.rawValue)"))
            #expect(event.data["state"] == .string(to.rawValue) && event.data["previous"] == .string(from.rawValue) && event.data["order_id"] == "O-1")
            #expect(event.data["person"] == "ana" && event.data["station"] == "bench-1")
            #expect(event.at == at)
        case .refused:
            let error = #expect(throws: HubError.self) { try hub.store.moveOrder("O-1", to: to, source: "test", now: at) }
            #expect(error?.status == 409 && error?.code == "bad_transition")
            #expect(error?.message.contains("Order O-1 is \(from.rawValue) and cannot become \(to.rawValue)") == true, "\(error?.message ?? "")")
            #expect(try hub.store.orderState("O-1") == from)
            #expect(try hub.counts("O-1") == before, "a refused move records nothing")
        }
    }

    @Test func anUnknownOrderIsNotFound() throws {
        let hub = try LifecycleHub()
        defer { hub.remove() }
        let error = #expect(throws: HubError.self) { try hub.store.moveOrder("NOPE", to: .packed, source: "test") }
        #expect(error?.status == 404 && error?.code == "unknown_order")
    }

    @Test func deliveredIsFinalAndSaysSo() throws {
        let error = OrderState.refusal(orderID: "A", from: .delivered, to: .inTransit)
        #expect(error.message == "Order A is delivered and cannot become in_transit; delivered is final: nothing follows it. Nothing was changed.")
        let other = OrderState.refusal(orderID: "B", from: .shipped, to: .cancelled)
        #expect(other.message == "Order B is shipped and cannot become cancelled; from shipped it may become delivered, exception, in_transit. Nothing was changed.")
    }
}

/// A hub store in a temporary directory with one station (`bench-1`), for lifecycle tests.
struct LifecycleHub {
    let dir: String
    let store: HubStore
    let token: String

    init() throws {
        dir = NSTemporaryDirectory() + "packstation-lifecycle-\(UUID().uuidString)"
        store = try HubStore(path: dir + "/hub.sqlite")
        token = try store.addStation(name: "bench-1")
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }

    func importOrder(_ id: String, status: String = "ready", shipment: String? = nil) throws {
        var json = HubFixture.order(id, status: status)
        if let shipment { json = String(json.dropLast()) + #","shipment":"# + shipment + "}" }
        _ = try store.importOrders(OrderImport.parse(Array(json.utf8), name: "orders.jsonl"))
    }

    /// Reads the database directly (synchronously, from async tests too).
    func query<T>(_ body: (Database) throws -> T) throws -> T { try store.pool.read(body) }

    /// Puts an order in a state directly (the table tests start from every state).
    func force(_ id: String, to state: OrderState) throws {
        try store.pool.write { db in try db.execute(sql: "UPDATE orders SET state = ? WHERE id = ?", arguments: [state.rawValue, id]) }
    }

    /// History rows and hub events of an order.
    func counts(_ id: String) throws -> (history: Int, events: Int) {
        try store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM order_history WHERE order_id = ?", arguments: [id]) ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hub_events WHERE order_id = ?", arguments: [id]) ?? 0)
        }
    }

    func lastHistory(_ id: String) throws -> [String: String]? {
        try store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT state, previous, station, person, source, at FROM order_history WHERE order_id = ? ORDER BY id DESC LIMIT 1", arguments: [id]).map { row in
                var out: [String: String] = ["at": String(row["at"] as Double)]
                for column in ["state", "previous", "station", "person", "source"] { out[column] = (row[column] as String?) ?? "-" }
                return out
            }
        }
    }
}
