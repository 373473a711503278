// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for packstation's parsers of untrusted input (docs/fuzzing.md).
//
// A package of its own, depending on the root by path, so the root's `swift build` and
// `swift test` never see these executables: each one's main hands its fuzz function to
// libFuzzer's driver (FuzzDriver), so it only links when built by scripts/fuzz.sh with
// `-sanitize=fuzzer,address`.
let package = Package(
    name: "packstation-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "packstation", path: ".."),
    ],
    targets: [
        // libFuzzer's LLVMFuzzerRunDriver, declared for Swift (the symbol comes with -sanitize=fuzzer).
        .systemLibrary(name: "CLibFuzzer"),
        // Fuzzer.run: each target's main.swift hands its function to libFuzzer.
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer"]),
        // Order JSON: JSONParser.parse, Order.decode from bytes and from the tree, jsonText round trip.
        .executableTarget(name: "FuzzOrderJSON", dependencies: ["FuzzDriver", .product(name: "PackCore", package: "packstation")]),
        // station.toml: TOMLDocument and StationConfiguration.load.
        .executableTarget(name: "FuzzStationTOML", dependencies: ["FuzzDriver", .product(name: "Station", package: "packstation")]),
        // The hub's CSV order import (OrderImport.parse of a .csv file).
        .executableTarget(name: "FuzzCSVImport", dependencies: [
            "FuzzDriver",
            .product(name: "Hub", package: "packstation"), .product(name: "PackCore", package: "packstation"),
        ]),
        // Barcode.parse and the GS1 rules (element strings, Digital Link, GTIN, UPC-E).
        .executableTarget(name: "FuzzBarcode", dependencies: ["FuzzDriver", .product(name: "Barcodes", package: "packstation")]),
        // The scan decoder on raw `struct input_event` captures, as `packstation scan --replay` runs it.
        .executableTarget(name: "FuzzScanDecoder", dependencies: [
            "FuzzDriver",
            .product(name: "ScannerInput", package: "packstation"), .product(name: "PackCore", package: "packstation"),
        ]),
        // The carrier ZPL splitter (and the carrier PDF page count beside it).
        .executableTarget(name: "FuzzCarrierZPL", dependencies: ["FuzzDriver", .product(name: "Labels", package: "packstation")]),
        // ZPL read as a printer reads it: ZPLTokenizer, ZPLDocument, preambles and ^PQ rewriting.
        .executableTarget(name: "FuzzZPLDocument", dependencies: ["FuzzDriver", .product(name: "Labels", package: "packstation")]),
        // The hub's results batch (POST /v1/results bodies).
        .executableTarget(name: "FuzzResultBatch", dependencies: [
            "FuzzDriver",
            .product(name: "Hub", package: "packstation"), .product(name: "PackCore", package: "packstation"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
