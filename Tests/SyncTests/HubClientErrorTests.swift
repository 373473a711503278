import PackCore
@testable import Sync
import Testing

@Suite struct HubClientErrorTests {
    @Test(arguments: [
        (503, String?("7"), SyncError.Kind.transient, Duration?.some(.seconds(7))),
        (429, String?("120"), .transient, Duration?.some(.seconds(120))),
        (500, nil, .transient, nil),
        (401, nil, .permanent, nil),
        (413, nil, .permanent, nil),
    ])
    func statusDecidesWhetherToRetry(status: Int, retryAfter: String?, kind: SyncError.Kind, wait: Duration?) {
        let e = HubClient.error(status: status, document: nil, retryAfter: retryAfter, path: "/v1/results", server: "http://hub")
        #expect(e.kind == kind)
        #expect(e.retryAfter == wait)
    }

    @Test func aRefusedItemIsIdentified() throws {
        let body = try JSONParser.parse(#"{"error":{"code":"invalid_item","message":"Item 3 is invalid","item":3}}"#)
        let e = HubClient.error(status: 422, document: body, retryAfter: nil, path: "/v1/results", server: "http://hub")
        #expect(e.kind == .rejectedItem(3))
        #expect(e.message.contains("invalid_item"))
    }

    @Test(arguments: [
        (403, #"{"error":{"code":"not_your_order","message":"Item 2 is for order 9, which is queued for another station","item":2}}"#, 2, "not_your_order"),
        (403, #"{"error":{"code":"station_mismatch","message":"Item 0: the result's station is not 'bench-1'","item":0}}"#, 0, "station_mismatch"),
        (409, #"{"error":{"code":"key_reused","message":"Item 1: this station already sent a different result under key 'k'","item":1}}"#, 1, "key_reused"),
        (409, #"{"error":{"code":"order_on_hold","message":"Item 4 is on hold","item":4}}"#, 4, "order_on_hold"),
    ])
    func aRefusalNamingAnItemRejectsThatEntryNotTheToken(status: Int, body: String, item: Int, code: String) throws {
        let e = HubClient.error(status: status, document: try JSONParser.parse(body), retryAfter: nil, path: "/v1/results", server: "http://hub")
        #expect(e.kind == .rejectedItem(item))
        #expect(e.serverCode == code)
        #expect(e.serverMessage?.hasPrefix("Item \(item)") == true)
        #expect(!e.message.contains("PACKSTATION_TOKEN"), "not a token problem: \(e.message)")
    }

    @Test func aLookupRefusalIsFinalAndA403WithoutCodeIsTheToken() throws {
        let refused = HubClient.error(status: 403, document: try JSONParser.parse(#"{"error":{"code":"not_your_order","message":"Order 9 is queued for another station"}}"#), retryAfter: nil, path: "/v1/orders/lookup", server: "http://hub")
        #expect(refused.code == "sync.refused" && refused.serverCode == "not_your_order" && refused.serverMessage == "Order 9 is queued for another station")
        let cancelled = HubClient.error(status: 409, document: try JSONParser.parse(#"{"error":{"code":"order_cancelled","message":"Order 9 is cancelled"}}"#), retryAfter: nil, path: "/v1/orders/lookup", server: "http://hub")
        #expect(cancelled.code == "sync.refused" && cancelled.serverCode == "order_cancelled")
        let forbidden = HubClient.error(status: 403, document: nil, retryAfter: nil, path: "/v1/orders/queue", server: "http://hub")
        #expect(forbidden.code == "sync.auth" && forbidden.kind == .permanent)
    }

    @Test func aRefusedTokenTellsTheAdminWhatToDo() throws {
        let body = try JSONParser.parse(#"{"error":{"code":"bad_token","message":"no"}}"#)
        let e = HubClient.error(status: 401, document: body, retryAfter: nil, path: "/v1/results", server: "http://hub")
        #expect(e.message.contains("PACKSTATION_TOKEN"))
        #expect(e.message.contains("bad_token"))
    }

    @Test func retryAfterAcceptsAnHTTPDate() {
        #expect(HubClient.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == .zero)
        #expect(HubClient.parseRetryAfter("soon") == nil)
        #expect(HubClient.parseRetryAfter("99999") == .seconds(3600))
    }
}
