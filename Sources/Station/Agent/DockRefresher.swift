import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Sync
import Wakeups

/// Keeps the station's copy of the hub's open packages up to date (load mode checks scans
/// against it, offline too), off the scan path: a bench asks for a fetch when it starts
/// loading and when a scan is not in the list (a package packed and labelled since the last
/// fetch); while a bench loads, the list is also fetched every `interval`. Bounded: one fetch
/// at a time, each with a short timeout, and asked-for fetches at least `minimumGap` apart, so
/// a run of unknown scans or a hub that is down costs the hub one request per gap; a failed
/// fetch while a bench loads is tried again after the gap, doubling up to `interval`. After each
/// fetch the benches look again at the scans it may have answered (Bench+Load.swift).
final class DockRefresher: Service, Sendable {
    let client: HubClient
    let journal: Journal
    let logger: Logger
    let benches: BenchDirectory
    let timeout: Duration
    let interval: Duration
    let minimumGap: Duration
    private let wakeup = Wakeup()
    private let requested = Mutex(false)

    init(client: HubClient, journal: Journal, logger: Logger, benches: BenchDirectory,
         timeout: Duration = .seconds(2), interval: Duration = .seconds(60), minimumGap: Duration = .seconds(2)) {
        self.client = client
        self.journal = journal
        self.logger = logger
        self.benches = benches
        self.timeout = timeout
        self.interval = interval
        self.minimumGap = minimumGap
    }

    /// Asks for a fetch soon; returns at once (many asks before it runs make one fetch).
    func request() {
        requested.withLock { $0 = true }
        wakeup.signal()
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var last: ContinuousClock.Instant?
            // The period: `interval`, or after a failed fetch a retry sooner (the gap, doubled
            // after each failure up to `interval`), so a list the hub did not give in time at
            // CMD:LOAD does not wait a whole period.
            var period = self.interval
            while !Task.isCancelled {
                let loading = await self.anyBenchLoading()
                let asked = self.requested.withLock { r in defer { r = false }; return r }
                let now = ContinuousClock.now
                let periodic = loading && (last.map { now - $0 >= period } ?? true)
                if asked || periodic {
                    if let last, now - last < self.minimumGap {
                        try? await Task.sleep(for: self.minimumGap - (now - last))
                        if Task.isCancelled { return }
                    }
                    last = ContinuousClock.now
                    let started = Date()
                    let fetched = await self.refresh()
                    period = fetched ? self.interval : min(self.interval, period == self.interval ? self.minimumGap : period * 2)
                    for bench in self.benches.all() { await bench.dockListFetched(startedAt: started) }
                    continue
                }
                // Idle (no bench loading): no timer at all, only an ask wakes it.
                await self.wakeup.wait(upTo: loading ? period - (now - (last ?? now)) : nil)
            }
        }
    }

    private func anyBenchLoading() async -> Bool {
        for bench in benches.all() {
            if await bench.isLoadingTrailer { return true }
        }
        return false
    }

    /// Fetches and stores the list; a failure leaves the cached list as it was (logged). Whether
    /// the list was stored.
    @discardableResult
    func refresh() async -> Bool {
        let started = ContinuousClock.now
        do {
            let (day, packages) = try await client.dockPackages(timeout: timeout)
            try await journal.writer.replaceDockPackages(packages, day: day)
            logger.info("dock package list up to date", metadata: ["dock.packages": "\(packages.count)", "duration_s": "\((ContinuousClock.now - started).seconds)"])
            return true
        } catch {
            logger.warning("dock package list not fetched; loading goes on from the cached list", metadata: ["sync.error": "\(error.message)"])
            return false
        }
    }

    /// The benches' view of it.
    func context(station: String) -> DockContext {
        DockContext(station: station, request: { [weak self] in self?.request() })
    }
}
