import Foundation
import Testing
@testable import PackCore

/// `shipment.packages`, `shipment.labels` (one carrier label per package) and
/// `shipment.package_weights`: what is accepted, and what each bad shape is told.
@Suite struct ShipmentPackagesTests {
    static let zpl1 = Data("^XA^FDone^FS^XZ".utf8).base64EncodedString()
    static let zpl2 = Data("^XA^FDtwo^FS^XZ".utf8).base64EncodedString()
    static let zpl3 = Data("^XA^FDthree^FS^XZ".utf8).base64EncodedString()

    /// An order whose shipment has these extra members (JSON text after `"packages":…`).
    static func order(_ shipment: String) -> String {
        #"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":3}],"shipment":{"carrier":"UPS","service":"Ground","#
            + #""from":{"name":"W","street":["S 1"],"city":"X","country":"US"},"to":{"name":"P","street":["A 2"],"city":"Y","country":"US"},"#
            + shipment + "}}"
    }

    private func problems(_ json: String) -> [String] {
        do {
            _ = try Order.decode(from: Array(json.utf8))
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func oneCarrierLabelPerPackage() throws {
        let json = Self.order(#""packages":3,"labels":[{"format":"zpl","data":"\#(Self.zpl3)","package":3},{"format":"zpl","data":"\#(Self.zpl1)","package":1},{"format":"zpl","data":"\#(Self.zpl2)","package":2}],"package_weights":[1200,800,450]"#)
        let shipment = try #require(try Order.decode(from: Array(json.utf8)).shipment)
        #expect(shipment.packages == 3)
        #expect(shipment.label.map { String(decoding: $0.data, as: UTF8.self) } == "^XA^FDone^FS^XZ")
        #expect((1...3).map { shipment.carrierLabel(package: $0).map { String(decoding: $0.data, as: UTF8.self) } } == ["^XA^FDone^FS^XZ", "^XA^FDtwo^FS^XZ", "^XA^FDthree^FS^XZ"])
        #expect(shipment.hasLabelPerPackage)
        #expect((1...3).map { shipment.weightGrams(package: $0) } == [1200, 800, 450])
        // The same order through the JSONValue path.
        let again = try Order.decode(from: JSONParser.parse(Array(json.utf8)))
        #expect(again.shipment == shipment)
    }

    @Test func labelStaysPackageOneBesideLabels() throws {
        let json = Self.order(#""packages":2,"label":{"format":"zpl","data":"\#(Self.zpl1)"},"labels":[{"format":"zpl","data":"\#(Self.zpl2)","package":2}]"#)
        let shipment = try #require(try Order.decode(from: Array(json.utf8)).shipment)
        #expect(shipment.carrierLabel(package: 1).map { String(decoding: $0.data, as: UTF8.self) } == "^XA^FDone^FS^XZ")
        #expect(shipment.carrierLabel(package: 2).map { String(decoding: $0.data, as: UTF8.self) } == "^XA^FDtwo^FS^XZ")
    }

    @Test func oldOrdersStillDecode() throws {
        let shipment = try #require(try Order.decode(from: Array(Self.order(#""packages":3,"label":{"format":"zpl","data":"\#(Self.zpl1)"}"#).utf8)).shipment)
        #expect(shipment.packages == 3 && shipment.label != nil && !shipment.hasLabelPerPackage && shipment.packageWeights == nil)
        #expect(shipment.carrierLabel(package: 2) == nil)
    }

    @Test(arguments: [
        (#""packages":2,"labels":{"format":"zpl"}"#, ["shipment.labels: must be an array of {format, data, package}, one per package, found an object"]),
        (#""packages":1,"labels":[{"format":"zpl","data":"\#(zpl1)","package":1},{"format":"zpl","data":"\#(zpl2)","package":1}]"#,
         ["shipment.labels: has 2 labels for 1 package (shipment.packages); give one label per package"]),
        (#""packages":2,"labels":[{"format":"zpl","data":"\#(zpl1)","package":1},{"format":"zpl","data":"\#(zpl2)","package":1}]"#,
         ["shipment.labels[1].package: package 1 already has a label (shipment.labels[0]); give each package one label"]),
        (#""packages":2,"label":{"format":"zpl","data":"\#(zpl1)"},"labels":[{"format":"zpl","data":"\#(zpl2)","package":1}]"#,
         ["shipment.labels[0].package: package 1 already has a label (shipment.label); give each package one label"]),
        (#""packages":2,"labels":[{"format":"zpl","data":"\#(zpl1)","package":0},{"format":"zpl","data":"\#(zpl2)","package":2}]"#,
         ["shipment.labels[0].package: must be at least 1, found 0"]),
        (#""packages":2,"labels":[{"format":"zpl","data":"\#(zpl1)","package":1},{"format":"zpl","data":"\#(zpl2)","package":3}]"#,
         ["shipment.labels[1].package: is 3, but the shipment has 2 packages (shipment.packages); number packages 1 to 2"]),
        (#""packages":2,"labels":[{"format":"zpl","data":"\#(zpl1)","package":"1"}]"#, ["shipment.labels[0].package: must be a number, found a string"]),
        (#""packages":2,"labels":[{"format":"zpl","data":"\#(zpl1)"}]"#, ["shipment.labels[0].package: is required"]),
        (#""packages":3,"labels":[{"format":"zpl","data":"\#(zpl1)","package":1},{"format":"zpl","data":"\#(zpl3)","package":3}]"#,
         ["shipment.labels: has no label for package 2 of 3; with shipment.labels every package needs its carrier label"]),
        (#""packages":2,"labels":[{"format":"gif","data":"\#(zpl1)","package":1},{"format":"zpl","data":"!!","package":2}]"#,
         [#"shipment.labels[0].format: "gif" is not one of "zpl", "pdf", "png""#, "shipment.labels[1].data: is not base64 data"]),
        (#""packages":2,"labels":["x",{"format":"zpl","data":"\#(zpl2)","package":2}]"#, ["shipment.labels[0]: must be an object, found a string"]),
        (#""packages":2,"package_weights":[1000]"#, ["shipment.package_weights: has 1 weight for 2 packages (shipment.packages); give one weight in grams per package"]),
        (#""packages":2,"package_weights":"1000""#, ["shipment.package_weights: must be an array of weights in grams, one per package, found a string"]),
        (#""packages":2,"package_weights":[1000,0]"#, ["shipment.package_weights[1]: must be at least 1 gram, found 0"]),
        (#""packages":2,"package_weights":[1000,2.5]"#, ["shipment.package_weights[1]: must be a whole number of grams, found 2.5"]),
        (#""packages":2,"package_weights":[null,20000000]"#,
         ["shipment.package_weights[0]: must be a number of grams, found null", "shipment.package_weights[1]: must be at most 10000000 grams, found 20000000"]),
    ])
    func badShapesSayWhatIsWrong(members: String, expected: [String]) {
        #expect(problems(Self.order(members)) == expected)
    }
}
