import Foundation
import Sync

// The hub's list of packers at the bench: read from the journal at start (badges sign in while
// the hub is down), fetched from the hub at start and with every heartbeat, kept in the journal.
extension StationAgent {
    /// Gives every bench the list as the journal last kept it. With none kept yet (a first
    /// start), it is fetched before the first scan, so a listed badge signs in from the start;
    /// later starts do not wait for the hub (the status loop fetches it at once).
    func loadHubPackers() async {
        let badges: [String: String]
        do { badges = try journal.hubPackers() } catch {
            logger.error("the hub's packer list was not read from the journal; only configured badges sign in", metadata: ["error": "\(error.message)"])
            return
        }
        if badges.isEmpty, client != nil {
            await refreshHubPackers()
            return
        }
        for bench in benches { await bench.setHubPackers(badges) }
    }

    /// Fetches the hub's list, keeps it and gives it to the benches. When the hub does not
    /// answer, the list from the last fetch stays in use.
    func refreshHubPackers() async {
        guard let client else { return }
        do {
            let list = try await client.packers()
            try journal.replaceHubPackers(list)
            let badges = Dictionary(list.map { ($0.badge, $0.name) }, uniquingKeysWith: { a, _ in a })
            for bench in benches { await bench.setHubPackers(badges) }
            logger.debug("hub packer list fetched", metadata: ["packers": "\(list.count)"])
        } catch {
            logger.notice("the hub's packer list was not fetched; badges from the last fetch still sign in", metadata: ["error": "\(error.message)"])
        }
    }
}
