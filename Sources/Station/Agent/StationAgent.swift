import Foundation
import Kiosk
import Labels
import Logging
import PackCore
import Printing
import ScannerInput
import ServiceLifecycle
import Sync
import Synchronization

/// `packstation run`: the bench agent. One process, one service group: the kiosk server, sync,
/// label printing and scan intake. SIGTERM stops scanning first, then printing, then flushes
/// sync, and stops the kiosk last (services stop in reverse order).
public final class StationAgent: Sendable {
    /// Options that come from the command line rather than the configuration file.
    public struct Options: Sendable {
        /// Scans as lines from a file or "-" instead of the evdev scanners.
        public var scansFrom: String?
        /// Pause before each replayed line.
        public var scanInterval: Duration = .zero
        /// Exit once the replayed scans are handled, their labels printed and results synced.
        public var exitWhenDone = false
        /// How long `exitWhenDone` waits for labels and sync.
        public var doneTimeout: Duration = .seconds(60)
        /// How often sync state is refreshed for the kiosk while a server is configured.
        public var statusInterval: Duration = .seconds(5)
        /// Called with the kiosk's port once it listens.
        public var onKioskRunning: @Sendable (Int) async -> Void = { _ in }

        public init(scansFrom: String? = nil, scanInterval: Duration = .zero, exitWhenDone: Bool = false) {
            self.scansFrom = scansFrom
            self.scanInterval = scanInterval
            self.exitWhenDone = exitWhenDone
        }
    }

    let configuration: StationConfiguration
    let options: Options
    let logger: Logger
    let journal: Journal
    let benches: [Bench]
    let metrics: AgentMetrics
    let feed: KioskFeed
    let status: KioskStatus
    let labelPrinting: LabelPrinting
    let sync: SyncService?
    let client: HubClient?
    let lookup: OrderLookup?
    /// Label runs from the hub (with a server only).
    let hubRuns: HubRuns?
    let notifier = SystemdNotifier()
    let timers: BenchTimers
    /// Keeps the dock's package list fresh while a bench loads (nil without a server).
    let dockRefresher: DockRefresher?
    /// The printer labels go to when nothing is configured.
    public let defaultPrinter: PrinterURI
    /// Entries the server had refused before this run (`exitWhenDone` reports new ones).
    let rejectedAtStart: Int

    /// Builds the agent from a checked configuration; fails with what to fix.
    public init(configuration: StationConfiguration, options: Options = Options(), logger: Logger) throws(StationError) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        let agentMetrics = AgentMetrics()
        metrics = agentMetrics
        feed = KioskFeed(onShown: { scans in agentMetrics.shown(scans) })
        do { journal = try Journal(directory: configuration.dataDirectory) } catch { throw StationError(code: error.code, message: error.message) }
        rejectedAtStart = (try? journal.status().rejected) ?? 0

        var catalog: OrderCatalog?
        if let file = configuration.ordersFile {
            let orders = try OrderFile.orders(bytes: try readInput(file, what: "orders file"), name: file)
            do { catalog = try OrderCatalog(orders) } catch {
                throw StationError(code: "orders.conflict", message: "\(file): the orders cannot be packed together: \(error).")
            }
        }
        if let env = configuration.serverEnvironment {
            do {
                let c = try HubClient(configuration: try SyncConfiguration.fromEnvironment(env))
                client = c
                lookup = OrderLookup(journal: journal, client: c)
                sync = SyncService(journal: journal, client: c, logger: logger)
            } catch { throw StationError(code: error.code, message: error.message) }
        } else {
            client = nil
            lookup = nil
            sync = nil
        }

