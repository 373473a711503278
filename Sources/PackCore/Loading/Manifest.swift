import Foundation

/// A carrier's end-of-day manifest: the packages handed to the driver, counted per service,
/// and those expected but not loaded when the close-out allowed it. What the PDF and the CSV
/// show; the hub files it with the close-out.
public struct Manifest: Hashable, Sendable {
    /// The paper the PDF is laid out for.
    public enum Paper: String, Hashable, Sendable, CaseIterable { case a4, letter }

    /// One package line.
    public struct Line: Hashable, Sendable {
        /// The order.
        public var orderID: String
        /// Package number within the order.
        public var package: Int
        /// What the label's barcode reads: the tracking number, or the package code.
        public var tracking: String
        /// Service level.
        public var service: String
        /// Weight in grams, when known.
        public var weightGrams: Int?

        /// Creates a line.
        public init(orderID: String, package: Int, tracking: String, service: String, weightGrams: Int?) {
            self.orderID = orderID
            self.package = package
            self.tracking = tracking
            self.service = service
            self.weightGrams = weightGrams
        }
    }

    /// Packages and weight of one service.
    public struct ServiceCount: Hashable, Sendable {
        public var service: String
        public var packages: Int
        /// Grams of the packages whose weight is known.
        public var weightGrams: Int
    }

    /// The manifest's id, printed as a Code 128 barcode for the driver: ASCII letters, digits and '-'.
    public var id: String
    /// The carrier.
    public var carrier: String
    /// The day closed, `YYYY-MM-DD`.
    public var date: String
    /// When it was closed.
    public var closedAt: Date
    /// Who closed it.
    public var closedBy: String
    /// The packages loaded, in load order.
    public var loaded: [Line]
    /// Packages expected and not loaded (a close-out with `--allow-missing`).
    public var missing: [Line]
    /// The PDF's paper.
    public var paper: Paper

    /// Creates a manifest.
    public init(id: String, carrier: String, date: String, closedAt: Date, closedBy: String, loaded: [Line], missing: [Line], paper: Paper) {
        self.id = id
        self.carrier = carrier
        self.date = date
        self.closedAt = closedAt
        self.closedBy = closedBy
        self.loaded = loaded
        self.missing = missing
        self.paper = paper
    }

    /// The loaded packages per service, by service name.
    public var services: [ServiceCount] {
        var counts: [String: ServiceCount] = [:]
        for line in loaded {
            counts[line.service, default: ServiceCount(service: line.service, packages: 0, weightGrams: 0)].packages += 1
            counts[line.service]!.weightGrams += line.weightGrams ?? 0
        }
        return counts.values.sorted { $0.service < $1.service }
    }

    /// Grams of the loaded packages whose weight is known.
    public var totalWeightGrams: Int { loaded.reduce(0) { $0 + ($1.weightGrams ?? 0) } }

    /// Orders among the loaded packages.
    public var orderCount: Int { Set(loaded.map(\.orderID)).count }

    /// Grams as the manifest writes them: kilograms with three decimals ("1.250").
    public static func kilograms(_ grams: Int) -> String {
        "\(grams / 1000).\(String(repeating: "0", count: 3 - String(grams % 1000).count))\(grams % 1000)"
    }
}
