import Foundation
internal import GRDB
import PackCore

/// What the hub's existing flows do to an order's lifecycle (docs/lifecycle.md, "Who moves
/// what"): an import starts it and records the order system's holds, releases and
/// cancellations; a pack result that completes the order makes it packed; the first label the
/// station printed for a packed order makes it labelled and gives it its packages.
extension HubStore {
    /// After an order was written by an import (in the import's transaction): a new order gets
    /// its first state (ready; packed or cancelled when imported so) and `order.imported`; a
    /// re-import gets `order.updated`, plus `order.held`, `order.released` or the move to
    /// cancelled (or back to ready) when its status changed. Cancelling an order whose parcel has
    /// left is refused (409 `bad_transition`), and the whole import with it.
    /// A re-import that is `unchanged` (the same document, compared parsed, for the same
    /// station) appends nothing: webhooks and the supervisor's page see no noise.
    static func imported(_ db: Database, order: Order, previousStatus: String?, unchanged: Bool = false, station: String?, at: Date) throws {
        let status = order.status.rawValue
        guard let previousStatus else {
            let state: OrderState = switch order.status {
            case .packed: .packed
            case .cancelled: .cancelled
            case .ready, .onHold: .ready
            }
            try recordImported(db, orderID: order.id, state: state, at: at, station: station)
            try appendEvent(db, type: "order.imported", orderID: order.id, data: .object([
                ("order_id", .string(order.id)), ("status", .string(status)), ("state", .string(state.rawValue)), ("station", .optional(station)),
            ]), at: at)
            return
        }
        if unchanged { return }
        let change: JSONValue = .object([("order_id", .string(order.id)), ("status", .string(status)), ("previous_status", .string(previousStatus)), ("station", .optional(station))])
        try appendEvent(db, type: "order.updated", orderID: order.id, data: change, at: at)
        guard status != previousStatus else { return }
        if order.status == .onHold { try appendEvent(db, type: "order.held", orderID: order.id, data: change, at: at) }
        if previousStatus == "on_hold", order.status != .onHold { try appendEvent(db, type: "order.released", orderID: order.id, data: change, at: at) }
        let detail: JSONValue = .object([("status", .string(status)), ("previous_status", .string(previousStatus))])
        switch order.status {
        case .cancelled:
            do {
                try transition(db, orderID: order.id, to: .cancelled, at: at, station: nil, person: nil, source: "import", detail: detail)
            } catch let error as HubError where error.code == "bad_transition" {
                let state = try currentState(db, orderID: order.id) ?? .exception
                throw HubError(409, "bad_transition", "Order \(order.id) is \(state.rawValue): the import cannot cancel it (\(error.message)) Nothing was imported; handle the parcel as a return, or import the order without status cancelled.")
            }
        case .ready, .onHold:
            // Reinstated by the order system: a cancelled order is ready to pack again.
            if previousStatus == "cancelled" {
                try advance(db, orderID: order.id, to: .ready, at: at, station: nil, person: nil, source: "import", detail: detail)
            }
        case .packed:
            try advance(db, orderID: order.id, to: .packed, at: at, station: nil, person: nil, source: "import", detail: detail)
        }
    }

    /// Whether two imported order documents say the same: parsed and compared as values, so a
    /// re-export that only changes whitespace is the same; text that does not parse is compared
    /// as text.
    static func sameDocument(_ stored: String, _ imported: String) -> Bool {
        if stored == imported { return true }
        guard let a = try? JSONParser.parse(stored), let b = try? JSONParser.parse(imported) else { return false }
        return a == b
    }

