import Foundation
import Hummingbird
import NIOCore
import PackCore

/// The dock's endpoints (docs/dock.md): the packages a station's load mode checks scans
/// against, and a carrier's day (loaded, missing, extra) for admins.
extension HubAPI {
    /// Station routes: `GET /v1/loads/packages`.
    func addDockStationRoutes(_ station: RouterGroup<HubRequestContext>) {
        station.get("loads/packages") { _, context in
            _ = try context.requireStation()
            return Self.json(try await store.dockPackages())
        }
    }

    /// Admin routes: `GET /v1/admin/loads?carrier=C&date=D`.
    func addDockAdminRoutes(_ admin: RouterGroup<HubRequestContext>) {
        admin.get("loads") { request, _ in
            let carrier = request.uri.queryParameters["carrier"].map(String.init)
            let day = try DockDay.parse(request.uri.queryParameters["date"].map(String.init))
            return Self.json(try await store.loadReport(carrier: try HubStore.checkCarrier(carrier), day: day).json)
        }
    }
}
