import ArgumentParser
import Foundation
import HTTPMetrics
import Logging
import Station

/// `packstation run`: the bench agent (what the systemd unit starts).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bench agent: scanners, pack sessions, labels and printing, sync, kiosk page.",
        discussion: """
            Reads the configuration (--config, PACKSTATION_CONFIG, /etc/packstation/station.toml or \
            ./station.toml; none: embedded defaults) — see docs/configuration.md. Stops gracefully on \
            SIGTERM or Ctrl+C. Logs go to stderr (journald under systemd).
            """
    )

    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "station.toml"))
    var config: String?

    @Option(name: .customLong("scans-from"), help: ArgumentHelp("Read scans as lines from FILE or - (stdin) instead of the scanners; '@BENCH data' picks a bench.", valueName: "FILE|-"))
    var scansFrom: String?

    @Option(name: .customLong("scan-interval"), help: ArgumentHelp("Milliseconds to wait before each line of --scans-from.", valueName: "MS"))
    var scanInterval = 0

    @Flag(name: .customLong("exit-when-done"), help: "With --scans-from: exit once every scan is handled, its labels printed and its results on the server.")
    var exitWhenDone = false

    @Option(name: .customLong("done-timeout"), help: ArgumentHelp("With --exit-when-done: seconds to wait for labels and sync before giving up (exit 1; nothing is lost).", valueName: "SECONDS"))
    var doneTimeout = 60

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Overrides station.data_dir.", valueName: "DIR"))
    var dataDir: String?

    @Option(name: .long, help: ArgumentHelp("Overrides station.orders_file.", valueName: "FILE"))
    var orders: String?

    @Option(name: .long, help: ArgumentHelp("Overrides printer.uri.", valueName: "URI"))
    var printer: String?

    @Option(name: .customLong("kiosk-listen"), help: ArgumentHelp("Overrides kiosk.listen.", valueName: "HOST:PORT"))
    var kioskListen: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        if exitWhenDone && scansFrom == nil { throw ValidationError("--exit-when-done needs --scans-from.") }
        guard scanInterval >= 0 else { throw ValidationError("--scan-interval must be 0 or more.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.") }
    }

    func run() async throws {
        MemoryPolicy.applyForLongRunningAgent()
        var env = ProcessInfo.processInfo.environment
        // Command-line overrides win over the file and the environment.
        if let dataDir { env["PACKSTATION_DATA_DIR"] = dataDir }
        if let orders { env["PACKSTATION_STATION_ORDERS_FILE"] = orders }
        if let printer { env["PACKSTATION_PRINTER_URI"] = printer }
        if let kioskListen { env["PACKSTATION_KIOSK_LISTEN"] = kioskListen }
        let configuration = try StationConfiguration.load(file: config, environment: env)
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "packstation")
        HTTPMetrics.bootstrap()   // the kiosk server's request metrics, on /metrics
        logger.notice("packstation starting", metadata: [
            "config": "\(configuration.file ?? "embedded defaults")", "data_dir": "\(configuration.dataDirectory)",
            "benches": "\(configuration.benches.map(\.name).joined(separator: ","))",
        ])
        var options = StationAgent.Options(scansFrom: scansFrom, scanInterval: .milliseconds(scanInterval), exitWhenDone: exitWhenDone)
        options.doneTimeout = .seconds(doneTimeout)
        let agent = try StationAgent(configuration: configuration, options: options, logger: logger)
        logger.notice("labels go to \(configuration.printerURI?.description ?? agent.defaultPrinter.description)")
        try await agent.run()
    }
}

/// `packstation config`: checks and shows the configuration.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the configuration file and show the effective settings.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate the configuration (file, environment, defaults); print every key with its value and origin. Secrets are never printed."
        )

        @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "station.toml"))
        var config: String?

        func run() throws {
            let configuration = try StationConfiguration.load(file: config)
            print("configuration: \(configuration.file ?? "none found; embedded defaults") — OK")
            for line in configuration.describe() { print("  " + line) }
        }
    }
}