        // Labels: the configured printer, else the first one found, else one PDF file per label
        // in the data directory.
        let found = configuration.printerURI == nil ? Self.firstPrinter(logger: logger) : nil
        let labelDirectory = URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("labels").path + "/"
        defaultPrinter = configuration.printerURI ?? found?.uri ?? .file(path: labelDirectory)
        let format: LabelMaker.Format = configuration.printerFormat.map { $0 == .pdf ? .pdf : .zpl }
            ?? found?.format ?? (configuration.printerURI == nil ? .pdf : .zpl)
        let labels = LabelMaker(
            template: try LabelMaker.template(named: configuration.printerTemplate),
            packingSlip: configuration.packingSlip ? try LabelMaker.template(named: "packing-slip") : nil,
            density: PrinterDensity(dpi: configuration.printerDPI) ?? .dpi203, format: format, zplPolicy: configuration.zplPolicy)
        var slots: [String: LabelPrinting.PrinterSlot] = [:]
        func slot(_ uri: PrinterURI, name: String) throws(StationError) -> LabelPrinting.PrinterSlot {
            if case .file(let path) = uri, path.hasSuffix("/") {
                do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                    throw StationError(code: "printer.file", message: "Cannot create the label directory \(path): \(error.localizedDescription).")
                }
            }
            do { return LabelPrinting.PrinterSlot(printer: try openPrinter(uri, name: name), uri: uri) } catch {
                throw StationError(code: error.code, message: error.message)
            }
        }
        slots[""] = try slot(defaultPrinter, name: configuration.printerName)
        for bench in configuration.benches {
            if let uri = bench.printer { slots[bench.name] = try slot(uri, name: "\(bench.name) printer") }
        }

        var warnings: [String] = []
        if let warning = configuration.insecureServerWarning {
            // Loud on purpose: the token and the results travel in clear text. The kiosk shows it too.
            logger.warning("INSECURE SERVER URL: results and the token are sent unencrypted", metadata: ["server.url": "\(configuration.serverEnvironment?["PACKSTATION_SERVER_URL"] ?? "")", "problem": "\(warning)"])
            warnings.append("Insecure server address: results travel unencrypted. Use https:// or set server.allow_insecure (see packstation doctor).")
        }
        let status = KioskStatus(station: configuration.stationName, sound: configuration.kioskSound.onPage ? "page" : "off", language: configuration.kioskLanguage, printerName: configuration.printerName, syncConfigured: client != nil, warnings: warnings)
        self.status = status
        let feed = self.feed
        let metrics = self.metrics
        let journal = self.journal
        var session = PackSession.Configuration(station: configuration.stationName, highValueThreshold: configuration.highValueThreshold, supervisorBadges: Set(configuration.supervisorBadges))
        session.reprintRequiresSupervisor = configuration.reprintRequiresSupervisor
        session.supervisorWait = TimeInterval(configuration.supervisorWaitSeconds)
        session.packerBadges = configuration.packerBadges
        session.packerBadgePrefix = configuration.packerBadgePrefix
        session.requirePacker = configuration.requirePacker
        session.packerIdleTimeout = configuration.packerIdleMinutes == 0 ? nil : TimeInterval(configuration.packerIdleMinutes * 60)
        let finder = OrderFinder(local: catalog, lookup: lookup, journal: journal)
        let publish: @Sendable () -> Void = { Task { await status.publish(to: feed, journal: journal) } }
        let directory = BenchDirectory()
        let timers = BenchTimers(benches: directory)
        self.timers = timers
        let changed: @Sendable () -> Void = { publish(); timers.wake() }
        let labelPrinting = LabelPrinting(
            journal: journal, printers: slots, metrics: metrics, logger: logger,
            report: { bench, id, state, message in await directory.bench(bench)?.labelChanged(jobID: id, state: state, message: message) },
            printerState: { name, ready, advice in await status.printer(ready: ready, advice: advice); publish() })
        self.labelPrinting = labelPrinting
        if let client {
            hubRuns = try HubRuns.make(configuration: configuration, client: client, slots: slots, interval: options.statusInterval, logger: logger) { run, seq in
                Task { await status.setRun(run, seq: seq); publish() }
            }
        } else {
            hubRuns = nil
        }
        let speaker = configuration.kioskSound.onSpeaker
            ? Speaker(directory: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("sounds").path, device: configuration.soundDevice, logger: logger)
            : nil
        var benches: [Bench] = []
        let refresher = client.map { DockRefresher(client: $0, journal: journal, logger: logger, benches: directory, interval: .seconds(Int64(configuration.dockRefreshSeconds))) }
        dockRefresher = refresher
        let dock = refresher?.context(station: configuration.stationName)
        for b in configuration.benches {
            benches.append(Bench(name: b.name, scanners: b.scanners, configuration: session, orders: finder, journal: journal, labels: labels,
                                 metrics: metrics, logger: logger, speaker: speaker, dock: dock, labelsQueued: { labelPrinting.labelsQueued() }, changed: changed))
        }
        self.benches = benches
        directory.set(benches)
        Task { await status.setBenches(benches) }
    }

    /// The printer labels go to when none is configured: a raw CUPS queue (the default one
    /// first), then a USB printer that speaks ZPL, then the default CUPS queue as PDF.
    static func firstPrinter(logger: Logger) -> (uri: PrinterURI, format: LabelMaker.Format)? {
        let queues = ((try? CupsDestination.all()) ?? []).filter { $0.status.isAcceptingJobs }
        if let raw = queues.filter(\.isRaw).sorted(by: { $0.isDefault && !$1.isDefault }).first {
            logger.notice("no printer.uri: using the raw CUPS queue \(raw.name) for ZPL labels")
            return (raw.uri, .zpl)
        }
        if let usb = ((try? listUSBPrinters()) ?? []).first(where: { $0.speaksZPL && $0.problem == nil }) {
            logger.notice("no printer.uri: using the USB ZPL printer \(usb.vendorProduct)")
            return (usb.uri, .zpl)
        }
        if let queue = queues.first(where: \.isDefault) ?? queues.first {
            logger.notice("no printer.uri: using the CUPS queue \(queue.name) for PDF labels")
            return (queue.uri, .pdf)
        }
        return nil
    }

    /// Runs until SIGTERM/SIGINT (or, with `exitWhenDone`, until the replayed scans are done).
    public func run() async throws(StationError) {
        await loadHubPackers()
        for (bench, b) in zip(benches, configuration.benches) { _ = await bench.recover(loadByDefault: b.loads) }
        await status.setBenches(benches)
        await status.publish(to: feed, journal: journal)

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if configuration.kioskEnabled {
            let journal = journal
            let metrics = metrics
            let notifier = notifier
            let onRunning = options.onKioskRunning
            let logger = logger
            let kiosk = KioskServer(
                host: configuration.kioskListen.host, port: configuration.kioskListen.port, feed: feed,
                preview: { id in try? journal.labelPreview(id: id) },
                metrics: {
                    let s = try? journal.status()
                    let queued = (try? journal.pendingLabelCount()) ?? 0
                    return metrics.text(outboxDepth: s?.pending ?? 0, outboxOldestAge: s?.oldestPendingAt.map { Date().timeIntervalSince($0) }, labelsQueued: queued)
                },
                token: configuration.kioskToken, allowedHosts: configuration.kioskAllowedHosts,
                limits: .init(headTimeout: .seconds(Int64(configuration.kioskLimits.headTimeout)), idleTimeout: .seconds(Int64(configuration.kioskLimits.idleTimeout)),
                              maximumConnections: configuration.kioskLimits.maximumConnections),
                onRunning: { port in
                    logger.notice("kiosk listening", metadata: ["url": "http://\(self.configuration.kioskListen.host):\(port)/"])
                    notifier.notify("READY=1\nSTATUS=packing; kiosk on port \(port)")
                    await onRunning(port)
                })
            do { services.append(.init(service: try kiosk.service(logger: logger))) } catch {
                throw StationError(code: error.code, message: error.message)
            }
        }
        if let lookup {
            services.append(.init(service: OrderPrefetch(lookup: lookup, logger: logger) { [status, feed, journal] in await status.publish(to: feed, journal: journal) }))
        }
        if let sync { services.append(.init(service: sync)) }
        services.append(.init(service: labelPrinting))
        if let hubRuns { services.append(.init(service: hubRuns)) }
        if let dockRefresher { services.append(.init(service: dockRefresher)) }
        services.append(.init(service: StatusLoop(agent: self)))
        services.append(.init(service: timers))
        let intake = ScanIntake(agent: self)
        services.append(.init(service: intake, successTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        if !configuration.kioskEnabled { notifier.notify("READY=1") }
        do { try await group.run() } catch {
            throw StationError(code: "agent.failed", message: "The agent stopped: \(error)")
        }
        notifier.notify("STOPPING=1")
        if let sync {
            // A last drain so results of the final minutes are not left waiting for the next start.
            let report = await sync.drain()
            if let failure = report.failure { logger.warning("results left in the outbox at shutdown", metadata: ["error": "\(failure.message)"]) }
            await client?.shutdown()
        }
        if let failure = intake.failure.withLock({ $0 }) { throw failure }
    }

    /// Which bench a scanner feeds.
    func bench(forScanner info: ScannerInfo) -> Bench? {
        let vidpid = String(format: "%04x:%04x", info.vendor, info.product)
        return benches.first { $0.scanners.contains { $0 == info.id || $0.lowercased() == vidpid || $0 == info.name } }
            ?? benches.first { $0.scanners.isEmpty }
    }

    func bench(forDevice device: String, attached: [String: Bench]) -> Bench? {
        if device.hasPrefix(LineScanSource.deviceID + "@") {
            let name = device.dropFirst(LineScanSource.deviceID.count + 1)
            return benches.first { $0.name == name }
        }
        if device == LineScanSource.deviceID { return benches.first }
        return attached[device]
    }

    func scanSource() throws(StationError) -> any ScanSource {
        if let path = options.scansFrom { return LineScanSource(path: path, interval: options.scanInterval) }
        let terminator = ScanFramer.Terminator(rawValue: configuration.scannerTerminator) ?? .enter
        let selection = try ScannerStation.selection(
            options: .init(layout: configuration.scannerLayout, terminator: terminator, timeoutMilliseconds: configuration.scannerTimeoutMilliseconds),
            scanners: configuration.scannerDevices, autodetect: configuration.scannerAutodetect)
        do { return try EvdevScanSource(configuration: .init(selection: selection)) } catch {
            throw StationError(code: error.code, message: error.message)
        }
    }

    /// Waits (up to the done timeout) until labels are printed and results synced; fails when
    /// the server refused entries meanwhile (they are kept aside, not on the server).
    func settle() async -> StationError? {
        let deadline = ContinuousClock.now.advanced(by: options.doneTimeout)
        while ContinuousClock.now < deadline {
            let labels = (try? journal.pendingLabels().count) ?? 0
            var pending = 0
            if let sync {
                let report = await sync.drain()
                pending = report.failure == nil ? 0 : ((try? journal.status().pending) ?? 0)
            }
            if labels == 0 && pending == 0 {
                let refused = ((try? journal.status().rejected) ?? 0) - rejectedAtStart
                guard refused <= 0 else {
                    return StationError(code: "agent.rejected", message: "The server refused \(refused) result(s) or event(s) of this run; they are kept aside, not sent again. `packstation sync status` shows each one and why.")
                }
                return nil
            }
            labelPrinting.labelsQueued()
            try? await Task.sleep(for: .milliseconds(200))
        }
        let labels = (try? journal.pendingLabels().count) ?? 0
        let pending = sync == nil ? 0 : (try? journal.status().pending) ?? 0
        var left: [String] = []
        if labels > 0 { left.append("\(labels) label(s) still queued") }
        if pending > 0 { left.append("\(pending) result(s) not yet on the server") }
        return StationError(code: "agent.not_done", message: "Stopped with \(left.joined(separator: " and ")); they are kept and go out at the next start.")
    }
}

/// The benches by name, for callbacks built before the benches exist.
final class BenchDirectory: Sendable {
    private let benches = Mutex<[String: Bench]>([:])
    func set(_ list: [Bench]) { benches.withLock { $0 = Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) }) } }
    func bench(_ name: String) -> Bench? { benches.withLock { $0[name] } }
    func all() -> [Bench] { benches.withLock { Array($0.values) } }
}

