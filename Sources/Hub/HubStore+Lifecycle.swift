import Foundation
internal import GRDB
import PackCore

/// The order's lifecycle on the hub (docs/lifecycle.md): its state (`orders.state`), every move
/// with when, where, who and why (`order_history`), and its packages with their tracking numbers
/// (`packages`, `tracking_updates`). Every move is made inside the write transaction of the change
/// that causes it, with its `order.<state>` event, so state, history and event agree.
extension HubStore {
    /// The tables of migration "v5-lifecycle-states". Orders already on the hub start packed when
    /// they were, cancelled when the order system said so, else ready; each gets one history row.
    static func migrateLifecycle(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE orders ADD COLUMN state TEXT NOT NULL DEFAULT 'ready';
            UPDATE orders SET state = CASE
                WHEN packed_at IS NOT NULL OR status = 'packed' THEN 'packed'
                WHEN status = 'cancelled' THEN 'cancelled'
                ELSE 'ready' END;
            CREATE INDEX orders_state ON orders(state);
            CREATE TABLE order_history (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                order_id TEXT NOT NULL,
                state TEXT NOT NULL,
                previous TEXT,
                at REAL NOT NULL,
                station TEXT,
                person TEXT,
                source TEXT NOT NULL,
                detail TEXT);
            CREATE INDEX order_history_order ON order_history(order_id, id);
            INSERT INTO order_history (order_id, state, previous, at, station, person, source, detail)
                SELECT o.id, o.state, NULL, COALESCE(o.packed_at, o.imported_at), s.name, NULL, 'migration', NULL
                FROM orders o LEFT JOIN stations s ON s.id = o.station_id;
            CREATE TABLE packages (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                order_id TEXT NOT NULL,
                number INTEGER NOT NULL,
                tracking TEXT,
                carrier TEXT,
                service TEXT,
                state TEXT NOT NULL,
                weight_g INTEGER,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                last_event_at REAL,
                location TEXT,
                detail TEXT,
                UNIQUE (order_id, number));
            CREATE INDEX packages_tracking ON packages(tracking);
            CREATE TABLE tracking_updates (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                package_id INTEGER NOT NULL REFERENCES packages(id),
                status TEXT NOT NULL,
                at REAL NOT NULL,
                location TEXT,
                detail TEXT,
                source TEXT NOT NULL,
                received_at REAL NOT NULL,
                UNIQUE (package_id, status, at));
            CREATE TABLE integrations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                token_sha256 TEXT NOT NULL,
                created_at REAL NOT NULL,
                last_used REAL);
            """)
    }

    /// Moves an order to `to` (docs/lifecycle.md): checks the move against ``OrderState/moves``
    /// (409 `bad_transition` naming both states), writes its history row, updates `orders.state`
    /// and appends the `order.<state>` event, in the caller's transaction. Moving to the state the
    /// order is in already changes and records nothing (a retry). Returns whether it moved.
    @discardableResult
    static func transition(_ db: Database, orderID: String, to: OrderState, at: Date, station: String?, person: String?, source: String, detail: JSONValue?) throws -> Bool {
        guard let current = try currentState(db, orderID: orderID) else {
            throw HubError(404, "unknown_order", "No order \(orderID) is on this hub; check the id, or import the order first (`packstation-hub import`).")
        }
        switch current.move(to: to) {
        case .unchanged: return false
        case .refused: throw OrderState.refusal(orderID: orderID, from: current, to: to)
        case .allowed: break
        }
        try record(db, orderID: orderID, from: current, to: to, at: at, station: station, person: person, source: source, detail: detail)
        return true
    }

    /// Moves an order forward when the table allows it, and leaves it where it is otherwise (a
    /// pack result for an order already labelled, a label printed before the order was reported
    /// packed): for facts reported by stations, which are stored whatever the state. Returns
    /// whether it moved.
    @discardableResult
    static func advance(_ db: Database, orderID: String, to: OrderState, at: Date, station: String?, person: String?, source: String, detail: JSONValue?) throws -> Bool {
        guard let current = try currentState(db, orderID: orderID), current.move(to: to) == .allowed else { return false }
        try record(db, orderID: orderID, from: current, to: to, at: at, station: station, person: person, source: source, detail: detail)
        return true
    }

    /// The order's state; nil when the order is not on the hub. A state this build does not know
    /// (a newer hub wrote it) is taken as an exception, which every state may leave.
    static func currentState(_ db: Database, orderID: String) throws -> OrderState? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT state FROM orders WHERE id = ?"), arguments: [orderID]).map { OrderState(rawValue: $0) ?? .exception }
    }

    /// The first history row of a new order (its state at import), with no event: the import
    /// appends `order.imported` itself.
    static func recordImported(_ db: Database, orderID: String, state: OrderState, at: Date, station: String?) throws {
        try db.cachedStatement(
            sql: "INSERT INTO order_history (order_id, state, previous, at, station, person, source, detail) VALUES (?, ?, NULL, ?, ?, NULL, 'import', NULL)")
            .execute(arguments: [orderID, state.rawValue, at.timeIntervalSince1970, station])
        try db.cachedStatement(sql: "UPDATE orders SET state = ? WHERE id = ?").execute(arguments: [state.rawValue, orderID])
    }

    private static func record(_ db: Database, orderID: String, from: OrderState, to: OrderState, at: Date, station: String?, person: String?, source: String, detail: JSONValue?) throws {
        try db.cachedStatement(
            sql: "INSERT INTO order_history (order_id, state, previous, at, station, person, source, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [orderID, to.rawValue, from.rawValue, at.timeIntervalSince1970, station, person, source, detail?.jsonText])
        try db.cachedStatement(sql: "UPDATE orders SET state = ? WHERE id = ?").execute(arguments: [to.rawValue, orderID])
        var data: [(String, JSONValue)] = [
            ("order_id", .string(orderID)), ("state", .string(to.rawValue)), ("previous", .string(from.rawValue)),
            ("station", .optional(station)), ("person", .optional(person)), ("source", .string(source)),
        ]
        if let detail { data.append(("detail", detail)) }
        if to == .labelled || to == .shipped || to == .inTransit || to == .delivered || to == .exception {
            data.append(("packages", .array(try packageSummaries(db, orderID: orderID))))
        }
        try appendEvent(db, type: to.eventType, orderID: orderID, data: .object(data), at: at)
    }

    /// The order's packages as events carry them: number, tracking, carrier, service, state.
    static func packageSummaries(_ db: Database, orderID: String) throws -> [JSONValue] {
        try Row.fetchAll(db, sql: "SELECT number, tracking, carrier, service, state FROM packages WHERE order_id = ? ORDER BY number", arguments: [orderID]).map { row in
            .object([
                ("number", .int(row["number"] as Int)), ("tracking", .optional(row["tracking"])), ("carrier", .optional(row["carrier"])),
                ("service", .optional(row["service"])), ("state", .string(row["state"])),
            ])
        }
    }
}
