import Foundation
import PackCore

/// What a webhook delivery sends (docs/webhooks.md): the body `{"id", "type", "created_at",
/// "data"}` and headers naming the event, the time of sending and the signature
/// `v1=HEX(HMAC-SHA256(secret, timestamp + "." + body))`, one `v1=` per secret in force (two
/// while a rotated-out secret is still honoured).
public enum WebhookSignature {
    /// The event's id: the receiver's deduplication key (the same on every attempt and replay).
    public static let eventIDHeader = "Packstation-Event-Id"
    /// The event's type, e.g. `order.shipped`.
    public static let eventTypeHeader = "Packstation-Event-Type"
    /// Unix seconds when this attempt was signed; part of what is signed.
    public static let timestampHeader = "Packstation-Timestamp"
    /// `v1=HEX[,v1=HEX]`.
    public static let signatureHeader = "Packstation-Signature"
    /// Which attempt this is, from 1.
    public static let attemptHeader = "Packstation-Attempt"

    /// A new secret: `whsec_` and 64 hex digits (256 random bits). The HMAC key is the whole text.
    public static func makeSecret() -> String {
        var g = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return "whsec_" + String((0..<64).map { _ in digits[Int(g.next() % 16)] })
    }

    /// The body of an event's delivery. `dataText` is the event's stored JSON object, sent as stored.
    public static func body(eventID: Int64, type: String, at: Date, dataText: String) -> String {
        var out = "{\"id\":\(eventID),\"type\":"
        JSONValue.string(type).write(to: &out)
        out += ",\"created_at\":"
        JSONValue.string(HubStore.timestamp(at.timeIntervalSince1970)).write(to: &out)
        out += ",\"data\":" + dataText + "}"
        return out
    }

    /// One `v1=` signature of `body` sent at `timestamp` (Unix seconds).
    public static func signature(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        "v1=" + HMACSHA256.hex(key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body)
    }

    /// The signature header's value: one `v1=` per secret, current first.
    public static func header(secrets: [String], timestamp: Int64, body: [UInt8]) -> String {
        secrets.map { signature(secret: $0, timestamp: timestamp, body: body) }.joined(separator: ",")
    }

    /// Whether `header` holds a valid signature of `body` at `timestamp` under `secret` (what a
    /// receiver does; used by the tests). Constant time per candidate.
    public static func verify(header: String, secret: String, timestamp: Int64, body: [UInt8]) -> Bool {
        let expected = Array(signature(secret: secret, timestamp: timestamp, body: body).utf8)
        var found = false
        for part in header.split(separator: ",") {
            let candidate = Array(part.trimmingCharacters(in: .whitespaces).utf8)
            guard candidate.count == expected.count else { continue }
            var diff: UInt8 = 0
            for i in 0..<candidate.count { diff |= candidate[i] ^ expected[i] }
            if diff == 0 { found = true }
        }
        return found
    }
}
