import Foundation
import Kiosk
import PackCore
@testable import Station
import Sync
import Testing

/// "What comes next" as the packer sees it in the kiosk's snapshot: an idle bench lists the
/// first three cached orders most urgent first; the order it opens leaves the list, and while
/// it packs the bench lists nothing; the order it packed does not come back.
@Suite struct KioskNextTests {
    typealias T = BenchTimersTests

    static func next(_ feed: KioskFeed) throws -> [[String]] {
        let snapshot = try JSONParser.parse(feed.snapshot)
        guard case .array(let benches)? = snapshot["benches"] else { return [] }
        return benches.map { bench in
            guard case .array(let next)? = bench["next"] else { return ["missing"] }
            return next.map { n in
                let fields = [n["id"], n["priority"], n["ship_by"], n["units"]].map { v -> String in
                    switch v {
                    case .string(let s)?: s
                    case .number(let n)?: n
                    default: "-"
                    }
                }
                return fields.joined(separator: " ")
            }
        }.map { $0 }
    }

    @Test func anIdleBenchShowsTheNextOrdersMostUrgentFirst() async throws {
        try await T.offPool { try await self.body() }
    }

    func body() async throws {
        let dir = T.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rig = try await T.Rig(dir: dir) { _ in }
        defer { rig.stop() }
        let docs = [T.orderJSON("N1"), T.orderJSON("N2", priority: "express", shipBy: "2027-01-09"), T.orderJSON("N3", priority: "same_day"),
                    T.orderJSON("N4", priority: "express", shipBy: "2027-01-02", units: 1), T.orderJSON("N5", priority: "same_day", status: "on_hold")]
        try rig.journal.cacheOrders(docs.map { try JSONParser.parse($0) })
        let status = KioskStatus(station: "box", sound: "off", printerName: "p", syncConfigured: false)
        await status.setBenches([rig.bench])
        let feed = KioskFeed()
        await status.publish(to: feed, journal: rig.journal)
        #expect(try Self.next(feed) == [["N3 same_day - 2", "N4 express 2027-01-02 1", "N2 express 2027-01-09 2"]])

        // The packer takes the first: while it is open the bench shows nothing next.
        await rig.bench.handle("ORD-N3")
        await status.publish(to: feed, journal: rig.journal)
        #expect(try Self.next(feed) == [[]])
        await rig.bench.handle(T.mug)
        await rig.bench.handle(T.mug)
        // Packed: it does not come back, and the next three move up.
        await status.publish(to: feed, journal: rig.journal)
        #expect(try Self.next(feed) == [["N4 express 2027-01-02 1", "N2 express 2027-01-09 2", "N1 standard - 2"]])
        #expect(try rig.journal.results(forOrder: "N3").count == 1)
    }
}
