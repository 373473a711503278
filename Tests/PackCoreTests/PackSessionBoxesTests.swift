import Foundation
import Testing
@testable import PackCore

/// `CMD:NEWBOX`: which box each unit went into, which "k of N" labels print when, and what the
/// pack result records.
@Suite struct PackSessionBoxesTests {
    static let mug = Order.Line(sku: "MUG", quantity: 2, barcodes: ["4006381333931"], weightGrams: 350)
    static let tee = Order.Line(sku: "TEE", quantity: 1, barcodes: ["036000291452"], weightGrams: 180)
    static let address = Address(name: "P", street: ["A 1"], city: "Hamburg", country: "DE")

    static func order(packages: Int = 1, carrierLabels: Bool = false, weights: [Int]? = nil) -> Order {
        let label = CarrierLabel(format: .zpl, data: Array("^XA^FD1^FS^XZ".utf8))
        var more: [Int: CarrierLabel] = [:]
        if carrierLabels, packages > 1 { for k in 2...packages { more[k] = CarrierLabel(format: .zpl, data: Array("^XA^FD\(k)^FS^XZ".utf8)) } }
        let shipment = Shipment(carrier: "DHL", service: "Paket", from: address, to: address, packages: packages, label: carrierLabels ? label : nil, packageLabels: more, packageWeights: weights)
        return Order(id: "B1", barcodes: ["ORD-B1"], lines: [mug, tee], shipment: shipment)
    }

