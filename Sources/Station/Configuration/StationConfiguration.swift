import Foundation
import HTTPGuard
import Labels
import Printing

/// The station's configuration: `station.toml` (every key in ConfigurationKey.all), then
/// environment overrides, then defaults; checked as a whole, errors name the key.
public struct StationConfiguration: Sendable {
    public struct Bench: Sendable, Hashable {
        public var name: String
        /// Scanner ids or VID:PID bound to this bench; empty: every scanner no other bench claims.
        public var scanners: [String]
        /// The bench's own printer, when not the station's.
        public var printer: PrinterURI?
        /// `load`: the bench starts loading trailers at the dock (docs/dock.md); default `pack`.
        public var loads = false
    }

    public enum LabelFormat: String, Sendable { case zpl, pdf }
    public enum Sound: String, Sendable {
        case page, speaker, both, off
        /// Whether the kiosk page plays the sounds.
        public var onPage: Bool { self == .page || self == .both }
        /// Whether the agent plays them on the box's sound card.
        public var onSpeaker: Bool { self == .speaker || self == .both }
    }

    /// A value as read, with where it came from.
    public enum Raw: Sendable, Hashable {
        case string(String), integer(Int), boolean(Bool), strings([String])
    }

    /// Each set key's value and origin ("station.toml:12", "PACKSTATION_TOKEN").
    public private(set) var values: [String: (raw: Raw, origin: String)] = [:]
    /// The file read, if any.
    public private(set) var file: String?

    public var stationName: String
    public var dataDirectory: String
    public var ordersFile: String?
    public var highValueThreshold: Int
    public var supervisorBadges: [String]
    /// `station.reprint_requires_supervisor`: reprints wait for a supervisor badge.
    public var reprintRequiresSupervisor: Bool
    /// `station.supervisor_wait_seconds`: how long a reprint waits for the badge.
    public var supervisorWaitSeconds: Int
    /// `station.dock_refresh_seconds`: how often a loading bench's package list is fetched.
    public var dockRefreshSeconds: Int
    /// `station.packer_badges`: badge barcode → packer name.
    public var packerBadges: [String: String]
    /// `station.packer_badge_prefix`.
    public var packerBadgePrefix: String?
    /// `station.require_packer`.
    public var requirePacker: Bool
    /// `station.packer_idle_minutes` (0: never).
    public var packerIdleMinutes: Int
    /// The server section as the environment of the sync client (nil: no server).
    public var serverEnvironment: [String: String]?
    /// `server.allow_insecure`: a plain-http server beyond this machine is intended.
    public var allowInsecureServer: Bool
    /// nil: the first printer found, else a PDF file printer in the data directory.
    public var printerURI: PrinterURI?
    public var printerName: String
    public var printerFormat: LabelFormat?
    public var printerDPI: Int
    public var printerTemplate: String
    public var packingSlip: Bool
    public var printerWaitSeconds: Int
    /// `runs.max_bytes`: the largest label run fetched from the server.
    public var runMaximumBytes: Int
    /// `runs.chunk_size`: labels per chunk of a run from the server.
    public var runChunkSize: Int
    /// What carrier ZPL and bulk ZPL files may carry: the default policy plus `printer.zpl_allow`.
    public var zplPolicy: ZPLPolicy
    public var scannerLayout: String
    public var scannerTerminator: String
    public var scannerTimeoutMilliseconds: Int?
    public var scannerAutodetect: Bool
    public var scannerDevices: [String]
    public var benches: [Bench]
    public var kioskListen: (host: String, port: Int)
    /// The token browsers beyond loopback present (`kiosk.token`).
    public var kioskToken: String?
    /// Extra host names the kiosk answers for (`kiosk.allowed_hosts`).
    public var kioskAllowedHosts: [String]
    /// The kiosk's request-head timeout, idle timeout (seconds) and connection limit.
    public var kioskLimits: (headTimeout: Int, idleTimeout: Int, maximumConnections: Int)
    public var kioskSound: Sound
    /// `kiosk.language`: `en` or `es`.
    public var kioskLanguage: String
    /// The ALSA device for speaker sounds (nil: the default).
    public var soundDevice: String?
    public var kioskEnabled: Bool

    /// Where the configuration file is looked for when none is given.
    public static let searchPath = ["/etc/packstation/station.toml", "station.toml"]

