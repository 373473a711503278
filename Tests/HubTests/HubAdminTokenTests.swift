import Foundation
@testable import Hub
import PackCore
import Testing

/// The read API and the page behind the hub's admin token.
@Suite struct HubAdminTokenTests {
    static let admin = "0123456789abcdef-admin"

    func fixture() throws -> HubFixture { try HubFixture(adminToken: Self.admin) }

    @Test(arguments: ["/", "/v1/admin/summary", "/v1/admin/orders", "/v1/admin/stations", "/v1/admin/results"])
    func withoutTheTokenTheReadAPIAndPageAnswer401(path: String) async throws {
        let hub = try fixture()
        defer { hub.remove() }
        let missing = await hub.call("GET", path, token: .some(nil))
        #expect(missing.status == 401)
        #expect(missing.json?["error"]?["code"] == .string("missing_admin_token"), "\(missing.text)")
        let station = await hub.call("GET", path)  // a station's token is not the admin token
        #expect(station.status == 401 && station.json?["error"]?["code"] == .string("bad_admin_token"), "\(station.text)")
        let close = await hub.call("GET", path, token: .some("Bearer " + Self.admin.dropLast() + "g"))
        #expect(close.status == 401)
        let bearer = await hub.call("GET", path, token: .some("Bearer " + Self.admin))
        #expect(bearer.status == 200, "\(bearer.text)")
        let basic = await hub.call("GET", path, token: .some("Basic " + Data("admin:\(Self.admin)".utf8).base64EncodedString()))
        #expect(basic.status == 200, "\(basic.text)")
    }

    @Test func theBrowserIsAskedForTheToken() async throws {
        let hub = try fixture()
        defer { hub.remove() }
        let r = await hub.send("GET", "/", token: .some(nil))
        #expect(r.status == 401)
        #expect(r.header("WWW-Authenticate")?.hasPrefix("Basic realm=\"packstation-hub\"") == true)
    }

    @Test func stationEndpointsStillTakeTheStationToken() async throws {
        let hub = try fixture()
        defer { hub.remove() }
        try hub.importOrders(HubFixture.order("1", barcodes: ["ORD-1"]))
        let lookup = await hub.call("GET", "/v1/orders/lookup", query: ["barcode": "ORD-1"])
        #expect(lookup.status == 200, "\(lookup.text)")
    }
}
