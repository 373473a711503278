import Foundation
import Testing
@testable import PackCore

/// Drives a session the way the agent does: lookups answered from a catalog.
struct Bench {
    var session: PackSession
    let catalog: OrderCatalog
    var clock = Date(timeIntervalSince1970: 1_800_000_000)

    init(_ orders: [Order] = Fixtures.orders, configuration: PackSession.Configuration = .init(supervisorBadges: ["SUP-1"])) {
        session = PackSession(configuration: configuration)
        catalog = try! OrderCatalog(orders)
    }

    mutating func scan(_ data: String) -> Verdict {
        clock += 1
        switch session.handle(.scan(data), at: clock) {
        case .verdict(let v): return v
        case .lookUpOrder(let code): return session.orderLookedUp(catalog.order(forBarcode: code), at: clock)
        }
    }

    mutating func kinds(_ scans: [String]) -> [Verdict.Kind] { scans.map { scan($0).kind } }
}

enum Fixtures {
    static let gs = "\u{1D}"
    static let mug = Order.Line(sku: "MUG", quantity: 2, barcodes: ["4006381333931"], dimensions: Dimensions(length: 120, width: 90, height: 100), weightGrams: 350)
    static let tee = Order.Line(sku: "TEE", quantity: 1, barcodes: ["036000291452"], dimensions: Dimensions(length: 250, width: 200, height: 20))
    static let headset = Order.Line(sku: "HEADSET", quantity: 2, barcodes: ["09506000134352"], serialized: true, dimensions: Dimensions(length: 200, width: 180, height: 90))
    static let order = Order(id: "1001", barcodes: ["ORD-1001", "TOTE-42"], lines: [mug, tee, headset])
    static let other = Order(id: "2002", barcodes: ["ORD-2002"], lines: [Order.Line(sku: "PEN", quantity: 1, barcodes: ["5060123456783"])])
    static let onHold = Order(id: "3003", barcodes: ["ORD-3003"], status: .onHold, lines: [Order.Line(sku: "PEN", quantity: 1, barcodes: ["5060123456783"])])
    static let cancelled = Order(id: "4004", barcodes: ["ORD-4004"], status: .cancelled, lines: [Order.Line(sku: "PEN", quantity: 1)])
    static let unpaid = Order(id: "5005", barcodes: ["ORD-5005"], payment: .pending, lines: [Order.Line(sku: "PEN", quantity: 1)])
    static let packed = Order(id: "6006", barcodes: ["ORD-6006"], status: .packed, lines: [Order.Line(sku: "PEN", quantity: 1)])
    static let heldAndUnpaid = Order(id: "7007", barcodes: ["ORD-7007"], status: .onHold, payment: .failed, lines: [Order.Line(sku: "PEN", quantity: 1)])
    static let orders = [order, other, onHold, cancelled, unpaid, packed, heldAndUnpaid]

    static func headsetScan(_ serial: String, lot: String? = nil) -> String {
        "]C1" + "0109506000134352" + "21" + serial + (lot.map { gs + "10" + $0 } ?? "")
    }
    /// Everything order 1001 needs, in one go.
    static let fullPack = ["ORD-1001", "4006381333931", "4006381333931", "036000291452", headsetScan("A1"), headsetScan("A2")]
}

@Suite struct PackSessionTests {
    @Test func packsAnOrderToCompletion() throws {
        var bench = Bench()
        let verdicts = Fixtures.fullPack.map { bench.scan($0) }
        #expect(verdicts.map(\.kind) == [.orderOpened, .accepted, .accepted, .accepted, .accepted, .orderComplete])
        #expect(verdicts[2].sku == "MUG" && verdicts[2].packed == 2 && verdicts[2].expected == 2)
        let result = try #require(verdicts.last?.result)
        #expect(result.outcome == .packed)
        #expect(result.lines.map(\.packed) == [2, 1, 2])
        #expect(result.lines[2].serials == ["A1", "A2"])
        #expect(result.scans.count == 6)
        #expect(result.scans.first?.verdict == .orderOpened)
        #expect(result.scans.last?.symbology == "]C1")
        #expect(result.box == "M")
        #expect(bench.session.current == nil)
    }

