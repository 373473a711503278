import Hub
import PackCore

/// Any bytes as a `POST /v1/results` body.
///
/// A batch is accepted whole, with 1 to `maximumItems` items whose stored bodies are JSON objects
/// and whose digests tell a retry from a reused key (a key may come twice in one batch: the second
/// is a duplicate when the item is the same, so the same item must give the same digest), or
/// refused with a 400, 409 `order_mismatch` or 422 that the station can read.
func fuzzResultBatch(_ bytes: UnsafeBufferPointer<UInt8>) {
    do {
        let batch = try ResultBatch(bytes: bytes)
        precondition((1...ResultBatch.maximumItems).contains(batch.items.count), "a batch of \(batch.items.count) items was accepted")
        var digests: [String: String] = [:]
        for item in batch.items {
            precondition(item.digest.count == 64 && item.digest.allSatisfy(\.isHexDigit), "item \(item.key) has digest \(item.digest)")
            let sent = "\(item.type)\u{0}\(item.orderID ?? "\u{1}")\u{0}\(item.body)"
            if let earlier = digests.updateValue(item.digest, forKey: sent) {
                precondition(earlier == item.digest, "the same item gives digests \(earlier) and \(item.digest), so a retry would be refused as key_reused")
            }
            precondition(item.type == "pack_result" || item.type == "event", "an item of type \(item.type) was accepted")
            guard case .object? = try? JSONParser.parse(item.body) else {
                fatalError("the stored body of item \(item.key) is not a JSON object: \(item.body)")
            }
            if item.type == "pack_result" {
                precondition(item.outcome != nil && item.orderID != nil, "a pack result without outcome or order was accepted")
            }
        }
    } catch {
        precondition([400, 422].contains(error.status) || (error.status, error.code) == (409, "order_mismatch"), "a batch refused with status \(error.status) (\(error.code))")
        precondition(!error.code.isEmpty && !error.message.isEmpty, "an error without a code or message")
        precondition(error.problems.count <= HubError.maximumProblems, "an answer lists \(error.problems.count) problems")
        _ = error.json.jsonText  // what the station receives
    }
}
