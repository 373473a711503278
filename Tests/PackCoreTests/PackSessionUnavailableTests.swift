import Foundation
import Testing
@testable import PackCore

/// A scan whose order could not be looked up (the server is down and the offline cache does not
/// have it): `order_unavailable`, never `unknown_barcode`; an item barcode is still an item.
@Suite struct PackSessionUnavailableTests {
    /// (scan, an order open first?, the verdict).
    static let table: [(String, Bool, Verdict.Kind)] = [
        ("ORD-9009", false, .orderUnavailable),
        ("ORD-9009", true, .orderUnavailable),
        ("TOTE-77", false, .orderUnavailable),
        ("4006381333931", false, .noOrderOpen),
        ("96385074", true, .wrongItem),
    ]

    @Test(arguments: table.indices)
    func anOrderThatCannotBeLookedUpIsUnavailableNotUnknown(row: Int) {
        let (data, open, kind) = Self.table[row]
        var bench = Bench()
        if open { _ = bench.scan("ORD-1001") }
        guard case .lookUpOrder = bench.session.handle(.scan(data), at: bench.clock) else { Issue.record("no lookup for \(data)"); return }
        let v = bench.session.orderUnavailable(at: bench.clock)
        #expect(v.kind == kind, "\(data): \(v.kind) \(v.message)")
        if kind == .orderUnavailable {
            #expect(v.message == "The server cannot be reached and order \"\(data)\" is not on this box yet. Put it aside and scan it again when the server is back.")
        }
        #expect(bench.session.current?.order.id == (open ? "1001" : nil), "the open order stays open")
        if open { #expect(bench.session.current?.scans.last?.verdict == kind, "recorded in the open order's scans") }
    }
}