/// Reads the scan source and hands each scan to its bench; each bench handles its scans in
/// order on its own task, so one bench waiting for an order lookup never holds up another.
final class ScanIntake: Service, Sendable {
    let agent: StationAgent
    let failure = Mutex<StationError?>(nil)

    init(agent: StationAgent) { self.agent = agent }

    func run() async throws {
        let source: any ScanSource
        do { source = try agent.scanSource() } catch {
            failure.withLock { $0 = error }
            throw error
        }
        var streams: [String: AsyncStream<(String, Date)>.Continuation] = [:]
        await withTaskGroup(of: Void.self) { group in
            for bench in agent.benches {
                let (stream, continuation) = AsyncStream.makeStream(of: (String, Date).self)
                streams[bench.name] = continuation
                group.addTask {
                    for await (input, at) in stream { await bench.handle(input, at: at) }
                }
            }
            let routes = streams
            let inputEnded = (try? await cancelWhenGracefulShutdown { await self.route(source, to: routes) }) ?? false
            for c in streams.values { c.finish() }
            await group.waitForAll()
            if inputEnded && !agent.options.exitWhenDone {
                // A replayed session keeps the kiosk up until the agent is stopped.
                try? await gracefulShutdown()
            }
        }
        if agent.options.exitWhenDone, let problem = await agent.settle() {
            failure.withLock { $0 = problem }
        }
    }

