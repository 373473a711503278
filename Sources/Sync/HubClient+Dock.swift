import Foundation
import PackCore

extension HubClient {
    /// The hub's open packages (`GET /v1/loads/packages`) and its day. An entry without a code,
    /// order, number, carrier or service makes the whole answer malformed (a half list would
    /// call real packages unknown).
    public func dockPackages(timeout: Duration? = nil) async throws(SyncError) -> (day: String, packages: [Journal.FetchedPackage]) {
        let answer = try await send(.GET, "/v1/loads/packages", timeout: timeout)
        guard case .string(let day)? = answer["day"], case .array(let items)? = answer["packages"] else { throw malformedDock() }
        var list: [Journal.FetchedPackage] = []
        list.reserveCapacity(items.count)
        for item in items {
            guard case .string(let code)? = item["code"], case .string(let order)? = item["order_id"], let number = item["number"]?.wholeNumber,
                  case .string(let carrier)? = item["carrier"], case .string(let service)? = item["service"] else { throw malformedDock() }
            var into: String?
            if case .string(let c)? = item["loaded_into"] { into = c }
            list.append(Journal.FetchedPackage(
                package: DockPackage(code: code, orderID: order, number: number, carrier: carrier, service: service, weightGrams: item["weight_g"]?.wholeNumber),
                loadedInto: into))
        }
        return (day, list)
    }

    private func malformedDock() -> SyncError {
        SyncError(code: "sync.bad_answer", message: "The server's answer to /v1/loads/packages is not what the API describes (a day and a list of {code, order_id, number, carrier, service}); check that \(configuration.serverURL) is a packstation server.", kind: .transient)
    }
}