    /// Every verdict name, each from the smallest scan sequence that produces it.
    @Test(arguments: [
        (["ORD-1001"], Verdict.Kind.orderOpened),
        (["TOTE-42"], .orderOpened),
        (["1001"], .orderOpened),
        (["ORD-1001", "4006381333931"], .accepted),
        (["ORD-1001", "MUG"], .accepted),
        (["ORD-1001", "04006381333931"], .accepted),
        (["ORD-1001", "]E04006381333931"], .accepted),
        (["ORD-1001", "0036000291452"], .accepted),
        (["ORD-1001", "00036000291452"], .accepted),
        (["ORD-1001", "https://id.gs1.org/01/04006381333931"], .accepted),
        (["ORD-1001", "]C10104006381333931"], .accepted),
        (["ORD-1001", "5060123456783"], .wrongItem),
        (["ORD-1001", "4006381333931", "4006381333931", "4006381333931"], .overQuantity),
        (["ORD-1001", "NOT-A-THING"], .unknownBarcode),
        (["ORD-1001", "4006381333932"], .invalidBarcode),
        (["ORD-1001", "]C101095060001343521"], .invalidBarcode),
        (["NOPE-999"], .unknownBarcode),
        (["ORD-3003"], .orderBlocked),
        (["ORD-1001", "09506000134352"], .serialRequired),
        (["ORD-1001", Fixtures.headsetScan("S1"), Fixtures.headsetScan("S1")], .duplicateSerial),
        (["4006381333931"], .noOrderOpen),
        (["ORD-1001", "TOTE-42"], .orderAlreadyOpen),
        (["ORD-1001", "ORD-2002"], .confirmSwitch),
        (["ORD-1001", "4006381333931", "CMD:UNDO"], .undone),
        (["ORD-1001", "CMD:UNDO"], .nothingToUndo),
        (["CMD:UNDO"], .nothingToUndo),
        (["ORD-1001", "CMD:QTY:2"], .quantitySet),
        (["ORD-1001", "CMD:SHORT:damaged"], .shortPending),
        (["ORD-1001", "CMD:SHORT:damaged", "MUG"], .lineShorted),
        (["ORD-1001", "CMD:SHORT:damaged:TEE"], .lineShorted),
        (["ORD-1001", "CMD:ABANDON"], .orderAbandoned),
        (["ORD-3003", "SUP-1"], .overrideAccepted),
        (["ORD-5005", "SUP-1"], .overrideRefused),
        (["SUP-1"], .overrideRefused),
        (["ORD-1001", "CMD:QTY:0"], .commandRejected),
        (["ORD-1001", "CMD:SHORT:bored"], .commandRejected),
        (["ORD-1001", "CMD:FLY"], .commandRejected),
        (["CMD:QTY:3"], .commandRejected),
    ])
    func lastVerdict(scans: [String], expected: Verdict.Kind) {
        var bench = Bench()
        #expect(bench.kinds(scans).last == expected)
    }

    @Test(arguments: [
        ("ORD-3003", [Verdict.BlockReason.onHold]),
        ("ORD-4004", [.cancelled]),
        ("ORD-5005", [.paymentNotCaptured]),
        ("ORD-6006", [.alreadyPacked]),
        ("ORD-7007", [.paymentNotCaptured, .onHold]),
    ])
    func blockedOrdersSayWhy(barcode: String, reasons: [Verdict.BlockReason]) {
        var bench = Bench()
        let v = bench.scan(barcode)
        #expect(v.kind == .orderBlocked)
        #expect(v.blockReasons == reasons)
        #expect(bench.session.current == nil)
    }

