import Foundation

/// Every key of `station.toml`: its type, default, environment variable, whether it is a
/// secret, and what it does. `packstation config check` and docs/configuration.md list them;
/// a test keeps the document and this table in step.
public struct ConfigurationKey: Sendable {
    public enum Kind: String, Sendable { case string, integer, boolean, strings = "array of strings" }

    public let name: String
    public let kind: Kind
    /// The default in words ("the host name", "none").
    public let defaultText: String
    public let environment: String
    public let isSecret: Bool
    public let help: String

    init(_ name: String, _ kind: Kind, _ defaultText: String, env: String? = nil, secret: Bool = false, _ help: String) {
        self.name = name
        self.kind = kind
        self.defaultText = defaultText
        self.environment = env ?? "PACKSTATION_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
        self.isSecret = secret
        self.help = help
    }

    /// The keys, in the order of the documented file.
    public static let all: [ConfigurationKey] = [
        .init("station.name", .string, "the host name", "The station's name on the server and the kiosk: the NAME its server token was issued for (packstation-hub station add NAME), which the hub checks in every result."),
        .init("station.data_dir", .string, "/var/lib/packstation when installed, ./packstation-data otherwise", env: "PACKSTATION_DATA_DIR", "Where the journal (results, outbox, order cache, label queue) lives."),
        .init("station.orders_file", .string, "none", "Orders (JSON, array or JSON lines) to pack when no server is configured, or as a local supplement."),
        .init("station.high_value_threshold", .integer, "50000", "Order value in minor units (cents) from which the kiosk marks the order high value."),
        .init("station.supervisor_badges", .strings, "[]", "Badge barcodes that may override on-hold and already-packed orders, and allow reprints when station.reprint_requires_supervisor is set."),
        .init("station.reprint_requires_supervisor", .boolean, "false", "CMD:REPRINT and CMD:VOID wait for a supervisor badge (station.supervisor_badges) before printing; any other scan cancels them."),
        .init("station.supervisor_wait_seconds", .integer, "60", "How long CMD:REPRINT and CMD:VOID wait for the supervisor badge (1–600 seconds); a badge after that is told to start again."),
        .init("station.packer_badges", .strings, "[]", "Packer badge barcodes that sign a packer in at a bench: \"BADGE\" (the packer is recorded as the badge) or \"BADGE=Name\". CMD:SIGNOUT signs out."),
        .init("station.packer_badge_prefix", .string, "none", "Any barcode starting with this (e.g. \"PK-\") is a packer badge; the packer is recorded as the rest of it."),
        .init("station.require_packer", .boolean, "false", "Refuse orders and items (verdict packer_required) until a packer scans their badge."),
        .init("station.packer_idle_minutes", .integer, "30", "A packer with no scan for this long is signed out (1-1440; 0: never)."),
        .init("station.dock_refresh_seconds", .integer, "60", "While a bench loads at the dock, how often the hub's list of packages is fetched again (5–3600 seconds); a scan the list does not know also fetches it (docs/dock.md)."),
        .init("server.url", .string, "none (no sync)", "The central server, http(s)://host[:port]. Without it the station works alone."),
        .init("server.token", .string, "none", env: "PACKSTATION_TOKEN", secret: true, "The station's bearer token (packstation-hub station add NAME prints one)."),
        .init("server.token_file", .string, "none", env: "PACKSTATION_TOKEN_FILE", "A file holding the token, instead of server.token."),
        .init("server.ca_file", .string, "the system CAs", env: "PACKSTATION_CA_FILE", "A PEM CA bundle to trust for the server."),
        .init("server.client_cert", .string, "none", env: "PACKSTATION_CLIENT_CERT", "A PEM client certificate (with server.client_key)."),
        .init("server.client_key", .string, "none", env: "PACKSTATION_CLIENT_KEY", secret: true, "The PEM key of the client certificate (a path; the file is secret)."),
        .init("server.allow_insecure", .boolean, "false", "Allow a server.url of http:// to a host other than this machine: the token and every result then cross the network unencrypted. Without it `packstation run` warns (log and kiosk) and `packstation doctor` fails; use https:// instead."),
        .init("sync.batch_size", .integer, "500", "Results per request when draining the outbox (1–1000)."),
        .init("sync.prefetch_interval_seconds", .integer, "60", "How often the agent asks the server for changes to the orders it may pack, for its offline cache (5–3600); also at start and whenever the server comes back."),
        .init("sync.order_cache_max", .integer, "50000", "The most orders the offline cache keeps (100–1000000); packed and refused ones are dropped first, then the oldest fetched."),
        .init("printer.uri", .string, "the first printer found, else file://DATA_DIR/labels/", "Where labels go: cups://QUEUE, ipp://HOST:PORT/PATH, usb://VID:PID, tcp://HOST:9100, file:///PATH (a path ending in / gets one file per label)."),
        .init("printer.name", .string, "printer", "The printer's name in messages (\"zebra1: out of labels…\")."),
        .init("printer.format", .string, "zpl; pdf for a file:// directory", "What is sent: zpl or pdf."),
        .init("printer.dpi", .integer, "203", "The printer's resolution: 203, 300 or 600."),
        .init("printer.template", .string, "shipping", "The label template: shipping, or a template JSON file."),
        .init("printer.packing_slip", .boolean, "false", "Also print a packing slip when an order completes."),
        .init("printer.wait_seconds", .integer, "0 (wait as long as it takes)", "How long a label waits for a printer that cannot print before it is reported failed (it stays queued)."),
        .init("printer.zpl_allow", .strings, "[] (nothing harmful)", "ZPL commands a carrier label or bulk file may carry although they are refused by default (they reset the printer, change saved or network settings, erase memory, cancel other jobs, or store on flash), e.g. [\"~JA\"]; with their prefix, as listed in docs/zpl.md."),
        .init("runs.max_bytes", .integer, "67108864 (64 MiB)", "The largest label run this station fetches from the server (packstation-hub label-run add); a bigger one fails on the hub with the reason, nothing printed."),
        .init("runs.chunk_size", .integer, "10", "Labels per chunk of a run from the server (1–1000): a pack label on the same printer waits at most one chunk's printing."),
        .init("scanner.layout", .string, "us", "The scanners' keyboard layout (any xkb layout: us, gb, de, fr, …)."),
        .init("scanner.terminator", .string, "enter", "What ends a scan: enter, kp_enter, tab or none."),
        .init("scanner.timeout_ms", .integer, "the terminator's default", "Inter-key timeout that ends a scan without a terminator."),
        .init("scanner.autodetect", .boolean, "true", "Use devices that look like scanners (known vendors, names, the udev tag); false: only scanner.devices."),
        .init("scanner.devices", .strings, "[]", "Scanner matches, as for --scanner: \"VID:PID\", \"name=TEXT\", \"phys=TEXT\", with \",layout=de\"."),
        .init("bench.name", .string, "bench-1", "[[bench]] tables, one per packer: the bench's name."),
        .init("bench.scanners", .strings, "[] (every scanner no other bench claims)", "[[bench]]: scanner ids or VID:PID bound to this bench."),
        .init("bench.printer", .string, "printer.uri", "[[bench]]: this bench's own printer URI."),
        .init("bench.mode", .string, "pack", "[[bench]]: pack, or load: the bench (a dock scanner) starts in load mode, scanning packages into the trailer CMD:LOAD:<CARRIER> names (docs/dock.md); CMD:PACK switches back."),
        .init("kiosk.listen", .string, "127.0.0.1:8470", "Where the kiosk page and /metrics are served; other interfaces only when set here, and then only with kiosk.token."),
        .init("kiosk.token", .string, "none", secret: true, "The token a browser on another machine presents to see the kiosk: open http://BOX:8470/?token=TOKEN once (a cookie keeps it); scripts send 'Authorization: Bearer TOKEN'; a browser on the box itself needs none. Required when kiosk.listen is not a loopback address; 16 or more letters, digits, '-', '_', '.' or '~' (e.g. `openssl rand -hex 16`)."),
        .init("kiosk.head_timeout_seconds", .integer, "10", "How long a browser may take to send a request's head once it starts (1–300); slower ones are closed (slowloris)."),
        .init("kiosk.idle_timeout_seconds", .integer, "15", "How long a connection may sit idle before the kiosk closes it (1–3600); the live page's event stream is not idle."),
        .init("kiosk.max_connections", .integer, "256", "Connections the kiosk holds open at once (1–65536); beyond it, those waiting longest for a request are closed first."),
        .init("kiosk.allowed_hosts", .strings, "[]", "Host names (besides localhost, the box's own name and IP addresses) under which browsers may reach the kiosk; other names are refused (421) against DNS rebinding."),
        .init("kiosk.sound", .string, "page", "Scan feedback sounds: page (the kiosk browser plays them), speaker (the agent plays them on the box's sound card through aplay — for benches without a screen), both, or off."),
        .init("kiosk.language", .string, "en", "The kiosk page's own words: en (English) or es (Spanish): its header, banners, marks, the verdict's title and the dock's load section; verdict messages are in English."),
        .init("kiosk.sound_device", .string, "the ALSA default", "The ALSA device for speaker sounds, e.g. plughw:0,0 or null."),
        .init("kiosk.enabled", .boolean, "true", "Serve the kiosk page."),
    ]

    /// A key by name.
    public static func named(_ name: String) -> ConfigurationKey? { all.first { $0.name == name } }
}
