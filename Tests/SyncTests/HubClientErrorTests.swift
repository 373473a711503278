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
