/// How an order travels: carrier, service, addresses, packages and an optional carrier-made label.
public struct Shipment: Hashable, Sendable {
    /// Carrier name, e.g. `UPS`, `DHL`.
    public var carrier: String
    /// Service level, e.g. `Ground`, `Express 12:00`.
    public var service: String
    /// The carrier's tracking number, when known before packing.
    public var tracking: String?
    /// Sender.
    public var from: Address
    /// Recipient.
    public var to: Address
    /// Number of packages, at least 1.
    public var packages: Int
    /// A label the carrier made, printed as it is: the label of package 1.
    public var label: CarrierLabel?
    /// The carrier's labels of packages 2…N, by package number (`shipment.labels`).
    public var packageLabels: [Int: CarrierLabel]
    /// Each package's weight in grams, package 1 first, when the server knows them
    /// (`shipment.package_weights`, one per package).
    public var packageWeights: [Int]?
    /// Each package's own tracking number, package 1 first, when the carrier gives one per
    /// parcel (`shipment.package_tracking`, one per package); else every package has `tracking`.
    public var packageTracking: [String]?

    /// Creates a shipment.
    public init(carrier: String, service: String, tracking: String? = nil, from: Address, to: Address, packages: Int = 1, label: CarrierLabel? = nil, packageLabels: [Int: CarrierLabel] = [:], packageWeights: [Int]? = nil, packageTracking: [String]? = nil) {
        self.carrier = carrier
        self.service = service
        self.tracking = tracking
        self.from = from
        self.to = to
        self.packages = packages
        self.label = label
        self.packageLabels = packageLabels
        self.packageWeights = packageWeights
        self.packageTracking = packageTracking
    }

    /// The tracking number of package `k` (1-based): its own, else the shipment's.
    public func tracking(package k: Int) -> String? {
        guard let numbers = packageTracking, numbers.indices.contains(k - 1) else { return tracking }
        return numbers[k - 1]
    }

    /// The carrier's label of package `k` (1-based), if the carrier made one.
    public func carrierLabel(package k: Int) -> CarrierLabel? {
        k == 1 ? label : packageLabels[k]
    }

    /// Whether the carrier sent one label per package (`shipment.labels`): then every box
    /// prints its own carrier label and there are no more boxes than labels.
    public var hasLabelPerPackage: Bool { !packageLabels.isEmpty }

    /// The weight of package `k` (1-based) as the order gives it, in grams.
    public func weightGrams(package k: Int) -> Int? {
        guard let weights = packageWeights, weights.indices.contains(k - 1) else { return nil }
        return weights[k - 1]
    }
}

/// A postal address.
public struct Address: Hashable, Sendable {
    /// Person or company name.
    public var name: String
    /// Company, when a person is named.
    public var company: String?
    /// Street lines.
    public var street: [String]
    /// City.
    public var city: String
    /// State, province or region.
    public var region: String?
    /// Postal code.
    public var postalCode: String?
    /// ISO 3166-1 alpha-2 country code.
    public var country: String
    /// Phone, for the carrier.
    public var phone: String?

    /// Creates an address.
    public init(name: String, company: String? = nil, street: [String], city: String, region: String? = nil, postalCode: String? = nil, country: String, phone: String? = nil) {
        self.name = name
        self.company = company
        self.street = street
        self.city = city
        self.region = region
        self.postalCode = postalCode
        self.country = country
        self.phone = phone
    }
}

/// A label made by the carrier, carried in the order as base64.
public struct CarrierLabel: Hashable, Sendable {
    /// The label formats a carrier may send.
    public enum Format: String, Hashable, Sendable, CaseIterable { case zpl, pdf, png }
    /// The format of `data`.
    public var format: Format
    /// The label bytes, decoded from base64.
    public var data: [UInt8]

    /// Creates a carrier label.
    public init(format: Format, data: [UInt8]) {
        self.format = format
        self.data = data
    }
}
