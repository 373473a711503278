import Foundation
import Hummingbird
import NIOCore
import PackCore

/// The lifecycle's endpoints: carriers' and order systems' tracking updates, and an order's
/// history for admins (docs/lifecycle.md).
extension HubAPI {
    /// `POST /v1/tracking` (integration or admin token): a batch of up to 10,000 updates, each
    /// applied to its packages and their orders; the answer counts them and has one item per update.
    func tracking(_ context: HubRequestContext) async throws -> Response {
        guard let integration = context.integration else {
            throw HubError(401, "missing_token", "Send an integration token (`packstation-hub integration add NAME`) as 'Authorization: Bearer TOKEN'.")
        }
        let batch = try TrackingBatch(bytes: context.body)
        let outcomes = try await store.applyTracking(batch, integration: integration.name)
        var counts: [String: Int] = [:]
        for o in outcomes { counts[o.status.rawValue, default: 0] += 1 }
        let names = ["applied", "unchanged", "stale", "unknown_tracking", "refused"]
        return Self.json(.object(names.map { ($0, .int(counts[$0] ?? 0)) } + [("items", .array(outcomes.map(\.json)))]))
    }

    /// `GET /v1/admin/orders/{id}/history` (admin): the order, its states, packages, results and events.
    func orderHistory(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id"), !id.isEmpty else {
            throw HubError(400, "missing_parameter", "Give the order's id in the path: /v1/admin/orders/ID/history.")
        }
        let limit = try Self.limit(request, default: 1000, maximum: HubStore.maximumHistoryLimit)
        return Self.json(try await store.orderHistory(id, limit: limit))
    }
}

/// Authenticates `POST /v1/tracking`: an integration token, or the hub's admin token when it has
/// one. Station tokens are refused (403) and so is everything else (401).
struct IntegrationAuthentication: RouterMiddleware {
    let store: HubStore
    let adminToken: String?

    func handle(_ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            throw HubError(401, "missing_token", "Tracking updates need an integration token (`packstation-hub integration add NAME`) or the hub's admin token, as 'Authorization: Bearer TOKEN'.")
        }
        var context = context
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        if adminToken != nil, (try? AdminAuthentication(token: adminToken).check(header)) != nil {
            context.integration = HubStore.Integration(name: "admin")
        } else {
            context.integration = try await store.authenticateIntegration(token: token)
        }
        return try await next(request, context)
    }
}
