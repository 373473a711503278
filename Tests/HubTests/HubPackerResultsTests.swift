import Foundation
@testable import Hub
import PackCore
import Testing

/// Results per packer (`packstation-hub packers`): counts, packed whole, mean and longest pack
/// time, and the results nobody signed in for on a line of their own.
@Suite struct HubPackerResultsTests {
    @Test func resultsAndPackTimesAreListedPerPacker() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.importOrders(["1", "2", "3", "4"].map { HubFixture.order($0) }.joined(separator: "\n"))
        // ana packs 1 in 60 s and 2 in 30 s; ben packs 3 in 60 s; 4 is packed with nobody signed in.
        var batch = HubFixture.batch(["1", "2", "3", "4"])
        let items = batch.components(separatedBy: #"{"key":"#)
        func edit(_ item: String, packer: String?, ended: String) -> String {
            item.replacingOccurrences(of: #""packer":null"#, with: packer.map { #""packer":"\#($0)""# } ?? #""packer":null"#)
                .replacingOccurrences(of: #""ended_at":"2026-11-23T10:01:00.000Z""#, with: #""ended_at":"\#(ended)""#)
        }
        batch = items[0] + [edit(items[1], packer: "ana", ended: "2026-11-23T10:01:00.000Z"), edit(items[2], packer: "ana", ended: "2026-11-23T10:00:30.000Z"),
                            edit(items[3], packer: "ben", ended: "2026-11-23T10:01:00.000Z"), edit(items[4], packer: nil, ended: "2026-11-23T10:01:00.000Z")]
            .map { #"{"key":"# + $0 }.joined()
        let posted = await hub.call("POST", "/v1/results", body: batch)
        #expect(posted.status == 200, "\(posted.text)")
        let rows = try hub.store.listPackerResults()
        #expect(rows.map { $0["packer"] } == [.string("ana"), .null, .string("ben")], "\(rows)")
        #expect(rows[0]["results"] == .int(2) && rows[0]["packed"] == .int(2))
        #expect(rows[0]["mean_pack_seconds"] == .number("45.0") && rows[0]["max_pack_seconds"] == .number("60.0"), "\(rows[0])")
        #expect(rows[2]["results"] == .int(1) && rows[2]["mean_pack_seconds"] == .number("60.0"))
        let page = await hub.call("GET", "/", token: .some(nil))
        #expect(page.text.contains("<tr><td>ana</td><td>2</td><td>2</td><td>45.0</td><td>60.0</td></tr>"), "the page's packer table")
        #expect(page.text.contains("<tr><td>(nobody signed in)</td><td>1</td>"))
    }
}
