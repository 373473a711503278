import Hub
import PackCore

/// Any bytes as a CSV order file for `packstation-hub import orders.csv`.
///
/// An import is all or nothing: either every order is returned, each as JSON text the hub
/// stores and that decodes back to the same order, with no order id twice, or the file is
/// refused as a 400 `bad_file` that names it.
func fuzzCSVImport(_ bytes: UnsafeBufferPointer<UInt8>) {
    let bytes = Array(bytes)
    do {
        let orders = try OrderImport.parse(bytes, name: "orders.csv")
        var ids = Set<String>()
        for (order, json) in orders {
            precondition(ids.insert(order.id).inserted, "order \(order.id) imported twice from one file")
            guard let again = try? Order.decode(from: Array(json.utf8)), again == order else {
                fatalError("the stored JSON of order \(order.id) does not decode back to it: \(json)")
            }
        }
    } catch {
        precondition(error.status == 400 && error.code == "bad_file", "a CSV refused with \(error.status) \(error.code)")
        precondition(error.message.hasPrefix("orders.csv"), "the error does not name the file: \(error.message)")
        precondition(error.problems.count <= HubError.maximumProblems, "an answer lists \(error.problems.count) problems")
    }
}