    /// Hands each event to its bench; true when the replayed input ended.
    private func route(_ source: any ScanSource, to streams: [String: AsyncStream<(String, Date)>.Continuation]) async -> Bool {
        var attached: [String: Bench] = [:]
        var inputEnded = false
        for await event in source.events() {
            switch event {
            case .scan(let scan):
                guard let bench = agent.bench(forDevice: scan.device, attached: attached) else {
                    agent.logger.warning("scan from a scanner bound to no bench ignored", metadata: ["scanner": "\(scan.device)"])
                    continue
                }
                streams[bench.name]?.yield((scan.raw, Date(timeIntervalSince1970: Double(scan.ended.microseconds) / 1e6)))
            case .fault(let device, let fault, _):
                agent.logger.warning("scan fault", metadata: ["scanner": "\(device)", "fault": "\(fault.message)"])
                if let bench = agent.bench(forDevice: device, attached: attached) { await bench.fault(fault.message) }
            case .attached(let info):
                if let bench = agent.bench(forScanner: info) {
                    attached[info.id] = bench
                    await bench.scannerAttached(info.id == LineScanSource.deviceID ? info.name : info.id)
                    agent.logger.notice("scanner attached", metadata: ["scanner": "\(info.id)", "name": "\(info.name)", "bench": "\(bench.name)", "why": "\(info.reason)"])
                } else {
                    agent.logger.warning("scanner bound to no bench; its scans are ignored", metadata: ["scanner": "\(info.id)", "name": "\(info.name)"])
                }
            case .detached(let id, let reason):
                if id == LineScanSource.deviceID, reason == "end of input" { inputEnded = true }
                if let bench = attached.removeValue(forKey: id) { await bench.scannerDetached(id) }
                agent.logger.notice("scanner detached", metadata: ["scanner": "\(id)", "reason": "\(reason)"])
            }
        }
        return inputEnded
    }
}