    @Test func unpaidOrdersAreNeverPackedEvenWithABadge() {
        var bench = Bench()
        #expect(bench.kinds(["ORD-7007", "SUP-1", "5060123456783"]) == [.orderBlocked, .overrideRefused, .noOrderOpen])
        #expect(bench.kinds(["ORD-4004", "SUP-1"]) == [.orderBlocked, .overrideRefused])
    }

    @Test func overrideIsRecordedInTheResult() throws {
        var bench = Bench()
        let verdicts = ["ORD-3003", "SUP-1", "5060123456783"].map { bench.scan($0) }
        #expect(verdicts[1].notices.contains { $0.kind == .override })
        let result = try #require(verdicts[2].result)
        #expect(result.override?.badge == "SUP-1")
        #expect(result.override?.reasons == [.onHold])
    }

    @Test func aBadgeOnlyOverridesTheBlockJustShown() {
        var bench = Bench()
        #expect(bench.kinds(["ORD-3003", "NOPE", "SUP-1"]) == [.orderBlocked, .unknownBarcode, .overrideRefused])
    }

    @Test func anOrderPackedHereCannotBePackedAgain() {
        var bench = Bench()
        _ = bench.kinds(Fixtures.fullPack)
        let again = bench.scan("ORD-1001")
        #expect(again.kind == .orderBlocked && again.blockReasons == [.alreadyPacked])
    }

    @Test func switchingNeedsConfirmationAndKeepsProgress() {
        var bench = Bench()
        #expect(bench.kinds(["ORD-1001", "4006381333931", "ORD-2002"]) == [.orderOpened, .accepted, .confirmSwitch])
        #expect(bench.session.current?.order.id == "1001")
        // An item scan in between cancels the switch: the next order scan asks again.
        #expect(bench.kinds(["4006381333931", "ORD-2002", "ORD-2002"]) == [.accepted, .confirmSwitch, .orderOpened])
        #expect(bench.session.current?.order.id == "2002")
        #expect(bench.session.parked.map(\.order.id) == ["1001"])
        #expect(bench.kinds(["ORD-1001", "ORD-1001"]) == [.confirmSwitch, .orderOpened])
        #expect(bench.session.current?.packed == [2, 0, 0])
    }

    @Test func quantityCountsBulkUnitsAndIsCheckedAgainstWhatIsLeft() {
        var bench = Bench()
        #expect(bench.kinds(["ORD-1001", "CMD:QTY:3", "4006381333931"]) == [.orderOpened, .quantitySet, .overQuantity])
        #expect(bench.session.current?.packed[0] == 0)
        let v = bench.scan("4006381333931")
        #expect(v.kind == .overQuantity, "the quantity stays pending until a scan is accepted")
        #expect(bench.kinds(["CMD:QTY:2", "4006381333931"]) == [.quantitySet, .accepted])
        #expect(bench.session.current?.packed[0] == 2)
        #expect(bench.kinds(["CMD:QTY:2", Fixtures.headsetScan("Z")]) == [.quantitySet, .serialRequired])
    }

    @Test func undoTakesBackUnitsSerialsAndShorts() {
        var bench = Bench()
        _ = bench.kinds(["ORD-1001", Fixtures.headsetScan("S1", lot: "L9"), "CMD:QTY:2", "4006381333931"])
        #expect(bench.session.current?.packed == [2, 0, 1])
        #expect(bench.scan("CMD:UNDO").packed == 0)
        #expect(bench.scan("CMD:UNDO").sku == "HEADSET")
        #expect(bench.session.current?.serials[2] == [] && bench.session.current?.lots[2] == [])
        #expect(bench.kinds(["CMD:UNDO", Fixtures.headsetScan("S1")]) == [.nothingToUndo, .accepted], "the serial is free again")
        #expect(bench.kinds(["CMD:SHORT:damaged:TEE", "CMD:UNDO"]) == [.lineShorted, .undone])
        #expect(bench.session.current?.short == [0, 0, 0])
    }

