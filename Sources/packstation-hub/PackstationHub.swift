import ArgumentParser
import Foundation
import HTTPGuard
import HTTPMetrics
import Hub
import LabelGraphics
import Logging

/// `packstation-hub`: the reference central server (serve, import orders, add stations, label runs).
@main
struct PackstationHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "packstation-hub",
        abstract: "The reference central server for packstation agents (API: docs/api/openapi.yaml).",
        discussion: "The database is one SQLite file: --db, or PACKSTATION_HUB_DB, default ./packstation-hub.sqlite. Exit codes: 0 ok, 1 failure, 2 usage.",
        subcommands: [Serve.self, Import.self, Queue.self, Packers.self, PackerCommand.self, StationCommand.self, LabelRunCommand.self, RulesCommand.self, IntegrationCommand.self, OrderCommand.self,
                      LoadsCommand.self, NoticesCommand.self, CloseoutCommand.self, WebhookCommand.self],
        defaultSubcommand: Serve.self
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand { try await async.run() } else { try command.run() }
        } catch let error as HubError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            for p in error.problems { FileHandle.standardError.write(Data("  \(p.path): \(p.message)\n".utf8)) }
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success { print(message); Foundation.exit(0) }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// The database option shared by every subcommand.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The hub's SQLite file (default: $PACKSTATION_HUB_DB or ./packstation-hub.sqlite).", valueName: "FILE"))
    var db: String?

    func open() throws -> HubStore {
        try HubStore(path: db ?? ProcessInfo.processInfo.environment["PACKSTATION_HUB_DB"] ?? "packstation-hub.sqlite")
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the API and the web page until SIGTERM.")
    @OptionGroup var database: DatabaseOption
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(name: .customLong("max-body"), help: "Largest results batch in bytes (POST /v1/results).") var maxBody = 8 << 20
    @Option(name: .customLong("record"), help: ArgumentHelp("Append every exchange to FILE as JSON lines (for conformance tests).", valueName: "FILE"))
    var record: String?
    @Option(name: .customLong("admin-token-file"), help: ArgumentHelp("A file holding the token the read API (/v1/admin/*) and the web page require (or PACKSTATION_HUB_ADMIN_TOKEN). Required when --host is not a loopback address.", valueName: "FILE"))
    var adminTokenFile: String?
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key.", valueName: "FILE"))
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "FILE"))
    var tlsKey: String?
    @Option(name: .customLong("allowed-host"), help: ArgumentHelp("Without an admin token only requests for loopback names (localhost, 127.0.0.1, [::1]) on the hub's port are answered (DNS rebinding); add a name the hub is reached by. Repeatable.", valueName: "NAME"))
    var allowedHosts: [String] = []
    @Option(name: .customLong("head-timeout"), help: "Seconds from a request's first byte to the end of its headers.") var headTimeout = 10.0
    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may stay silent between requests (and a body may stall).") var idleTimeout = 15.0
    @Option(name: .customLong("rules"), help: ArgumentHelp("Automation rules (docs/rules.md), applied at every import; reloaded on SIGHUP and when the file changes (a bad file is refused, the rules in force stay). Without it, no rules are in force.", valueName: "FILE"))
    var rules: String?
    @OptionGroup(title: "Customer e-mail notices (docs/notices.md)") var notices: NoticeOptions
    @Option(name: .customLong("max-connections"), help: "Connections held open at once (kept 64 under the open-file limit); past it the longest-idle connection is closed.") var maxConnections = 4096
    @Option(help: "The language of the supervisor's page: en or es.") var language: PageLanguage = .en
    @Option(name: .customLong("page-streams"), help: "Live pages (event streams) served at once; beyond, 503 until one closes.") var pageStreams = 64
    @OptionGroup(title: "Webhooks") var webhooks: WebhookOptions

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together: give both, or neither for plain HTTP.") }
        guard headTimeout > 0, headTimeout <= 300, idleTimeout > 0, idleTimeout <= 3600 else {
            throw ValidationError("--head-timeout must be in (0, 300] and --idle-timeout in (0, 3600] seconds.")
        }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1.") }
        guard (1...4096).contains(pageStreams) else { throw ValidationError("--page-streams must be from 1 to 4096, not \(pageStreams).") }
    }

    func run() async throws {
        var adminToken = ProcessInfo.processInfo.environment["PACKSTATION_HUB_ADMIN_TOKEN"]
        if let adminTokenFile {
            guard let text = try? String(contentsOfFile: adminTokenFile, encoding: .utf8) else {
                throw ValidationError("--admin-token-file \(adminTokenFile) does not exist or cannot be read.")
            }
            adminToken = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let token = adminToken, token.count < 16 {
            throw ValidationError("The admin token is \(token.isEmpty ? "empty" : "too short"); use at least 16 random characters, e.g. `openssl rand -hex 24`.")
        }
        if !isLoopback(host: host) && adminToken == nil {
            throw ValidationError("--host \(host) would open the read API and the web page (every order and result) to the network; give them a token with --admin-token-file FILE or PACKSTATION_HUB_ADMIN_TOKEN.")
        }
        let store = try database.open()
        HTTPMetrics.bootstrap()
        var logger = Logger(label: "packstation-hub")
        logger.logLevel = .warning
        var api = HubAPI(store: store, maximumBodyBytes: maxBody, adminToken: adminToken)
        api.allowedHosts = allowedHosts
        api.manifestRenderer = { try ManifestPDF.render($0) }
        api.pageFeed = PageFeed(store: store, language: language, maximumStreams: pageStreams)
        var server = HubServer(api: api, host: host, port: port, recordFile: record)
        server.guardConfiguration = HTTPGuardConfiguration(
            headTimeout: .milliseconds(Int64(headTimeout * 1000)), idleTimeout: .milliseconds(Int64(idleTimeout * 1000)), maximumConnections: maxConnections)
        try await RulesCommand.serve(rules: rules, store: store, logger: logger, services: &server.services)
        if let tlsCert, let tlsKey { server.tls = try HubServer.tlsConfiguration(certificateFile: tlsCert, keyFile: tlsKey) }
        if let worker = try notices.makeWorker(store: store, logger: logger) { server.services.append(worker) }
        server.services.append(WebhookWorker(store: store, configuration: webhooks.configuration, logger: logger))
        let scheme = server.tls == nil ? "http" : "https"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        try await server.run(logger: logger) { port in
            FileHandle.standardOutput.write(Data("packstation-hub listening on \(scheme)://\(shownHost):\(port) (database \(store.path))\n".utf8))
        }
    }
}

