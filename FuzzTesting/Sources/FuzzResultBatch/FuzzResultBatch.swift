import Hub
import PackCore

/// Any bytes as a `POST /v1/results` body.
///
/// A batch is accepted whole, with 1 to `maximumItems` items whose keys are distinct and whose
/// stored bodies are JSON objects, or refused with a 400 or 422 that the station can read.
func fuzzResultBatch(_ bytes: UnsafeBufferPointer<UInt8>) {
    do {
        let batch = try ResultBatch(bytes: bytes)
        precondition((1...ResultBatch.maximumItems).contains(batch.items.count), "a batch of \(batch.items.count) items was accepted")
        var keys = Set<String>()
        for item in batch.items {
            precondition(keys.insert(item.key).inserted, "key \(item.key) accepted twice in one batch")
            precondition(item.type == "pack_result" || item.type == "event", "an item of type \(item.type) was accepted")
            guard case .object? = try? JSONParser.parse(item.body) else {
                fatalError("the stored body of item \(item.key) is not a JSON object: \(item.body)")
            }
            if item.type == "pack_result" {
                precondition(item.outcome != nil && item.orderID != nil, "a pack result without outcome or order was accepted")
            }
        }
    } catch {
        precondition([400, 422].contains(error.status), "a batch refused with status \(error.status) (\(error.code))")
        precondition(!error.code.isEmpty && !error.message.isEmpty, "an error without a code or message")
        precondition(error.problems.count <= HubError.maximumProblems, "an answer lists \(error.problems.count) problems")
        _ = error.json.jsonText  // what the station receives
    }
}