    /// After a result or event was stored (in the batch's transaction): a pack result that
    /// completes its order moves it to packed (at the bench's `ended_at`, with the station and
    /// the packer); a `label_printed` event moves a packed order to labelled and stores its
    /// packages. A label printed before the result reached the hub (a box closed mid-order)
    /// counts when the result comes. Facts a station reports never refuse its batch: an order
    /// already further along stays where it is.
    static func resultStored(_ db: Database, _ item: ResultBatch.Item, station: Station, now: Date) throws {
        guard let id = item.orderID, try currentState(db, orderID: id) != nil else { return }
        let body = item.document
        if item.type == "pack_result" {
            guard let outcome = item.outcome, outcome == "packed" || outcome == "short_shipped" else { return }
            var detail: [(String, JSONValue)] = [("outcome", .string(outcome)), ("result_key", .string(item.key))]
            if let override = body["override"], override != .null { detail.append(("override", override)) }
            let person = text(body["packer"])
            let at = benchTime(body["ended_at"]) ?? now
            guard try advance(db, orderID: id, to: .packed, at: at, station: station.name, person: person, source: "pack_result", detail: .object(detail)) else { return }
            if let label = try Row.fetchOne(db, sql: """
                SELECT key, body FROM results WHERE order_id = ? AND type = 'event' AND json_extract(body, '$.kind') = 'label_printed' ORDER BY id DESC LIMIT 1
                """, arguments: [id]) {
                let event = (try? JSONParser.parse(label["body"] as String)) ?? .null
                try labelled(db, orderID: id, event: event, key: label["key"], station: station, at: max(at, benchTime(event["at"]) ?? at))
            }
        } else if text(body["kind"]) == "label_printed" {
            try labelled(db, orderID: id, event: body, key: item.key, station: station, at: benchTime(body["at"]) ?? now)
        }
    }

    /// A label printed for the order: when it may become labelled, its packages are stored and
    /// it moves, with the packer of its latest pack result.
    private static func labelled(_ db: Database, orderID: String, event: JSONValue, key: String, station: Station, at: Date) throws {
        guard let state = try currentState(db, orderID: orderID), state.move(to: .labelled) == .allowed else { return }
        let result = try String.fetchOne(db, sql: "SELECT body FROM results WHERE order_id = ? AND type = 'pack_result' ORDER BY id DESC LIMIT 1", arguments: [orderID])
            .flatMap { try? JSONParser.parse($0) }
        try storePackages(db, orderID: orderID, result: result, at: at)
        var detail: [(String, JSONValue)] = [("event_key", .string(key))]
        for name in ["printer", "bench", "job_id"] { if let v = event["data"]?[name] { detail.append((name, v)) } }
        try advance(db, orderID: orderID, to: .labelled, at: at, station: station.name, person: result.flatMap { text($0["packer"]) }, source: "label_printed", detail: .object(detail))
    }

    /// The order's packages, numbered from 1: as many as the boxes the packer closed (the pack
    /// result's `boxes`), else the order's `shipment.packages`; each with the shipment's carrier,
    /// service and tracking number (`shipment.package_tracking`, else the shipment's one number),
    /// and its weight (the box's, else the order's). Packages already stored stay.
    static func storePackages(_ db: Database, orderID: String, result: JSONValue?, at: Date) throws {
        let order = try String.fetchOne(db, sql: "SELECT body FROM orders WHERE id = ?", arguments: [orderID])
            .flatMap { try? Order.decode(from: JSONParser.parse($0)) }
        let shipment = order?.shipment
        var weights: [Int: Int] = [:]
        var count = shipment?.packages ?? 1
        if case .array(let boxes)? = result?["boxes"], !boxes.isEmpty {
            count = boxes.count
            for (i, box) in boxes.enumerated() { if let w = box["weight_g"]?.wholeNumber { weights[box["number"]?.wholeNumber ?? i + 1] = w } }
        }
        for number in 1...max(1, count) {
            let weight = weights[number] ?? shipment?.weightGrams(package: number)
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO packages (order_id, number, tracking, carrier, service, state, weight_g, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'labelled', ?, ?, ?)
                    """,
                arguments: [orderID, number, shipment?.tracking(package: number), shipment?.carrier, shipment?.service, weight, at.timeIntervalSince1970, at.timeIntervalSince1970])
        }
    }

    /// A string member, else nil.
    static func text(_ value: JSONValue?) -> String? {
        if case .string(let s)? = value { s } else { nil }
    }

    /// A time a station wrote (RFC 3339, with or without fractional seconds).
    static func benchTime(_ value: JSONValue?) -> Date? {
        guard let s = text(value) else { return nil }
        return (try? Date(s, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? (try? Date(s, strategy: Date.ISO8601FormatStyle()))
    }
}
