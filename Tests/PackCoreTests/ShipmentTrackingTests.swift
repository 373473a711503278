import Foundation
import Testing
@testable import PackCore

/// `shipment.package_tracking`: one tracking number per package, else every package has the
/// shipment's; what each bad shape is told.
@Suite struct ShipmentTrackingTests {
    private func decode(_ members: String) throws -> Shipment? {
        try Order.decode(from: Array(ShipmentPackagesTests.order(members).utf8)).shipment
    }

    private func problems(_ members: String) -> [String] {
        do {
            _ = try Order.decode(from: Array(ShipmentPackagesTests.order(members).utf8))
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func eachPackageHasItsOwnNumberOrTheShipments() throws {
        let own = try #require(try decode(#""tracking":"1Z-MASTER","packages":2,"package_tracking":["1Z-A","1Z-B"]"#))
        #expect([own.tracking(package: 1), own.tracking(package: 2)] == ["1Z-A", "1Z-B"])
        let shared = try #require(try decode(#""tracking":"1Z-MASTER","packages":2"#))
        #expect([shared.tracking(package: 1), shared.tracking(package: 2)] == ["1Z-MASTER", "1Z-MASTER"])
        let none = try #require(try decode(#""packages":2,"package_tracking":null"#))
        #expect(none.tracking(package: 1) == nil)
    }

    @Test(arguments: [
        (#""packages":2,"package_tracking":["1Z-A"]"#, ["shipment.package_tracking: has 1 tracking number for 2 packages (shipment.packages); give one per package"]),
        (#""packages":1,"package_tracking":"1Z-A""#, ["shipment.package_tracking: must be an array of tracking numbers, one per package, found a string"]),
        (#""packages":2,"package_tracking":["1Z-A",7]"#, ["shipment.package_tracking[1]: must be a string, found a number"]),
        (#""packages":2,"package_tracking":["","1Z-B"]"#, ["shipment.package_tracking[0]: must be 1 to 100 characters"]),
    ])
    func badShapesSayWhatIsWrong(members: String, expected: [String]) {
        #expect(problems(members) == expected)
    }
}
