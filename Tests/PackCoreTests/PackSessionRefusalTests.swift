import Foundation
import Testing
@testable import PackCore

/// An order the server refuses to this station (another station's, cancelled): the packer is
/// told not to pack it, nothing opens, and no badge overrides it.
@Suite struct PackSessionRefusalTests {
    static let message = "Order 9009 is queued for another station; do not pack it here. Put it aside for a supervisor."

    @Test(arguments: [Verdict.BlockReason.otherStation, .cancelled])
    func aRefusedOrderIsBlockedAndCannotBeOverridden(reason: Verdict.BlockReason) {
        var session = PackSession(configuration: .init(supervisorBadges: ["SUP-1"]))
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        guard case .lookUpOrder("ORD-9009") = session.handle(.scan("ORD-9009"), at: t) else { Issue.record("no lookup"); return }
        let v = session.orderRefused(reason, message: Self.message, at: t)
        #expect(v.kind == .orderBlocked && v.blockReasons == [reason])
        #expect(v.message == Self.message)
        #expect(session.current == nil)
        #expect(!reason.isOverridable)
        guard case .verdict(let badge) = session.handle(.scan("SUP-1"), at: t) else { Issue.record("the badge looked something up"); return }
        #expect(badge.kind == .overrideRefused && session.current == nil)
    }

    @Test func midOrderARefusalIsRecordedAndTheOpenOrderStaysOpen() {
        var bench = Bench()
        _ = bench.scan("ORD-1001")
        guard case .lookUpOrder = bench.session.handle(.scan("ORD-9009"), at: bench.clock) else { Issue.record("no lookup"); return }
        let v = bench.session.orderRefused(.otherStation, message: Self.message, at: bench.clock)
        #expect(v.kind == .orderBlocked && v.orderID == "1001")
        #expect(bench.session.current?.order.id == "1001")
        #expect(bench.session.current?.scans.last?.verdict == .orderBlocked)
        #expect(Verdict.BlockReason.otherStation.rawValue == "other_station")
    }
}
