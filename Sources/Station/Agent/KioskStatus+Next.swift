import Foundation
import PackCore
import Sync

// "What comes next" on the kiosk: an idle bench shows the first orders of the order cache this
// station may pack and has not packed, most urgent first (docs/agent.md, "What comes next").
extension KioskStatus {
    /// How many orders an idle bench shows.
    static let nextCount = 3

    /// Each bench's view with `next`: the next orders when the bench is idle, [] while it packs.
    func withNext(_ views: [JSONValue], benches: [Bench], journal: Journal) async -> [JSONValue] {
        var idle: [Bool] = []
        var open = Set<String>()
        for bench in benches {
            idle.append(await bench.isIdle)
            open.formUnion(await bench.openOrderIDs())
        }
        var next: [JSONValue] = []
        if idle.contains(true) {
            // A journal that cannot be read shows nothing next: the verdicts matter more.
            let orders = (try? journal.nextOrders(limit: Self.nextCount, excluding: open)) ?? []
            next = orders.map { o in
                .object([("id", .string(o.id)), ("priority", .string(o.priority)), ("ship_by", .optional(o.shipBy)), ("units", .int(o.units)), ("lines", .int(o.lines))])
            }
        }
        return zip(views, idle).map { view, idle in
            guard case .object(var members) = view else { return view }
            members.append(("next", .array(idle ? next : [])))
            return .object(members)
        }
    }
}