    @Test func shortShippingCompletesTheOrderWithReasons() throws {
        var bench = Bench()
        let verdicts = ["ORD-1001", "4006381333931", "CMD:SHORT:out_of_stock", "MUG", "036000291452", Fixtures.headsetScan("A"), "CMD:SHORT:damaged:HEADSET"].map { bench.scan($0) }
        #expect(verdicts.map(\.kind) == [.orderOpened, .accepted, .shortPending, .lineShorted, .accepted, .accepted, .orderComplete])
        let result = try #require(verdicts.last?.result)
        #expect(result.outcome == .shortShipped)
        #expect(result.lines.map(\.short) == [1, 0, 1])
        #expect(result.lines.map(\.shortReason) == ["out_of_stock", nil, "damaged"])
    }

    @Test func shortingEverythingShipsNothing() throws {
        var bench = Bench()
        let v = ["ORD-2002", "CMD:SHORT:not_found:PEN"].map { bench.scan($0) }.last!
        #expect(v.kind == .orderAbandoned)
        #expect(v.result?.outcome == .abandoned)
        #expect(bench.scan("ORD-2002").kind == .orderOpened, "an order that shipped nothing may be packed again")
    }

    @Test func abandonKeepsTheRecord() throws {
        var bench = Bench()
        let v = ["ORD-1001", "4006381333931", "CMD:ABANDON"].map { bench.scan($0) }.last!
        let result = try #require(v.result)
        #expect(result.outcome == .abandoned)
        #expect(result.lines[0].packed == 1)
        #expect(result.scans.map(\.verdict) == [.orderOpened, .accepted, .orderAbandoned])
    }

    @Test func commandsByKeyWorkLikeTheirBarcodes() {
        var bench = Bench()
        _ = bench.kinds(["ORD-1001", "4006381333931"])
        guard case .verdict(let v) = bench.session.handle(.command(.undo), at: bench.clock) else { Issue.record("no verdict"); return }
        #expect(v.kind == .undone)
        #expect(bench.session.current?.scans.last?.data == "CMD:UNDO")
    }

    @Test func noticesAtOpen() {
        let order = Order(id: "9", barcodes: ["G"], priority: .express, value: Money(amount: "1200", currency: "EUR"), flags: ["gift", "fragile"], notes: "Call first", lines: [Fixtures.mug])
        var bench = Bench([order])
        let kinds = bench.scan("G").notices.map(\.kind)
        #expect(kinds == [.priority, .highValue, .giftInsert, .note, .flag, .box])
        var cheap = Bench([Order(id: "8", value: Money(amount: "499.99", currency: "EUR"), lines: [Order.Line(sku: "X", quantity: 1)])])
        #expect(cheap.scan("8").notices.isEmpty)
    }

    @Test func orderNumbersThatLookLikeBadProductCodesStillOpenTheirOrder() {
        let numeric = Order(id: "A", barcodes: ["10012345", "(10) TOTE"], lines: [Order.Line(sku: "X", quantity: 1)])
        var bench = Bench([numeric])
        #expect(bench.kinds(["10012345", "(10) TOTE", "10012346"]) == [.orderOpened, .orderAlreadyOpen, .invalidBarcode])
    }

    @Test func errorsNeverChangeTheCounts() {
        var bench = Bench()
        _ = bench.kinds(["ORD-1001", "4006381333931"])
        let before = bench.session.current?.packed
        for bad in ["5060123456783", "4006381333932", "NOPE", "", String(repeating: "9", count: 100_000), "\u{0}\u{1D}\u{FFFF}", "09506000134352", "CMD:", "]C1", "]"] {
            _ = bench.scan(bad)
        }
        #expect(bench.session.current?.packed == before)
        #expect(bench.session.current?.scans.count == 12)
    }
}
