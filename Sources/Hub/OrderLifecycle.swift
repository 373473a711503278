/// Where an order is after it was imported: packed at a bench, labelled, handed to the carrier,
/// travelling, delivered — or stuck (`exception`) or cancelled. Distinct from the imported
/// `status` (ready / on_hold / cancelled), which is what the order system says may be packed.
///
/// The allowed moves are the table ``moves``; docs/lifecycle.md explains who makes each one.
public enum OrderState: String, CaseIterable, Hashable, Sendable {
    case ready, packed, labelled, shipped, inTransit = "in_transit", delivered, exception, cancelled

    /// States an order is still moving through (an exception may be raised from each).
    public var isLive: Bool {
        switch self {
        case .ready, .packed, .labelled, .shipped, .inTransit: true
        case .delivered, .exception, .cancelled: false
        }
    }

    /// The states each state may move to. Forward along ready → packed → labelled → shipped →
    /// in_transit → delivered, skipping what the carrier did not report (a parcel delivered
    /// without an in-transit scan; a label-printed parcel scanned by the carrier before the dock
    /// loaded it); `exception` from every live state, and from `exception` to wherever the
    /// problem was resolved; `cancelled` until the parcel has left (after that it is a return);
    /// a cancelled order back to `ready` when the order system reinstates it. `delivered` is final.
    public static let moves: [OrderState: Set<OrderState>] = [
        .ready: [.packed, .exception, .cancelled],
        .packed: [.labelled, .shipped, .exception, .cancelled],
        .labelled: [.shipped, .inTransit, .delivered, .exception, .cancelled],
        .shipped: [.inTransit, .delivered, .exception],
        .inTransit: [.delivered, .exception],
        .delivered: [],
        .exception: [.ready, .packed, .labelled, .shipped, .inTransit, .delivered, .cancelled],
        .cancelled: [.ready],
    ]

    /// What moving from one state to another does.
    public enum Move: Hashable, Sendable {
        /// The order is in that state already: nothing changes, nothing is recorded.
        case unchanged
        /// An allowed move.
        case allowed
        /// Not in the table.
        case refused
    }

    /// What moving from this state to `target` does.
    public func move(to target: OrderState) -> Move {
        if target == self { return .unchanged }
        return Self.moves[self, default: []].contains(target) ? .allowed : .refused
    }

    /// The hub event a move into this state appends (`order.<state>`; back to ready is an update).
    public var eventType: String {
        self == .ready ? "order.updated" : "order.\(rawValue)"
    }

    /// The state's name as the API writes it (`in_transit`).
    public var name: String { rawValue }

    /// The 409 for a move not in the table: names both states, the order, and what may follow.
    public static func refusal(orderID: String, from: OrderState, to: OrderState) -> HubError {
        let next = moves[from, default: []].map(\.rawValue).sorted()
        let allowed = next.isEmpty ? "\(from.rawValue) is final: nothing follows it" : "from \(from.rawValue) it may become \(next.joined(separator: ", "))"
        return HubError(409, "bad_transition", "Order \(orderID) is \(from.rawValue) and cannot become \(to.rawValue); \(allowed). Nothing was changed.")
    }
}
