/// A package the dock may load into a carrier's trailer: what its label's barcode reads, whose
/// order it is, and the carrier and service it travels with.
public struct DockPackage: Hashable, Sendable {
    /// What the loader scans: the package's tracking number, or ``packageCode(orderID:number:)``
    /// when the carrier has given it none.
    public var code: String
    /// The order.
    public var orderID: String
    /// The package's number within the order, from 1.
    public var number: Int
    /// The carrier, as the order names it.
    public var carrier: String
    /// The service level.
    public var service: String
    /// The weight in grams, when known.
    public var weightGrams: Int?

    /// Creates a package.
    public init(code: String, orderID: String, number: Int, carrier: String, service: String, weightGrams: Int? = nil) {
        self.code = code
        self.orderID = orderID
        self.number = number
        self.carrier = carrier
        self.service = service
        self.weightGrams = weightGrams
    }

    /// The code our own shipping label prints for a package without a tracking number
    /// (`{package.code}` in the templates): `PKG:ORDER:N`. Order ids never start with `PKG:`
    /// (they are also refused as bench commands), so it cannot be read as another order.
    public static func packageCode(orderID: String, number: Int) -> String { "PKG:\(orderID):\(number)" }

    /// The code the dock scans for package `number` of an order: its tracking, else the package code.
    public static func code(orderID: String, number: Int, tracking: String?) -> String {
        if let tracking, !tracking.isEmpty { return tracking }
        return packageCode(orderID: orderID, number: number)
    }

    /// The tracking number package `number` of a shipment carries as its own:
    /// `shipment.package_tracking`'s, else for package 1 the shipment's `tracking`. Nil for the
    /// other packages of a shipment with one number (it cannot tell them apart at the dock) and
    /// for packages past the end of `package_tracking` (boxes beyond the order's packages).
    public static func ownTracking(_ shipment: Shipment?, number: Int) -> String? {
        guard let shipment else { return nil }
        let tracking: String?
        if let list = shipment.packageTracking {
            tracking = list.indices.contains(number - 1) ? list[number - 1] : nil
        } else {
            tracking = number == 1 ? shipment.tracking : nil
        }
        return tracking?.isEmpty == false ? tracking : nil
    }

    /// The code the dock scans for package `number` of an order, and the barcode our own label
    /// of that package prints: its own tracking number, else `PKG:ORDER:N`.
    public static func code(orderID: String, number: Int, shipment: Shipment?) -> String {
        code(orderID: orderID, number: number, tracking: ownTracking(shipment, number: number))
    }

    /// Whether two carrier names are the same carrier: case and surrounding spaces do not count.
    public static func sameCarrier(_ a: String, _ b: String) -> Bool {
        normalizedCarrier(a) == normalizedCarrier(b)
    }

    /// A carrier name as the dock compares and files it: trimmed, upper case.
    public static func normalizedCarrier(_ name: String) -> String {
        var scalars = Substring(name).unicodeScalars
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars).uppercased()
    }
}

/// The answer to one scan at the dock in load mode, as the loader sees and hears it.
public struct LoadVerdict: Hashable, Sendable {
    /// The verdict names, as they appear in JSON (the kiosk, the hub's load scans).
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Expected for this trailer and now counted as loaded.
        case loaded
        /// Scanned into this trailer before: counted once.
        case alreadyLoaded = "already_loaded"
        /// A known package of another carrier: take it off this trailer.
        case wrongCarrier = "wrong_carrier"
        /// Not a package the hub knows (nor an order of this station).
        case unknownPackage = "unknown_package"
        /// The package of an order that is not packed yet: it must not leave.
        case notPacked = "not_packed"

        /// Whether the package may stay on the trailer.
        public var isGood: Bool { self == .loaded || self == .alreadyLoaded }
    }

    /// The verdict.
    public var kind: Kind
    /// A sentence for the loader.
    public var message: String
    /// The package matched, if any.
    public var package: DockPackage?
}

/// What a scan at the dock means, from what is known where the scan is made (the station's
/// cache of the hub's packages). No I/O and no clock: every case is a table test.
public enum LoadCheck {
    /// The verdict for `code` scanned into `carrier`'s trailer. `package` is the package with
    /// that code, if one is known; `loaded` whether it was already scanned into this trailer;
    /// `unpackedOrder` the order the code belongs to when it is an order not packed yet.
    public static func verdict(code: String, carrier: String, package: DockPackage?, loaded: Bool, unpackedOrder: String?) -> LoadVerdict {
        let trailer = DockPackage.normalizedCarrier(carrier)
        guard let package else {
            if let order = unpackedOrder {
                return LoadVerdict(kind: .notPacked, message: "NOT PACKED — \(code) belongs to order \(order), which is not packed yet. Take it off the trailer and back to packing.")
            }
            return LoadVerdict(kind: .unknownPackage, message: "UNKNOWN — \(code) is not a package the hub knows. Put it aside and tell a supervisor.")
        }
        let which = "Order \(package.orderID), package \(package.number)"
        guard DockPackage.sameCarrier(package.carrier, carrier) else {
            return LoadVerdict(kind: .wrongCarrier, message: "WRONG CARRIER — \(which) goes with \(DockPackage.normalizedCarrier(package.carrier)), not \(trailer). Take it off this trailer.", package: package)
        }
        if loaded {
            return LoadVerdict(kind: .alreadyLoaded, message: "Already loaded — \(which) was scanned into the \(trailer) trailer before; counted once.", package: package)
        }
        return LoadVerdict(kind: .loaded, message: "Loaded — \(which) (\(package.service)) into the \(trailer) trailer.", package: package)
    }
}