    /// Loads `file` (or PACKSTATION_CONFIG, or the first of `searchPath` that exists; none is
    /// fine: embedded defaults), applies the environment and checks every key.
    public static func load(file: String? = nil, environment env: [String: String] = ProcessInfo.processInfo.environment,
                            searchPath: [String] = searchPath) throws(StationError) -> StationConfiguration {
        var values: [String: (Raw, String)] = [:]
        var benches: [[String: (Raw, String)]] = []
        let path = file ?? env["PACKSTATION_CONFIG"] ?? searchPath.first { FileManager.default.fileExists(atPath: $0) }
        if let path {
            let bytes = try readInput(path, what: "configuration file")
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw StationError(code: "config.encoding", message: "\(path) is not UTF-8 text; save it as UTF-8.")
            }
            let document: TOMLDocument
            do { document = try TOMLDocument(parsing: text) } catch {
                throw StationError(code: "config.syntax", message: "\(path):\(error.line): \(error.message).")
            }
            try collect(document.root, path: path, into: &values, benches: &benches)
        }
        for key in ConfigurationKey.all where !key.name.hasPrefix("bench.") {
            guard let text = env[key.environment] else { continue }
            values[key.name] = (try parse(environment: text, key: key), key.environment)
        }
        var config = try StationConfiguration(values: values, benches: benches, env: env)
        config.file = path
        config.values = values.mapValues { (raw: $0.0, origin: $0.1) }
        return config
    }

    /// Reads the document's keys, refusing unknown keys and wrong types.
    private static func collect(_ root: TOMLDocument.Table, path: String, into values: inout [String: (Raw, String)], benches: inout [[String: (Raw, String)]]) throws(StationError) {
        let sections = Set(ConfigurationKey.all.map { String($0.name.split(separator: ".")[0]) })
        for (section, value, line) in root.entries {
            switch (section, value) {
            case ("bench", .tables(let tables)):
                for table in tables {
                    var bench: [String: (Raw, String)] = [:]
                    try read(table, section: "bench", path: path, into: &bench)
                    benches.append(bench)
                }
            case ("bench", _):
                throw StationError(code: "config.bench", message: "\(path):\(line): bench must be written as [[bench]] tables, one per bench.")
            case (_, .table(let table)) where sections.contains(section):
                try read(table, section: section, path: path, into: &values)
            default:
                let known = sections.sorted().map { $0 == "bench" ? "[[bench]]" : "[\($0)]" }.joined(separator: ", ")
                throw StationError(code: "config.unknown", message: "\(path):\(line): '\(section)' is not a section of station.toml; the sections are \(known).")
            }
        }
    }

    private static func read(_ table: TOMLDocument.Table, section: String, path: String, into values: inout [String: (Raw, String)]) throws(StationError) {
        for (name, value, line) in table.entries {
            let full = "\(section).\(name)"
            guard let key = ConfigurationKey.named(full) else {
                let known = ConfigurationKey.all.filter { $0.name.hasPrefix(section + ".") }.map { String($0.name.dropFirst(section.count + 1)) }
                throw StationError(code: "config.unknown", message: "\(path):\(line): \(full) is not a configuration key; [\(section)] has \(known.joined(separator: ", ")).")
            }
            let raw: Raw? = switch (key.kind, value) {
            case (.string, .string(let s)): .string(s)
            case (.integer, .integer(let n)): .integer(n)
            case (.boolean, .bool(let b)): .boolean(b)
            case (.strings, .array(let items)):
                items.allSatisfy { if case .string = $0 { true } else { false } }
                    ? .strings(items.map { if case .string(let s) = $0 { s } else { "" } }) : nil
            default: nil
            }
            guard let raw else {
                throw StationError(code: "config.\(full)", message: "\(path):\(line): \(full) must be \(key.kind == .strings ? "an array of strings" : "a \(key.kind.rawValue)"), not \(value.typeName).")
            }
            values[full] = (raw, "\(path):\(line)")
        }
    }

    private static func parse(environment text: String, key: ConfigurationKey) throws(StationError) -> Raw {
        switch key.kind {
        case .string: return .string(text)
        case .integer:
            guard let n = Int(text) else { throw keyError(key.name, "\(key.environment)", "must be a whole number, not '\(text)'") }
            return .integer(n)
        case .boolean:
            switch text.lowercased() {
            case "1", "true", "yes", "on": return .boolean(true)
            case "0", "false", "no", "off": return .boolean(false)
            default: throw keyError(key.name, "\(key.environment)", "must be true or false, not '\(text)'")
            }
        case .strings:
            return .strings(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
    }

    static func keyError(_ key: String, _ origin: String, _ text: String) -> StationError {
        StationError(code: "config.\(key)", message: "Configuration key \(key) (\(origin)) \(text).")
    }

    private init(values: [String: (Raw, String)], benches rawBenches: [[String: (Raw, String)]], env: [String: String]) throws(StationError) {
        func string(_ key: String) -> String? { if case .string(let s)? = values[key]?.0 { s } else { nil } }
        func integer(_ key: String) -> Int? { if case .integer(let n)? = values[key]?.0 { n } else { nil } }
        func boolean(_ key: String) -> Bool? { if case .boolean(let b)? = values[key]?.0 { b } else { nil } }
        func strings(_ key: String) -> [String]? { if case .strings(let s)? = values[key]?.0 { s } else { nil } }
        func fail(_ key: String, _ text: String) -> StationError { Self.keyError(key, values[key]?.1 ?? "default", text) }
        func uri(_ key: String, _ text: String) throws(StationError) -> PrinterURI {
            do { return try PrinterURI(parsing: text) } catch { throw fail(key, error.message) }
        }

        stationName = string("station.name") ?? ProcessInfo.processInfo.hostName
        guard !stationName.isEmpty, stationName.count <= 64 else { throw fail("station.name", "must be 1 to 64 characters") }
        dataDirectory = string("station.data_dir") ?? "packstation-data"
        guard !dataDirectory.isEmpty else { throw fail("station.data_dir", "must not be empty") }
        ordersFile = string("station.orders_file")
        if let ordersFile, !FileManager.default.isReadableFile(atPath: ordersFile) {
            throw fail("station.orders_file", "names \(ordersFile), which does not exist or cannot be read")
        }
        highValueThreshold = integer("station.high_value_threshold") ?? 50_000
        guard highValueThreshold >= 0 else { throw fail("station.high_value_threshold", "must be 0 or more") }
        supervisorBadges = strings("station.supervisor_badges") ?? []
        reprintRequiresSupervisor = boolean("station.reprint_requires_supervisor") ?? false
        if reprintRequiresSupervisor, supervisorBadges.isEmpty {
            throw fail("station.reprint_requires_supervisor", "is true but station.supervisor_badges is empty, so no reprint could ever be allowed; list the supervisors' badge barcodes there")
        }
        supervisorWaitSeconds = integer("station.supervisor_wait_seconds") ?? 60
        guard (1...600).contains(supervisorWaitSeconds) else { throw fail("station.supervisor_wait_seconds", "must be 1 to 600 seconds, not \(supervisorWaitSeconds)") }
        dockRefreshSeconds = integer("station.dock_refresh_seconds") ?? 60
        guard (5...3600).contains(dockRefreshSeconds) else { throw fail("station.dock_refresh_seconds", "must be 5 to 3600 seconds, not \(dockRefreshSeconds)") }
        var badges: [String: String] = [:]
        for entry in strings("station.packer_badges") ?? [] {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let badge = parts[0], name = parts.count == 2 ? parts[1] : parts[0]
            guard !badge.isEmpty, !name.isEmpty else { throw fail("station.packer_badges", "has \"\(entry)\"; write \"BADGE\" or \"BADGE=Name\"") }
            guard badges[badge] == nil else { throw fail("station.packer_badges", "lists badge \(badge) twice; give each packer their own badge") }
            guard !supervisorBadges.contains(badge) else { throw fail("station.packer_badges", "lists \(badge), which is also in station.supervisor_badges; a badge is either a packer's or a supervisor's") }
            badges[badge] = name
        }
        packerBadges = badges
        packerBadgePrefix = string("station.packer_badge_prefix")
        if let p = packerBadgePrefix, p.isEmpty || p.uppercased().hasPrefix("CMD:") {
            throw fail("station.packer_badge_prefix", p.isEmpty ? "must not be empty; remove the key for no prefix" : "must not start with CMD: (command barcodes)")
        }
        requirePacker = boolean("station.require_packer") ?? false
        packerIdleMinutes = integer("station.packer_idle_minutes") ?? 30
        guard (0...1440).contains(packerIdleMinutes) else { throw fail("station.packer_idle_minutes", "must be 0 (never) to 1440, not \(packerIdleMinutes)") }

        if values["server.url"] != nil {
            var server: [String: String] = [:]
            for key in ConfigurationKey.all where key.name.hasPrefix("server.") || key.name.hasPrefix("sync.") {
                switch values[key.name]?.0 {
                case .string(let s)?: server[key.environment] = s
                case .integer(let n)?: server[key.environment] = String(n)
                default: break
                }
            }
            serverEnvironment = server
        } else {
            for key in ["server.token", "server.token_file", "server.ca_file", "server.client_cert", "server.client_key"] where values[key] != nil {
                throw fail(key, "is set but server.url is not; set server.url to the central server or remove \(key)")
            }
        }

        allowInsecureServer = boolean("server.allow_insecure") ?? false

        printerURI = try string("printer.uri").map { (text: String) throws(StationError) in try uri("printer.uri", text) }
        printerName = string("printer.name") ?? "printer"
        printerFormat = try string("printer.format").map { (text: String) throws(StationError) in
            guard let f = LabelFormat(rawValue: text) else { throw fail("printer.format", "must be zpl or pdf, not '\(text)'") }
            return f
        }
        printerDPI = integer("printer.dpi") ?? 203
        guard [203, 300, 600].contains(printerDPI) else { throw fail("printer.dpi", "must be 203, 300 or 600, not \(printerDPI)") }
        printerTemplate = string("printer.template") ?? "shipping"
        packingSlip = boolean("printer.packing_slip") ?? false
        printerWaitSeconds = integer("printer.wait_seconds") ?? 0
        guard printerWaitSeconds >= 0 else { throw fail("printer.wait_seconds", "must be 0 (no limit) or more") }
        runMaximumBytes = integer("runs.max_bytes") ?? 64 << 20
        guard runMaximumBytes >= 1 else { throw fail("runs.max_bytes", "must be 1 byte or more, not \(runMaximumBytes)") }
        runChunkSize = integer("runs.chunk_size") ?? 10
        guard (1...1000).contains(runChunkSize) else { throw fail("runs.chunk_size", "must be 1 to 1000 labels, not \(runChunkSize)") }
        let allowed = strings("printer.zpl_allow") ?? []
        let refusable = Set(ZPLPolicy.refusedCommands.keys).union(ZPLPolicy.storingCommands)
        for command in allowed where !refusable.contains(command.uppercased()) {
            throw fail("printer.zpl_allow", "names '\(command)', which is not a command refused by default; list commands with their prefix, e.g. \"~JA\" or \"^JU\" (docs/zpl.md lists them)")
        }
        zplPolicy = ZPLPolicy(allowed: Set(allowed))

        scannerLayout = string("scanner.layout") ?? "us"
        scannerTerminator = string("scanner.terminator") ?? "enter"
        guard ["enter", "kp_enter", "tab", "none"].contains(scannerTerminator) else { throw fail("scanner.terminator", "must be enter, kp_enter, tab or none, not '\(scannerTerminator)'") }
        scannerTimeoutMilliseconds = integer("scanner.timeout_ms")
        if let t = scannerTimeoutMilliseconds, !(5...10_000).contains(t) { throw fail("scanner.timeout_ms", "must be 5 to 10000, not \(t)") }
        scannerAutodetect = boolean("scanner.autodetect") ?? true
        scannerDevices = strings("scanner.devices") ?? []

        var benches: [Bench] = []
        for (i, raw) in rawBenches.enumerated() {
            func origin(_ k: String) -> String { raw[k]?.1 ?? "[[bench]] #\(i + 1)" }
            var name = "bench-\(i + 1)"
            if case .string(let s)? = raw["bench.name"]?.0 { name = s }
            guard !name.isEmpty, !benches.contains(where: { $0.name == name }) else {
                throw Self.keyError("bench.name", origin("bench.name"), name.isEmpty ? "must not be empty" : "'\(name)' names two benches; give each bench its own name")
            }
            var scanners: [String] = []
            if case .strings(let s)? = raw["bench.scanners"]?.0 { scanners = s }
            var printer: PrinterURI?
            if case .string(let s)? = raw["bench.printer"]?.0 {
                do { printer = try PrinterURI(parsing: s) } catch { throw Self.keyError("bench.printer", origin("bench.printer"), error.message) }
            }
            var loads = false
            if case .string(let m)? = raw["bench.mode"]?.0 {
                guard m == "pack" || m == "load" else { throw Self.keyError("bench.mode", origin("bench.mode"), "must be pack or load, not '\(m)'") }
                loads = m == "load"
            }
            benches.append(Bench(name: name, scanners: scanners, printer: printer, loads: loads))
        }
        if benches.filter(\.scanners.isEmpty).count > 1 {
            throw Self.keyError("bench.scanners", "station.toml", "is empty on more than one bench; only one bench may take the scanners no other bench claims")
        }
        self.benches = benches.isEmpty ? [Bench(name: "bench-1", scanners: [], printer: nil)] : benches

        let listen = string("kiosk.listen") ?? "127.0.0.1:8470"
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port), colon > listen.startIndex else {
            throw fail("kiosk.listen", "must be HOST:PORT, e.g. 127.0.0.1:8470, not '\(listen)'")
        }
        kioskListen = (String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
        kioskToken = string("kiosk.token")
        if let token = kioskToken, token.count < 16 || !token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.~".contains($0)) }) {
            throw fail("kiosk.token", "must be 16 or more letters, digits, '-', '_', '.' or '~' (it travels in an address and a cookie); make one with `openssl rand -hex 16`")
        }
        if kioskToken == nil, !isLoopback(host: kioskListen.host) {
            throw fail("kiosk.listen", "is \(listen), beyond this machine, but kiosk.token is not set: anyone on the network could watch the benches. Set kiosk.token (e.g. `openssl rand -hex 16`) and open http://BOX:\(port)/?token=TOKEN once in the kiosk's browser, or listen on 127.0.0.1")
        }
        kioskAllowedHosts = strings("kiosk.allowed_hosts") ?? []
        let head = integer("kiosk.head_timeout_seconds") ?? 10, idle = integer("kiosk.idle_timeout_seconds") ?? 15
        let connections = integer("kiosk.max_connections") ?? 256
        guard (1...300).contains(head) else { throw fail("kiosk.head_timeout_seconds", "must be 1 to 300, not \(head)") }
        guard (1...3600).contains(idle) else { throw fail("kiosk.idle_timeout_seconds", "must be 1 to 3600, not \(idle)") }
        guard (1...65_536).contains(connections) else { throw fail("kiosk.max_connections", "must be 1 to 65536, not \(connections)") }
        kioskLimits = (head, idle, connections)
        let sound = string("kiosk.sound") ?? "page"
        guard let s = Sound(rawValue: sound) else { throw fail("kiosk.sound", "must be page, speaker, both or off, not '\(sound)'") }
        kioskSound = s
        kioskLanguage = string("kiosk.language") ?? "en"
        guard ["en", "es"].contains(kioskLanguage) else { throw fail("kiosk.language", "must be en or es, not '\(kioskLanguage)'") }
        soundDevice = string("kiosk.sound_device")
        kioskEnabled = boolean("kiosk.enabled") ?? true
    }

    /// What is wrong with sending the token and the results to `server.url`, when it is plain
    /// http:// to a host other than this machine and `server.allow_insecure` is not set; nil when
    /// the URL is fine. The host is parsed from the URL (`http://127.0.0.1.nip.io` is not this
    /// machine, nor is `http://127.0.0.1@example.com`).
    public var insecureServerWarning: String? {
        guard !allowInsecureServer, let text = serverEnvironment?["PACKSTATION_SERVER_URL"] else { return nil }
        return Self.insecureServerProblem(url: text)
    }

    /// The problem with `url` as the server's address (see `insecureServerWarning`), ignoring `server.allow_insecure`.
    public static func insecureServerProblem(url text: String) -> String? {
        guard let url = URL(string: text), url.scheme?.lowercased() == "http", let host = url.host(percentEncoded: false) else { return nil }
        guard !isLoopback(host: host) else { return nil }
        return "server.url is \(text): plain http:// to \(host), another machine, so the station's token and every result cross the network unencrypted and can be read or changed on the way. Use https:// (packstation-hub serve --tls-cert/--tls-key), or set server.allow_insecure = true in station.toml if this network is trusted."
    }

    /// The effective configuration, one `key = value  # origin` line per key; secrets shown as <redacted>.
    public func describe() -> [String] {
        ConfigurationKey.all.filter { !$0.name.hasPrefix("bench.") }.map { key in
            guard let (raw, origin) = values[key.name] else { return "\(key.name) = (default: \(key.defaultText))" }
            let shown: String = switch raw {
            case _ where key.isSecret: "<redacted>"
            case .string(let s): "\"\(s)\""
            case .integer(let n): String(n)
            case .boolean(let b): String(b)
            case .strings(let s): "[" + s.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
            }
            return "\(key.name) = \(shown)  # \(origin)"
        } + benches.map { b in
            "bench \(b.name): scanners \(b.scanners.isEmpty ? "(every unclaimed scanner)" : b.scanners.joined(separator: ", ")), printer \(b.printer?.description ?? "(the station's)")"
        }
    }
}
