import Foundation
import Logging
import Sync

/// Brings the station's copy of the hub's open packages up to date (load mode checks scans
/// against it, offline too): when a bench starts loading, with a short timeout so the loader
/// is not kept waiting by a hub that is down.
struct DockRefresher: Sendable {
    let client: HubClient
    let journal: Journal
    let logger: Logger
    var timeout: Duration = .seconds(2)

    /// Fetches and stores the list; a failure leaves the cached list as it was (logged).
    func refresh() async {
        let started = ContinuousClock.now
        do {
            let (day, packages) = try await client.dockPackages(timeout: timeout)
            try journal.replaceDockPackages(packages, day: day)
            logger.info("dock package list up to date", metadata: ["dock.packages": "\(packages.count)", "duration_s": "\((ContinuousClock.now - started).seconds)"])
        } catch {
            logger.warning("dock package list not fetched; loading goes on from the cached list", metadata: ["sync.error": "\(error.message)"])
        }
    }

    /// The benches' view of it.
    func context(station: String) -> DockContext {
        DockContext(station: station, refresh: { await self.refresh() })
    }
}
