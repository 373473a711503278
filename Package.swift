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
        .library(name: "PackCore", targets: ["PackCore"]),
        .library(name: "Barcodes", targets: ["Barcodes"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Barcode rules: GTIN check digits, UPC-E, AIM identifiers, GS1 element strings, Digital Link.
        .target(name: "Barcodes"),
        // The domain: orders, the pack session state machine, pack results.
        .target(name: "PackCore", dependencies: ["Barcodes"]),
        // Printing: printer URIs, raw TCP 9100 with Zebra host status, files; CUPS and USB.
        .target(name: "Printing"),
        // Composition: files, replay, configuration; the only place that wires adapters.
        .target(name: "Station", dependencies: ["PackCore", "Barcodes"]),
        .executableTarget(
            name: "packstation",
            dependencies: [
                "Station",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "packstation-bench", dependencies: ["PackCore", "Barcodes", "Station"]),

        .testTarget(name: "BarcodesTests", dependencies: ["Barcodes"]),
        .testTarget(name: "PackCoreTests", dependencies: ["PackCore", "Barcodes"]),
        .testTarget(name: "StationTests", dependencies: ["Station", "PackCore"]),
        .testTarget(name: "PrintingTests", dependencies: ["Printing"]),
        .testTarget(name: "PackstationCLITests", dependencies: ["packstation"]),
    ],
    swiftLanguageModes: [.v6]
)
