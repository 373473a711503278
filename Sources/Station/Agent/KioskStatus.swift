import Foundation
import Kiosk
import PackCore
import Sync

/// What the kiosk shows besides the benches: station, printer and sync state. Builds the
/// snapshot the page renders (docs/kiosk.md describes it).
actor KioskStatus {
    let station: String
    let sound: String
    /// `kiosk.language`: the page's own words, `en` or `es` (Kiosk's KioskWords).
    let language: String
    let printerName: String
    let syncConfigured: Bool
    /// Standing warnings for the packer and whoever looks at the screen (an insecure server address).
    let warnings: [String]
    private var benches: [Bench] = []
    private var printerReady: Bool?
    private var printerAdvice: [String] = []
    private var heartbeatOK: Bool?
    /// The label run from the hub that prints now (`run`), and the number of its last update.
    private var run: (view: JSONValue?, seq: Int) = (nil, 0)

    init(station: String, sound: String, language: String = "en", printerName: String, syncConfigured: Bool, warnings: [String] = []) {
        self.warnings = warnings
        self.language = language
        self.station = station
        self.sound = sound
        self.printerName = printerName
        self.syncConfigured = syncConfigured
    }

    func setBenches(_ benches: [Bench]) { self.benches = benches }

    func printer(ready: Bool, advice: [String]) {
        printerReady = ready
        printerAdvice = advice
    }

    func heartbeat(ok: Bool) { heartbeatOK = ok }

    /// Shows a hub label run (nil: none prints); an update older than the one shown is dropped.
    func setRun(_ view: JSONValue?, seq: Int) {
        if seq > run.seq { run = (view, seq) }
    }

    func scannerReports() async -> [DeviceReport] {
        var reports: [DeviceReport] = []
        for bench in benches {
            for id in await bench.attachedScanners { reports.append(DeviceReport(name: id, state: "ready", detail: bench.name)) }
        }
        return reports
    }

    func printerReports() -> [DeviceReport] {
        [DeviceReport(name: printerName, state: printerReady == false ? "not_ready" : "ready", detail: printerAdvice.isEmpty ? nil : printerAdvice.joined(separator: "; "))]
    }

    /// Builds the snapshot and publishes it.
    func publish(to feed: KioskFeed, journal: Journal) async {
        var benchViews: [JSONValue] = []
        var answered: [Date] = []   // when the scans this snapshot answers were read
        for bench in benches {
            let (view, scans) = await bench.viewForPublishing()
            benchViews.append(view)
            answered += scans
        }
        benchViews = await withNext(benchViews, benches: benches, journal: journal)
        let outbox = try? journal.status()
        let queued = (try? journal.pendingLabelCount()) ?? 0
        // Online: the last exchange with the server (a drain or the heartbeat) succeeded.
        var online = heartbeatOK ?? true
        if let outbox, let errorAt = outbox.lastErrorAt, errorAt > (outbox.lastSuccessAt ?? .distantPast) { online = false }
        if let outbox, outbox.lastError == nil, outbox.pending == 0, heartbeatOK != false { online = true }
        let iso = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
        let snapshot = JSONValue.object([
            ("station", .string(station)), ("sound", .string(sound)), ("language", .string(language)),
            ("printer", .object([
                ("name", .string(printerName)), ("ready", printerReady.map(JSONValue.bool) ?? .null),
                ("advice", .array(printerAdvice.map(JSONValue.string))), ("queued", .int(queued)),
            ])),
            ("sync", .object([
                ("configured", .bool(syncConfigured)), ("online", .bool(syncConfigured && online)),
                ("pending", .int(outbox?.pending ?? 0)),
                ("oldest_pending_at", .optional(outbox?.oldestPendingAt.map { $0.formatted(iso) })),
                ("last_error", .optional(outbox?.lastError)),
            ])),
            ("cache", Self.cacheView(journal)),
            ("warnings", .array(warnings.map(JSONValue.string))),
            ("run", run.view ?? .null),
            ("benches", .array(benchViews)),
        ])
        feed.publish(snapshot.jsonText, marks: answered)
    }

    /// The offline order cache: orders that can be packed from it and how old its last update is.
    static func cacheView(_ journal: Journal, now: Date = Date()) -> JSONValue {
        let summary = try? journal.cacheSummary()
        return .object([
            ("orders", .int(summary?.orders ?? 0)),
            ("age_seconds", summary?.updatedAt.map { .int(max(0, Int(now.timeIntervalSince($0)))) } ?? .null),
        ])
    }
}
