import Foundation
@testable import Hub
import PackCore
import Testing

/// The hub's list of packers: `packer add/list/remove` with what is refused and why, the
/// stations' `GET /v1/packers` (badge and name, nothing else), and the admins'
/// `GET /v1/admin/packers` (the list with each packer's results and pack times).
@Suite struct HubPackersTests {
    @Test func packersAreAddedListedAndRemovedAndRefusalsSayWhy() throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.store.addPacker(name: "Ana", badge: "B-ANA")
        try hub.store.addPacker(name: "Ben", badge: "B-BEN")
        #expect(try hub.store.listPackers().map { "\($0.name)=\($0.badge)" } == ["Ana=B-ANA", "Ben=B-BEN"])

        func refusal(_ body: () throws -> Void) -> HubError? {
            do { try body(); return nil } catch let e as HubError { return e } catch { return nil }
        }
        let taken = refusal { try hub.store.addPacker(name: "Cleo", badge: "B-ANA") }
        #expect(taken?.status == 409 && taken?.code == "badge_taken")
        #expect(taken?.message == "Badge 'B-ANA' already signs in packer 'Ana'; each badge belongs to one packer. `packstation-hub packer remove Ana` frees it.")
        let exists = refusal { try hub.store.addPacker(name: "Ana", badge: "B-ANA2") }
        #expect(exists?.status == 409 && exists?.code == "packer_exists")
        for (name, badge, code) in [("", "B-X", "bad_packer_name"), (" Ana", "B-X", "bad_packer_name"), ("Tab\tName", "B-X", "bad_packer_name"),
                                    ("Dee", "", "bad_badge"), ("Dee", "B\u{1D}X", "bad_badge"), ("Dee", "CMD:SIGNOUT", "bad_badge"),
                                    ("Dee", String(repeating: "9", count: 129), "bad_badge")] {
            let e = refusal { try hub.store.addPacker(name: name, badge: badge) }
            #expect(e?.status == 400 && e?.code == code, "\(name.debugDescription) \(badge.debugDescription)")
        }
        let unknown = refusal { try hub.store.removePacker(name: "Zed") }
        #expect(unknown?.status == 404 && unknown?.message == "No packer named 'Zed' is listed; `packstation-hub packer list` shows who is.")
        // Nothing refused changed the list.
        #expect(try hub.store.listPackers().map(\.name) == ["Ana", "Ben"])
        try hub.store.removePacker(name: "Ana")
        #expect(try hub.store.listPackers().map(\.name) == ["Ben"])
        // The badge is free again.
        try hub.store.addPacker(name: "Cleo", badge: "B-ANA")
        #expect(try hub.store.listPackers().map { "\($0.name)=\($0.badge)" } == ["Ben=B-BEN", "Cleo=B-ANA"])
    }

    @Test func stationsReadBadgesAndNamesOnlyWithTheirToken() async throws {
        let hub = try HubFixture()
        defer { hub.remove() }
        try hub.store.addPacker(name: "Ana", badge: "B-ANA")
        let ok = await hub.call("GET", "/v1/packers")
        #expect(ok.status == 200)
        #expect(ok.text == #"{"packers":[{"name":"Ana","badge":"B-ANA"}]}"#, "badge and name, nothing else")
        let anonymous = await hub.call("GET", "/v1/packers", token: .some(nil))
        #expect(anonymous.status == 401 && anonymous.json?["error"]?["code"] == .string("missing_token"))
        let wrong = await hub.call("GET", "/v1/packers", token: "Bearer 1.nope")
        #expect(wrong.status == 401)
        let post = await hub.call("POST", "/v1/packers", body: "{}")
        #expect(post.status == 405)
    }

    @Test func adminsSeeEachPackerWithResultsAndPackTimes() async throws {
        let hub = try HubFixture(adminToken: "admin-token-0123456789")
        defer { hub.remove() }
        try hub.importOrders(["1", "2"].map { HubFixture.order($0) }.joined(separator: "\n"))
        try hub.store.addPacker(name: "ana", badge: "B-ANA")
        try hub.store.addPacker(name: "zoe", badge: "B-ZOE")
        // ana packs order 1 (listed), "0042" packs order 2 (signed in by a badge prefix, not listed).
        var batch = HubFixture.batch(["1", "2"])
        let items = batch.components(separatedBy: #"{"key":"#)
        batch = items[0] + [items[1].replacingOccurrences(of: #""packer":null"#, with: #""packer":"ana""#),
                            items[2].replacingOccurrences(of: #""packer":null"#, with: #""packer":"0042""#)].map { #"{"key":"# + $0 }.joined()
        #expect(await hub.call("POST", "/v1/results", body: batch).status == 200)
        let denied = await hub.call("GET", "/v1/admin/packers", token: .some(nil))
        #expect(denied.status == 401)
        let r = await hub.call("GET", "/v1/admin/packers", token: "Bearer admin-token-0123456789")
        #expect(r.status == 200, "\(r.text)")
        guard case .array(let rows)? = r.json?["packers"] else { Issue.record("no packers: \(r.text)"); return }
        #expect(rows.map { $0["packer"] } == [.string("0042"), .string("ana"), .string("zoe")], "\(r.text)")
        #expect(rows[0]["listed"] == .bool(false) && rows[0]["badge"] == .null && rows[0]["results"] == .int(1))
        #expect(rows[1]["listed"] == .bool(true) && rows[1]["badge"] == .string("B-ANA") && rows[1]["packed"] == .int(1))
        #expect(rows[1]["mean_pack_seconds"] == .number("60.0"), "\(rows[1])")
        #expect(rows[2]["listed"] == .bool(true) && rows[2]["results"] == .int(0) && rows[2]["mean_pack_seconds"] == .null)
        let page = await hub.call("GET", "/", token: "Bearer admin-token-0123456789")
        #expect(page.text.contains("<tr><td>zoe</td><td>0</td><td>0</td><td></td><td></td></tr>"), "a listed packer without results is on the page")
    }
}