/// Keeps the kiosk's sync and printer state fresh, sends the heartbeat, pings the systemd
/// watchdog. Wakes every few seconds only while a server is configured or a watchdog runs.
struct StatusLoop: Service {
    let agent: StationAgent

    func run() async throws {
        let interval = agent.options.statusInterval
        let watchdog = agent.notifier.watchdogInterval
        guard agent.sync != nil || watchdog != nil else {
            try? await gracefulShutdown()
            return
        }
        let tick = min(interval, watchdog ?? interval)
        await cancelWhenGracefulShutdown {
            var sinceHeartbeat = Duration.seconds(30)
            var warnedName = false
            while !Task.isCancelled {
                if watchdog != nil { agent.notifier.notify("WATCHDOG=1") }
                if let sync = agent.sync {
                    sinceHeartbeat += tick
                    if sinceHeartbeat >= .seconds(30) {
                        sinceHeartbeat = .zero
                        await agent.refreshHubPackers()
                        do {
                            let scanners = await agent.status.scannerReports()
                            let printers = await agent.status.printerReports()
                            let known = try await sync.sendHeartbeat(scanners: scanners, printers: printers, agentVersion: "0.1.0")
                            await agent.status.heartbeat(ok: true)
                            if let known, known != agent.configuration.stationName, !warnedName {
                                // The hub refuses every result that names another station: say so now, not per result.
                                warnedName = true
                                agent.logger.error("station.name is not the name the server knows this token by; the server will refuse every pack result. Set station.name (PACKSTATION_STATION_NAME) to the server's name, or use this station's own token.", metadata: ["station.name": "\(agent.configuration.stationName)", "server.station": "\(known)"])
                            }
                        } catch {
                            await agent.status.heartbeat(ok: false)
                        }
                    }
                    await agent.status.publish(to: agent.feed, journal: agent.journal)
                }
                try? await Task.sleep(for: tick)
            }
        }
    }
}