extension PageLanguage: ExpressibleByArgument {}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import orders from JSON lines (or a JSON array) or CSV; all or nothing.",
        discussion: "CSV columns: \(OrderImport.csvColumns.joined(separator: ",")); one row per order line; barcodes separated by ';'.")
    @OptionGroup var database: DatabaseOption
    @Argument(help: "The file (.jsonl, .json or .csv; '-' reads JSON lines from standard input).") var file: String
    @Option(help: "Queue the orders for this station only.") var station: String?

    func run() throws {
        let bytes: [UInt8]
        if file == "-" { bytes = Array(FileHandle.standardInput.readDataToEndOfFile()) } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw HubError(400, "missing_file", "Cannot read \(file); check the path.")
            }
            bytes = Array(data)
        }
        let orders = try OrderImport.parse(bytes, name: file)
        let report = try database.open().importOrders(orders, station: station)
        print("imported \(report.added) new order(s), replaced \(report.replaced)")
    }
}

struct Queue: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the orders waiting to be packed, most urgent first (the order stations are served).",
        discussion: "same_day, then express, then standard; within each the oldest ship_by first (none last), then import time. Columns: order, priority, ship_by, station (any: for every station), imported.")
    @OptionGroup var database: DatabaseOption
    @Option(help: "Only what this station is served: its own orders and those for any station.") var station: String?
    @Option(help: "At most this many orders.") var limit = 100

    func run() throws {
        for q in try database.open().listQueue(station: station, limit: limit) {
            let fields = [q["id"], q["priority"], q["ship_by"], q["station"], q["imported_at"]].map { v -> String in
                if case .string(let s)? = v { return s }
                return "-"
            }
            print(fields.enumerated().map { $0.offset == 3 && $0.element == "-" ? "any" : $0.element }.joined(separator: "\t"))
        }
    }
}

struct Packers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pack results per packer: results, packed whole, mean and longest pack time in seconds.",
        discussion: "Columns: packer (- when nobody was signed in), results, packed, mean_s, max_s; most results first, then the packers listed with `packer add` who have none.")
    @OptionGroup var database: DatabaseOption

    func run() throws {
        for p in try database.open().packerRows() {
            let fields = [p["packer"], p["results"], p["packed"], p["mean_pack_seconds"], p["max_pack_seconds"]].map { v -> String in
                switch v {
                case .string(let s)?: s
                case .number(let n)?: n
                default: "-"
                }
            }
            print(fields.joined(separator: "\t"))
        }
    }
}

/// `packstation-hub packer add|list|remove`: the hub's list of packers, whose badges sign them in at any bench.
struct PackerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "packer", abstract: "Manage the hub's list of packers (badges known at every bench).",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a packer with their badge barcode; stations sign them in with it from their next sync.")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The packer's name, as results record it.") var name: String
        @Option(help: "The barcode on the packer's badge.") var badge: String

        func run() throws {
            try database.open().addPacker(name: name, badge: badge)
            print("packer \(name) added with badge \(badge)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The listed packers: name and badge, by name.")
        @OptionGroup var database: DatabaseOption

        func run() throws {
            for p in try database.open().listPackers() { print("\(p.name)\t\(p.badge)") }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a packer from the list (their results stay); stations forget the badge at their next sync.")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The packer's name.") var name: String

        func run() throws {
            try database.open().removePacker(name: name)
            print("packer \(name) removed")
        }
    }
}

struct StationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "station", abstract: "Manage stations.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a station and print its bearer token (shown once).")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The station's name, e.g. bench-1.") var name: String

        func run() throws {
            print(try database.open().addStation(name: name))
        }
    }
}