    static let (m, t, nb) = ("4006381333931", "036000291452", "CMD:NEWBOX")

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var order: Order
        var scans: [String]
        var kinds: [Verdict.Kind]
        /// Every label to print, as "verdict#:k/N" (1-based verdict number), "r" for a reprint.
        var labels: [String]
        /// The result's boxes as "SKU×n SKU×n", nil when none are recorded.
        var boxes: [String]?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "one package, no NEWBOX", order: order(), scans: ["ORD-B1", m, m, t],
             kinds: [.orderOpened, .accepted, .accepted, .orderComplete], labels: ["4:1/1"], boxes: nil),
        Case(name: "three packages declared, no NEWBOX: all three labels at the end", order: order(packages: 3), scans: ["ORD-B1", m, m, t],
             kinds: [.orderOpened, .accepted, .accepted, .orderComplete], labels: ["4:1/3", "4:2/3", "4:3/3"], boxes: nil),
        Case(name: "undeclared, two boxes", order: order(), scans: ["ORD-B1", m, m, nb, t],
             kinds: [.orderOpened, .accepted, .accepted, .boxClosed, .orderComplete], labels: ["4:1/2", "5:2/2"], boxes: ["MUG×2", "TEE×1"]),
        Case(name: "undeclared, three boxes: box 1 is relabelled", order: order(), scans: ["ORD-B1", m, nb, m, nb, t],
             kinds: [.orderOpened, .accepted, .boxClosed, .accepted, .boxClosed, .orderComplete], labels: ["3:1/2", "5:2/3", "6:3/3", "6:1/3r"], boxes: ["MUG×1", "MUG×1", "TEE×1"]),
        Case(name: "three declared, three boxes", order: order(packages: 3), scans: ["ORD-B1", m, nb, m, nb, t],
             kinds: [.orderOpened, .accepted, .boxClosed, .accepted, .boxClosed, .orderComplete], labels: ["3:1/3", "5:2/3", "6:3/3"], boxes: ["MUG×1", "MUG×1", "TEE×1"]),
        Case(name: "three declared, packed in two: box 1 is relabelled", order: order(packages: 3), scans: ["ORD-B1", m, m, nb, t],
             kinds: [.orderOpened, .accepted, .accepted, .boxClosed, .orderComplete], labels: ["4:1/3", "5:2/2", "5:1/2r"], boxes: ["MUG×2", "TEE×1"]),
        Case(name: "an empty box cannot close", order: order(), scans: ["ORD-B1", nb, m, nb, nb],
             kinds: [.orderOpened, .commandRejected, .accepted, .boxClosed, .commandRejected], labels: ["4:1/2"], boxes: nil),
        Case(name: "no order open", order: order(), scans: [nb], kinds: [.commandRejected], labels: [], boxes: nil),
        Case(name: "carrier labels for two packages: no third box", order: order(packages: 2, carrierLabels: true), scans: ["ORD-B1", m, nb, m, nb, t],
             kinds: [.orderOpened, .accepted, .boxClosed, .accepted, .commandRejected, .orderComplete], labels: ["3:1/2", "6:2/2"], boxes: ["MUG×1", "MUG×1 TEE×1"]),
        Case(name: "carrier labels for three, packed in two: nothing reprinted", order: order(packages: 3, carrierLabels: true), scans: ["ORD-B1", m, m, nb, t],
             kinds: [.orderOpened, .accepted, .accepted, .boxClosed, .orderComplete], labels: ["4:1/3", "5:2/3"], boxes: ["MUG×2", "TEE×1"]),
        Case(name: "a closed box cannot be undone into", order: order(), scans: ["ORD-B1", m, nb, "CMD:UNDO"],
             kinds: [.orderOpened, .accepted, .boxClosed, .nothingToUndo], labels: ["3:1/2"], boxes: nil),
        Case(name: "undo in the open box takes the unit out of it", order: order(), scans: ["ORD-B1", m, nb, m, "CMD:UNDO", m, t],
             kinds: [.orderOpened, .accepted, .boxClosed, .accepted, .undone, .accepted, .orderComplete], labels: ["3:1/2", "7:2/2"], boxes: ["MUG×1", "MUG×1 TEE×1"]),
        Case(name: "the rest short-shipped after NEWBOX: the empty box is no package", order: order(), scans: ["ORD-B1", m, m, nb, "CMD:SHORT:damaged:TEE"],
             kinds: [.orderOpened, .accepted, .accepted, .boxClosed, .orderComplete], labels: ["4:1/2", "5:1/1r"], boxes: ["MUG×2"]),
        Case(name: "lower case, by key", order: order(), scans: ["ORD-B1", m, "cmd:newbox", t, m],
             kinds: [.orderOpened, .accepted, .boxClosed, .accepted, .orderComplete], labels: ["3:1/2", "5:2/2"], boxes: ["MUG×1", "MUG×1 TEE×1"]),
    ]

    @Test(arguments: cases)
    func newBox(_ c: Case) throws {
        var bench = Bench([c.order])
        let verdicts = c.scans.map { bench.scan($0) }
        #expect(verdicts.map(\.kind) == c.kinds)
        let labels = verdicts.enumerated().flatMap { i, v in v.labels.map { "\(i + 1):\($0.package)/\($0.packages)\($0.reprint ? "r" : "")" } }
        #expect(labels == c.labels)
        let result = verdicts.last?.result
        #expect(result?.boxes?.map { $0.lines.map { "\($0.sku)×\($0.quantity)" }.joined(separator: " ") } == c.boxes)
        #expect(result?.boxes?.map(\.number) == c.boxes.map { Array(1...$0.count) })
    }

    @Test func messagesTellThePackerWhatToDo() {
        var bench = Bench([Self.order()])
        let v = ["ORD-B1", Self.m, Self.nb, Self.m, Self.nb].map { bench.scan($0) }
        #expect(v[2].message == "Box 1 closed with 1 unit; its label prints (1 of 2). Box 2 is open: scan its items.")
        #expect(v[4].message == "Box 2 closed with 1 unit; its label prints (2 of 3). Box 3 is open: scan its items.")
        let done = bench.scan(Self.t)
        #expect(done.message == "Order B1 is complete in 3 boxes. Close box 3; its label prints (3 of 3). Relabel box 1: its label is printed again as 1 of 3.")
        #expect(bench.scan(Self.nb).message == "No order is open. Scan an order or tote first.")

        var empty = Bench([Self.order()])
        #expect(["ORD-B1", Self.nb].map { empty.scan($0) }.last?.message == "Box 1 of order B1 is empty: pack at least one item into it before closing it with CMD:NEWBOX.")
        var carrier = Bench([Self.order(packages: 2, carrierLabels: true)])
        #expect(["ORD-B1", Self.m, Self.nb, Self.m, Self.nb].map { carrier.scan($0) }.last?.message
            == "Order B1 has carrier labels for 2 packages and box 2 is the last: pack the rest into it, or have the carrier's label for another package added to the order.")
        var three = Bench([Self.order(packages: 3, carrierLabels: true)])
        #expect(["ORD-B1", Self.m, Self.m, Self.nb, Self.t].map { three.scan($0) }.last?.message
            == "Order B1 is complete in 2 boxes. Close box 2; its label prints (2 of 3). The carrier's labels for package 3 are not used: have them voided.")
    }

    @Test func withoutNewBoxEveryDeclaredLabelPrintsAtTheEnd() {
        var bench = Bench([Self.order(packages: 3)])
        let done = ["ORD-B1", Self.m, Self.m, Self.t].map { bench.scan($0) }.last
        #expect(done?.message == "Order B1 is complete. Its 3 package labels print (1 to 3 of 3): one for each box.")
        #expect(done?.closedBox == nil)
        var one = Bench([Self.order()])
        #expect(["ORD-B1", Self.m, Self.m, Self.t].map { one.scan($0) }.last?.message == "Order B1 is complete. Close the box; the label prints.")
    }

    @Test func boxWeightsComeFromTheOrderElseFromWhatWentIn() {
        var weighed = Bench([Self.order()])
        let v = ["ORD-B1", Self.m, Self.m, Self.nb, Self.t].map { weighed.scan($0) }
        #expect(v[3].labels.map(\.weightGrams) == [700])
        #expect(v[4].result?.boxes?.map(\.weightGrams) == [700, 180])
        var given = Bench([Self.order(packages: 2, weights: [2500, 900])])
        let w = ["ORD-B1", Self.m, Self.m, Self.nb, Self.t].map { given.scan($0) }
        #expect(w[3].labels.map(\.weightGrams) == [2500])
        #expect(w[4].labels.map(\.weightGrams) == [900])
        var declared = Bench([Self.order(packages: 2, weights: [2500, 900])])
        #expect(["ORD-B1", Self.m, Self.m, Self.t].map { declared.scan($0) }.last?.labels.map(\.weightGrams) == [2500, 900])
    }

    @Test func theVerdictAndResultJSONCarryTheBoxes() throws {
        var bench = Bench([Self.order()])
        let v = ["ORD-B1", Self.m, Self.m, Self.nb, Self.t].map { bench.scan($0) }
        let closed = JSONValue.object(v[3].jsonMembers)
        #expect(closed["verdict"] == .string("box_closed"))
        #expect(closed["box"]?.jsonText == #"{"number":1,"lines":[{"sku":"MUG","quantity":2}],"weight_g":700}"#)
        #expect(closed["labels"]?.jsonText == #"[{"package":1,"packages":2,"weight_g":700}]"#)
        let result = try #require(v[4].result).json
        #expect(result["boxes"]?.jsonText == #"[{"number":1,"lines":[{"sku":"MUG","quantity":2}],"weight_g":700},{"number":2,"lines":[{"sku":"TEE","quantity":1}],"weight_g":180}]"#)
        #expect(result["scans"].map { if case .array(let a) = $0 { a.count } else { 0 } } == 5)
        // Without NEWBOX there is no "boxes" member: which item is in which box is not known.
        var plain = Bench([Self.order()])
        let r = ["ORD-B1", Self.m, Self.m, Self.t].map { plain.scan($0) }.last?.result?.json
        #expect(r?["boxes"] == nil)
    }

    @Test func parsesTheCommand() {
        #expect(PackCommand.parse(barcode: "CMD:NEWBOX") == .success(.newBox))
        #expect(PackCommand.parse(barcode: "cmd:NewBox") == .success(.newBox))
        guard case .failure(let error)? = PackCommand.parse(barcode: "CMD:NEWBOX:2") else {
            Issue.record("CMD:NEWBOX:2 was taken")
            return
        }
        #expect(error.message == "unknown command; known: CMD:UNDO, CMD:QTY:N, CMD:SHORT:REASON[:SKU], CMD:NEWBOX, CMD:ABANDON, CMD:REPRINT, CMD:VOID, CMD:SIGNOUT")
    }
}
