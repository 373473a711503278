import Foundation
import Testing
import PackCore

/// What the loader hears for each kind of scan at the dock, and the package codes our label prints.
@Suite struct LoadCheckTests {
    static let ups = DockPackage(code: "1Z999AA10123456784", orderID: "1001", number: 1, carrier: "UPS", service: "Ground", weightGrams: 1250)
    static let dhl = DockPackage(code: "PKG:1002:2", orderID: "1002", number: 2, carrier: "dhl ", service: "Express")

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var trailer: String
        var package: DockPackage?
        var loaded: Bool
        var unpacked: String?
        var kind: LoadVerdict.Kind
        var says: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "expected package", trailer: "UPS", package: ups, loaded: false, unpacked: nil, kind: .loaded, says: "Loaded — Order 1001, package 1 (Ground) into the UPS trailer."),
        Case(name: "carrier in another case", trailer: " ups", package: ups, loaded: false, unpacked: nil, kind: .loaded, says: "into the UPS trailer"),
        Case(name: "scanned twice", trailer: "UPS", package: ups, loaded: true, unpacked: nil, kind: .alreadyLoaded, says: "counted once"),
        Case(name: "another carrier's package", trailer: "UPS", package: dhl, loaded: false, unpacked: nil, kind: .wrongCarrier, says: "goes with DHL, not UPS. Take it off this trailer."),
        Case(name: "another carrier's, even if scanned before", trailer: "UPS", package: dhl, loaded: true, unpacked: nil, kind: .wrongCarrier, says: "WRONG CARRIER"),
        Case(name: "an order not packed yet", trailer: "UPS", package: nil, loaded: false, unpacked: "1003", kind: .notPacked, says: "order 1003, which is not packed yet"),
        Case(name: "nothing known", trailer: "UPS", package: nil, loaded: false, unpacked: nil, kind: .unknownPackage, says: "is not a package the hub knows"),
    ]

    @Test(arguments: cases) func verdict(_ c: Case) {
        let v = LoadCheck.verdict(code: c.package?.code ?? "X-1", carrier: c.trailer, package: c.package, loaded: c.loaded, unpackedOrder: c.unpacked)
        #expect(v.kind == c.kind)
        #expect(v.message.contains(c.says), "\(v.message)")
        #expect(v.kind.isGood == (c.kind == .loaded || c.kind == .alreadyLoaded))
        #expect(v.package == c.package)
    }

    @Test func packageCodes() {
        #expect(DockPackage.code(orderID: "1001", number: 2, tracking: nil) == "PKG:1001:2")
        #expect(DockPackage.code(orderID: "1001", number: 2, tracking: "") == "PKG:1001:2")
        #expect(DockPackage.code(orderID: "1001", number: 1, tracking: "1Z9") == "1Z9")
        #expect(DockPackage.sameCarrier(" Ups ", "UPS") && !DockPackage.sameCarrier("UPS", "USPS"))
    }

    /// Which code each package of a shipment is scanned by (and its label prints): a number the
    /// whole shipment shares is package 1's only, so package 2 is never loaded as package 1.
    @Test(arguments: [
        (tracking: "1Z1" as String?, perPackage: nil as [String]?, packages: 1, codes: ["1Z1"]),
        (tracking: "1Z1", perPackage: nil, packages: 3, codes: ["1Z1", "PKG:1001:2", "PKG:1001:3"]),
        (tracking: nil, perPackage: nil, packages: 2, codes: ["PKG:1001:1", "PKG:1001:2"]),
        (tracking: "", perPackage: nil, packages: 1, codes: ["PKG:1001:1"]),
        (tracking: "1Z1", perPackage: ["1ZA", "1ZB"], packages: 2, codes: ["1ZA", "1ZB"]),
        // A third box closed at the bench beyond the carrier's two numbers.
        (tracking: "1Z1", perPackage: ["1ZA", "1ZB"], packages: 3, codes: ["1ZA", "1ZB", "PKG:1001:3"]),
    ])
    func shipmentCodes(_ c: (tracking: String?, perPackage: [String]?, packages: Int, codes: [String])) {
        let address = Address(name: "A", street: ["S 1"], city: "C", country: "US")
        let shipment = Shipment(carrier: "UPS", service: "Ground", tracking: c.tracking, from: address, to: address, packages: c.packages, packageTracking: c.perPackage)
        #expect((1...c.packages).map { DockPackage.code(orderID: "1001", number: $0, shipment: shipment) } == c.codes)
        #expect((1...c.packages).map { DockPackage.ownTracking(shipment, number: $0) } == c.codes.map { $0.hasPrefix("PKG:") ? nil : $0 })
        #expect(DockPackage.code(orderID: "1001", number: 1, shipment: nil) == "PKG:1001:1")
    }
}

/// The manifest's CSV as a spreadsheet opens it: RFC 4180 fields, formulas defused, counts right.
@Suite struct ManifestCSVTests {
    static func manifest(loaded: [Manifest.Line], missing: [Manifest.Line] = []) -> Manifest {
        Manifest(id: "UPS-20261204-1", carrier: "UPS", date: "2026-12-04", closedAt: Date(timeIntervalSince1970: 1_796_400_000), closedBy: "ana", loaded: loaded, missing: missing, paper: .a4)
    }

    @Test func hostileTextIsDataNotAFormulaAndStaysInItsCell() {
        let hostile: [(String, String)] = [
            ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
            ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tTAB", "'\tTAB"),
            ("a,b", "\"a,b\""), ("line\nbreak", "\"line\nbreak\""), ("cr\r\nlf", "\"cr\r\nlf\""), ("<b>x</b>", "<b>x</b>"),
        ]
        for (text, field) in hostile {
            let csv = Self.manifest(loaded: [Manifest.Line(orderID: text, package: 1, tracking: "T1", service: "Ground", weightGrams: 1000)]).csv
            #expect(csv.contains("\r\nloaded," + field + ",1,T1,Ground,1.000\r\nservice,"), "\(text.debugDescription) -> \(csv.debugDescription)")
        }
    }

    @Test func countsPerServiceAndTotals() {
        let m = Self.manifest(
            loaded: [
                .init(orderID: "1001", package: 1, tracking: "1Z1", service: "Ground", weightGrams: 1250),
                .init(orderID: "1001", package: 2, tracking: "PKG:1001:2", service: "Ground", weightGrams: nil),
                .init(orderID: "1002", package: 1, tracking: "1Z2", service: "Next Day Air", weightGrams: 45),
            ],
            missing: [.init(orderID: "1003", package: 1, tracking: "1Z3", service: "Ground", weightGrams: 500)])
        #expect(m.csv == """
            section,order,package,tracking,service,weight_kg\r
            manifest,UPS-20261204-1,,UPS,2026-12-04,\r
            loaded,1001,1,1Z1,Ground,1.250\r
            loaded,1001,2,PKG:1001:2,Ground,\r
            loaded,1002,1,1Z2,Next Day Air,0.045\r
            missing,1003,1,1Z3,Ground,0.500\r
            service,,2,,Ground,1.250\r
            service,,1,,Next Day Air,0.045\r
            total,2,3,,,1.295\r

            """)
    }
}
