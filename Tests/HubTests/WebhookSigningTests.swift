import Foundation
import PackCore
import Testing
@testable import Hub

/// What a receiver checks: HMAC-SHA256 as RFC 4231 defines it, the signed string
/// `timestamp + "." + body`, the body's exact bytes, and the addresses a subscriber may be given.
@Suite struct WebhookSigningTests {
    private static func bytes(_ hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map { i in
            UInt8(hex[hex.index(hex.startIndex, offsetBy: i)..<hex.index(hex.startIndex, offsetBy: i + 2)], radix: 16)!
        }
    }

    // RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (5 truncates its output; the hub never does).
    @Test(arguments: [
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), [UInt8](repeating: 0xcd, count: 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xaa, count: 131),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ] as [([UInt8], [UInt8], String)])
    func hmacMatchesRFC4231(key: [UInt8], message: [UInt8], expected: String) {
        #expect(HMACSHA256.hex(key: key, message: message) == expected)
        #expect(HMACSHA256.mac(key: key, message: message) == Self.bytes(expected))
    }

    @Test func theBodyIsTheEventAsStoredAndTheSignatureCoversTimestampAndBody() {
        let body = WebhookSignature.body(eventID: 7, type: "order.shipped", at: Date(timeIntervalSince1970: 1_800_000_000), dataText: #"{"order_id":"SO-1"}"#)
        #expect(body == #"{"id":7,"type":"order.shipped","created_at":"2027-01-15T08:00:00.000Z","data":{"order_id":"SO-1"}}"#)
        // The same value Python's hmac.new(b"whsec_test", b"1800000000." + body, sha256) gives
        // (docs/webhooks.md's verification snippet).
        let header = WebhookSignature.header(secrets: ["whsec_test"], timestamp: 1_800_000_000, body: Array(body.utf8))
        #expect(header == "v1=bc813d074d3305b75c39be8fa980bbc815bce87737af3321bf0b640f4e2ac04b")
        #expect(WebhookSignature.verify(header: header, secret: "whsec_test", timestamp: 1_800_000_000, body: Array(body.utf8)))
        // Any change is caught: a byte of the body, the timestamp, the secret.
        #expect(!WebhookSignature.verify(header: header, secret: "whsec_test", timestamp: 1_800_000_000, body: Array(body.replacingOccurrences(of: "SO-1", with: "SO-2").utf8)))
        #expect(!WebhookSignature.verify(header: header, secret: "whsec_test", timestamp: 1_800_000_001, body: Array(body.utf8)))
        #expect(!WebhookSignature.verify(header: header, secret: "whsec_other", timestamp: 1_800_000_000, body: Array(body.utf8)))
    }

    @Test func markupAndQuotesInAnEventStayJSONText() throws {
        let data = JSONValue.object([("order_id", "SO-\"1\"</script>"), ("note", "a\u{2028}b\n")]).jsonText
        let body = WebhookSignature.body(eventID: 1, type: "order.packed", at: Date(timeIntervalSince1970: 0), dataText: data)
        let parsed = try JSONParser.parse(body)
        #expect(parsed["data"]?["order_id"] == "SO-\"1\"</script>")
        #expect(parsed["data"]?["note"] == "a\u{2028}b\n")
    }

    @Test func whileARotatedOutSecretIsHonouredEitherSecretVerifies() {
        let body = Array(#"{"id":1}"#.utf8)
        let header = WebhookSignature.header(secrets: ["whsec_new", "whsec_old"], timestamp: 5, body: body)
        #expect(header.split(separator: ",").count == 2)
        #expect(WebhookSignature.verify(header: header, secret: "whsec_new", timestamp: 5, body: body))
        #expect(WebhookSignature.verify(header: header, secret: "whsec_old", timestamp: 5, body: body))
        #expect(!WebhookSignature.verify(header: header, secret: "whsec_third", timestamp: 5, body: body))
    }

    @Test func secretsAreLongRandomAndDistinct() {
        let secrets = (0..<50).map { _ in WebhookSignature.makeSecret() }
        #expect(Set(secrets).count == 50)
        #expect(secrets.allSatisfy { $0.hasPrefix("whsec_") && $0.count == 70 && $0.dropFirst(6).allSatisfy(\.isHexDigit) })
    }

    @Test(arguments: [
        "https://orders.example.com/hooks/packstation", "http://127.0.0.1:8089/x", "http://[::1]:9000/", "http://10.0.0.5/hook?src=hub",
        "HTTPS://Orders.Example.com", "http://localhost:1/",
    ])
    func addressesAnOrderSystemHasAreAccepted(_ url: String) throws {
        #expect(try WebhookURL(url).text == url)
    }

    @Test(arguments: [
        ("ftp://orders.example.com/x", "must start with http:// or https://"),
        ("file:///etc/passwd", "must start with http:// or https://"),
        ("https://user:pw@orders.example.com/", "carries a user or password"),
        ("https://token@orders.example.com/", "carries a user or password"),
        ("https://orders.example.com/#x", "#fragment"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://2852039166/", "link-local"),
        ("http://0251.0376.0251.0376/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[::ffff:169.254.169.254]/", "link-local"),
        ("http://0.0.0.0:80/", "unspecified"),
        ("http://[::]/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://255.255.255.255/", "broadcast"),
        ("http:///nohost", "no host"),
        ("not a url", "spaces or control characters"),
        ("https://orders.example.com/a\u{0}b", "control characters"),
        ("orders.example.com/hook", "not a URL"),
        ("http://a*/hook", "characters no host name has"),
        ("http://orders_example.com/", "characters no host name has"),
    ])
    func addressesNoOrderSystemHasAreRefusedSayingWhy(_ url: String, _ why: String) {
        #expect {
            try WebhookURL(url)
        } throws: { error in
            guard let e = error as? HubError else { return false }
            return e.status == 400 && e.code == "bad_webhook_url" && e.message.contains(why)
        }
    }

    @Test func aTooLongAddressIsRefused() {
        let url = "https://orders.example.com/" + String(repeating: "a", count: WebhookURL.maximumLength)
        #expect(throws: HubError.self) { try WebhookURL(url) }
    }
}
