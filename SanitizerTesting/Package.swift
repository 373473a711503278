// swift-tools-version: 6.1
import PackageDescription

// The ZPL fast-path and scanner tests under AddressSanitizer and ThreadSanitizer
// (scripts/sanitizers.sh). A package of its own, depending on the root by path, so a sanitized
// build compiles these two test targets and what they import, not the whole package: SwiftPM
// links every test target of a package into one test binary. Tests/ holds symlinks to the
// root's test directories, so the tests are the same files.
let package = Package(
    name: "packstation-sanitizers",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "packstation", path: ".."),
    ],
    targets: [
        .testTarget(
            name: "LabelsTests",
            dependencies: [.product(name: "Labels", package: "packstation"), .product(name: "PackCore", package: "packstation")],
            exclude: ["Fixtures", "Golden"]),
        .testTarget(
            name: "ScannerInputTests",
            dependencies: [.product(name: "ScannerInput", package: "packstation"), .product(name: "PackCore", package: "packstation")],
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
