// swift-tools-version: 6.1
import PackageDescription

// The layout follows the data flow (docs/architecture.md):
// Barcodes and PackCore are pure (standard library + Foundation only),
// Station composes them with files, configuration and (later) adapters,
// and the executables only parse arguments.
let package = Package(
    name: "packstation",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "packstation", targets: ["packstation"]),
        .executable(name: "packstation-bench", targets: ["packstation-bench"]),
        .executable(name: "packstation-json-bench", targets: ["packstation-json-bench"]),
        .executable(name: "packstation-hub", targets: ["packstation-hub"]),
        .library(name: "PackCore", targets: ["PackCore"]),
        .library(name: "Barcodes", targets: ["Barcodes"]),
        // For the fuzz targets in FuzzTesting/ (a separate package that depends on this one by path).
        .library(name: "ScannerInput", targets: ["ScannerInput"]),
        .library(name: "Labels", targets: ["Labels"]),
        .library(name: "Station", targets: ["Station"]),
        .library(name: "Hub", targets: ["Hub"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Sync and the hub: SQLite journal, HTTP client, HTTP server.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Already in the graph through Hummingbird; HTTPGuard names their types (header names,
        // decoded request parts) directly.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Latency histograms an operator can aggregate (issue 14): swift-metrics is the API
        // Hummingbird's MetricsMiddleware records through; swift-prometheus keeps the histograms
        // and writes the text format /metrics serves.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Text into HTML, SVG and XML, escaped per Unicode scalar: the one escaper of the hub page,
        // the label previews and the kiosk. Pure Swift, no Foundation.
        .target(name: "Markup"),
        // TOML v1.0.0 (station.toml, the hub's rules file): a linear reader whose errors name the line.
        .target(name: "TOML"),
        // Automation rules (issue 15): the rules file, its validation and the pure evaluation of an
        // order against it; the hub applies the result (Sources/Hub/HubStore+Rules.swift).
        .target(name: "OrderRules", dependencies: ["PackCore", "TOML"]),
        // The wake-up of loops that sleep until their next deadline or a signal (the agent's bench
        // timers, the hub's webhook and notice workers): one type, below both Station and Hub.
        .target(name: "Wakeups"),
        // Barcode rules: GTIN check digits, UPC-E, AIM identifiers, GS1 element strings, Digital Link.
        .target(name: "Barcodes"),
        // The domain: orders, the pack session state machine, pack results.
        .target(name: "PackCore", dependencies: ["Barcodes"]),
        // Scanner input: evdev devices (libevdev), hotplug (libudev), key → text (libxkbcommon), scan framing.
        .systemLibrary(name: "CEvdev", pkgConfig: "libevdev", providers: [.apt(["libevdev-dev"])]),
        .systemLibrary(name: "CUDev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        .systemLibrary(name: "CXKBCommon", pkgConfig: "xkbcommon", providers: [.apt(["libxkbcommon-dev"])]),
        .target(name: "ScannerInput", dependencies: ["PackCore", "CEvdev", "CUDev", "CXKBCommon"]),
        // Printing: printer URIs, raw TCP 9100 with Zebra host status, files; CUPS and USB.
        // CUPS through libcups2; Debian 12 has no cups.pc, so the module map links "cups".
        .systemLibrary(name: "CCups", providers: [.apt(["libcups2-dev"])]),
        // Raw USB printers (printer class 7) through libusb-1.0.
        .systemLibrary(name: "CUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        .target(name: "Printing", dependencies: ["CCups", "CUSB"]),
        // Composition: files, replay, configuration; the only place that wires adapters.
        .target(name: "Station", dependencies: [
            "PackCore", "Barcodes", "ScannerInput", "Printing", "Labels", "LabelGraphics", "Sync", "Kiosk", "HTTPGuard", "CMalloc", "TOML",
            // Label runs from the hub print as durable bulk runs (Agent/HubRuns.swift).
            "PrintRuns",
            // BenchTimers sleeps on a Wakeup.
            "Wakeups",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        // The kiosk page, its live state (server-sent events) and /metrics, on Hummingbird.
        .target(name: "Kiosk", dependencies: [
            "HTTPGuard", "HTTPMetrics",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Labels: layout in printer dots, templates as data, ZPL II; pure Swift.
        .target(name: "Labels", dependencies: ["PackCore", "Barcodes"]),
        // Label graphics: PDF and PNG through cairo + pango, barcodes from libzint's geometry.
        .systemLibrary(name: "CPangoCairo", pkgConfig: "pangocairo", providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),
        .systemLibrary(name: "CZint", providers: [.apt(["libzint-dev"])]),
        // PDFs (any version, object streams, encrypted with an empty password) through poppler-glib.
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),
        // zlib inflates the :Z64: graphics of carrier ZPL for the in-process preview (ZPLPreview).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "LabelGraphics", dependencies: ["Labels", "Barcodes", "Markup", "CPangoCairo", "CZint", "CPoppler", "CZlib"]),
        // Bulk label runs: the run journal (SQLite WAL via GRDB) and exactly-once chunked printing.
        .target(name: "PrintRuns", dependencies: ["Printing", "Labels", "PackCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // Sync: the durable outbox (SQLite WAL via GRDB) and the HTTP client that drains it.
        .target(name: "Sync", dependencies: [
            "PackCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // What the hub and the kiosk servers share against hostile clients: request-head and idle
        // timeouts, a connection limit that sheds idle sockets, the Host allowlist, security headers.
        .target(name: "HTTPGuard", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ]),
        // Prometheus metrics of the hub's and the kiosk's HTTP servers (Hummingbird's MetricsMiddleware
        // through swift-metrics) and the process-wide registry /metrics writes out.
        .target(name: "HTTPMetrics", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        // The reference central server (library) and its executable.
        .target(name: "Hub", dependencies: [
            "PackCore", "Markup", "HTTPGuard", "HTTPMetrics", "OrderRules", "Wakeups",
            // Customer notices by e-mail (NoticeWorker.swift).
            "Mail",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            // Webhook deliveries (WebhookWorker): the HTTP client the agent's sync already builds.
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            // The hub's background workers (webhook deliveries, e-mail notices) run beside the server.
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            // SIGHUP reloads the rules file (RulesWatcher); part of swift-service-lifecycle, already in the graph.
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        // Customer e-mail (issue 15): an SMTP client (RFC 5321, STARTTLS/AUTH through NIOSSL) and
        // RFC 5322/MIME messages; the hub's notice worker sends through it.
        .target(name: "Mail", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // glibc's mallopt for the long-running agent's heap policy (Sources/Station/Agent/MemoryPolicy.swift).
        .systemLibrary(name: "CMalloc"),
        // LabelGraphics: the close-out's manifest PDF (cairo), handed to the Hub as its renderer.
        .executableTarget(name: "packstation-hub", dependencies: [
            "Hub", "HTTPGuard", "HTTPMetrics", "LabelGraphics", "OrderRules",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(
            name: "packstation",
            dependencies: [
                "Station",
                "Labels",
                "LabelGraphics",
                "Printing",
                "Sync",
                "PrintRuns",
                "HTTPMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The agent runs all day on small boxes; in release builds its code is linked for a
            // small resident footprint (docs/benchmarks.md, "The agent's memory and CPU"): lld,
            // no exported symbol table, packed relative relocations, and the functions
            // `packstation run` executes laid out together (scripts/generate-link-order.py).
            linkerSettings: [
                .unsafeFlags([
                    "-use-ld=lld",
                    "-Xlinker", "--no-export-dynamic",
                    "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                    "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/scripts/link-order/packstation.order",
                    "-Xlinker", "--no-warn-symbol-ordering",
                ], .when(configuration: .release)),
            ]
        ),
        // Order JSON in MB/s beside Python and Foundation; PackCore only, so a release build takes minutes.
        .executableTarget(name: "packstation-json-bench", dependencies: ["PackCore"]),
        .executableTarget(name: "packstation-bench", dependencies: ["PackCore", "Barcodes", "Station", "Labels", "LabelGraphics", "ScannerInput", "Sync", "Hub", "Printing", "PrintRuns", .product(name: "Logging", package: "swift-log")]),

        .testTarget(name: "MarkupTests", dependencies: ["Markup"]),
        .testTarget(name: "WakeupsTests", dependencies: ["Wakeups"]),
        .testTarget(name: "MailTests", dependencies: ["Mail", "TestPeers"]),
        .testTarget(name: "OrderRulesTests", dependencies: ["OrderRules", "PackCore", "TOML"]),
        .testTarget(name: "KioskTests", dependencies: ["Kiosk", "HTTPGuard", "TestPeers", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "BarcodesTests", dependencies: ["Barcodes"]),
        .testTarget(name: "PackCoreTests", dependencies: ["PackCore", "Barcodes"]),
        .testTarget(name: "StationTests", dependencies: ["Station", "PackCore", "Labels", "TestPeers", "Sync", "Kiosk", .product(name: "Logging", package: "swift-log")]),
        // The real test peers (test printer, private cupsd) as processes, shared by the test targets.
        .target(name: "TestPeers", path: "Tests/TestPeers"),
        .testTarget(name: "PrintingTests", dependencies: ["Printing", "Station", "TestPeers", "Labels", "LabelGraphics"]),
        // Hub: WebhookCLITests appends events to the hub's database from outside the hub process.
        .testTarget(name: "PackstationCLITests", dependencies: ["packstation", "TestPeers", "Hub"]),
        .testTarget(name: "PrintRunsTests", dependencies: ["PrintRuns", "Printing", "Labels", "LabelGraphics", "PackCore", "packstation", "TestPeers"]),
        .testTarget(name: "SyncTests", dependencies: ["Sync", "Hub", "PackCore", "TestPeers", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        .testTarget(name: "HTTPGuardTests", dependencies: ["HTTPGuard", "TestPeers", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "HubTests", dependencies: ["Hub", "PackCore", "Sync", "Mail", "TestPeers", "LabelGraphics", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "LabelsTests", dependencies: ["Labels", "PackCore"], exclude: ["Fixtures", "Golden"]),
        .testTarget(name: "LabelGraphicsTests", dependencies: ["LabelGraphics", "Labels", "PackCore", "TestPeers"]),
        .testTarget(name: "ScannerInputTests", dependencies: ["ScannerInput", "PackCore"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
