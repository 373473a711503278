import Foundation

/// The secondary message of a UPS MaxiCode: an ANSI MH10.8.3 / ISO 15434 transportation message,
/// format 01, version 96 — `[)>` RS `01` GS `96` tracking GS SCAC GS shipper GS pickup day GS
/// shipment id GS n/x GS weight GS Y/N GS street GS city GS state RS EOT.
public struct UPSMaxiCodeMessage: Hashable, Sendable {
    /// The tracking number (mandatory).
    public var trackingNumber: String
    /// The carrier's SCAC (mandatory): UPSN.
    public var scac: String
    /// The UPS shipper (account) number, 6 letters and digits.
    public var shipperNumber: String
    /// The Julian day of pickup, 001–366.
    public var pickupDay: String
    /// The shipment id number.
    public var shipmentID: String
    /// Which package of the shipment, written `n/x`.
    public var package: String
    /// The package weight in whole pounds.
    public var weight: String
    /// Whether the ship-to address was validated: `Y` or `N`.
    public var addressValidation: String
    /// The ship-to street address.
    public var street: String
    /// The ship-to city.
    public var city: String
    /// The ship-to state or province.
    public var state: String

    /// Creates a message; every value is used as given until `text` formats it.
    public init(trackingNumber: String, scac: String = "UPSN", shipperNumber: String = "", pickupDay: String = "", shipmentID: String = "", package: String = "1/1", weight: String = "", addressValidation: String = "", street: String = "", city: String = "", state: String = "") {
        self.trackingNumber = trackingNumber
        self.scac = scac
        self.shipperNumber = shipperNumber
        self.pickupDay = pickupDay
        self.shipmentID = shipmentID
        self.package = package
        self.weight = weight
        self.addressValidation = addressValidation
        self.street = street
        self.city = city
        self.state = state
    }

    /// The message with its separators, as UPS wants it:
    /// - an 18-character `1Z` tracking number is written as UPS's MaxiCode does, `1Z` and its last
    ///   8 characters, and gives the shipper number (its characters 3–8) when none is set;
    /// - address text is folded to plain ASCII capitals and control characters become spaces, so
    ///   no value can add a field; street, then city, are shortened until the message fits the
    ///   84 codewords of modes 2 and 3 (the primary message already routes the parcel);
    /// - the coded fields are only trimmed and upper-cased: `check` says which one is wrong.
    public var text: String {
        var tracking = Self.coded(trackingNumber)
        var shipper = Self.coded(shipperNumber)
        if tracking.count == 18, tracking.hasPrefix("1Z") {
            if shipper.isEmpty { shipper = String(tracking.dropFirst(2).prefix(6)) }
            tracking = "1Z" + tracking.suffix(8)
        }
        let coded = [tracking, Self.coded(scac), shipper] + [pickupDay, shipmentID, package, weight, addressValidation].map(Self.coded)
        var address = [street, city, state].map(Self.address)
        func joined() -> String {
            MaxiCodeEncoding.structuredHeader + "96" + (coded + address).joined(separator: "\u{1D}") + "\u{1E}\u{04}"
        }
        var message = joined()
        let capacity = MaxiCodeEncoding.capacity(.numericPostalCode)
        for field in 0..<2 {
            while MaxiCodeEncoding.codewords(message) > capacity, !address[field].isEmpty {
                address[field] = String(address[field].dropLast()).trimmingCharacters(in: .whitespaces)
                message = joined()
            }
        }
        return message
    }

    static func coded(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.map(Character.init)).trimmingCharacters(in: .whitespaces).uppercased()
    }

    static func address(_ value: String) -> String {
        let folded = value.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).uppercased()
        var out = ""
        var lastSpace = true
        for s in folded.unicodeScalars {
            let printable = s.value > 0x20 && s.value < 0x7F
            if printable {
                out.unicodeScalars.append(s)
                lastSpace = false
            } else if !lastSpace {
                out.append(" ")
                lastSpace = true
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// Checks a UPS secondary message (`[)>` RS `01` GS `96` …) field by field.
    static func check(_ message: String) throws(LabelError) {
        func fail(_ field: String, _ problem: String) -> LabelError {
            LabelError(code: "maxicode.ups", message: "UPS MaxiCode: the \(field) \(problem). Check the order's shipment data or the template's maxicode.ups values.")
        }
        let start = MaxiCodeEncoding.structuredHeader + "96"
        guard message.hasSuffix("\u{1E}\u{04}") else { throw fail("message", "must end with RS EOT (it is cut or malformed)") }
        let body = message.dropFirst(start.count).dropLast(2)
        let fields = body.split(separator: "\u{1D}", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 11 else { throw fail("message", "has \(fields.count) GS-separated fields; format 96 has 11 (tracking … state)") }
        func isAlnum(_ s: String) -> Bool { s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) } }
        func isDigits(_ s: String) -> Bool { s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        let (tracking, scac, shipper, day, shipment, package, weight, validation) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7])
        guard !tracking.isEmpty, tracking.count <= 35, isAlnum(tracking) else { throw fail("tracking number \"\(tracking.prefix(40))\"", "must be 1–35 capital letters and digits (it is mandatory)") }
        guard scac.count >= 2, scac.count <= 4, isAlnum(scac) else { throw fail("SCAC \"\(scac.prefix(10))\"", "must be 2–4 capital letters (UPSN for UPS; it is mandatory)") }
        guard shipper.isEmpty || (shipper.count == 6 && isAlnum(shipper)) else { throw fail("shipper number \"\(shipper.prefix(20))\"", "must be 6 capital letters and digits") }
        guard day.isEmpty || (day.count == 3 && isDigits(day) && (1...366).contains(Int(day)!)) else { throw fail("Julian day of pickup \"\(day.prefix(10))\"", "must be 3 digits, 001 to 366") }
        guard shipment.count <= 30, isAlnum(shipment) else { throw fail("shipment id \"\(shipment.prefix(40))\"", "must be at most 30 capital letters and digits") }
        let nx = package.split(separator: "/", omittingEmptySubsequences: false)
        guard package.isEmpty || (nx.count == 2 && !nx[0].isEmpty && !nx[1].isEmpty && isDigits(String(nx[0])) && isDigits(String(nx[1])) && nx[0].count <= 3 && nx[1].count <= 3
                                  && Int(nx[0])! >= 1 && Int(nx[0])! <= Int(nx[1])!) else { throw fail("package number \"\(package.prefix(10))\"", "must be n/x with 1 ≤ n ≤ x, e.g. 1/2") }
        guard weight.count <= 3, isDigits(weight), weight.isEmpty || Int(weight)! > 0 else { throw fail("weight \"\(weight.prefix(10))\"", "must be whole pounds, 1 to 999") }
        guard validation.isEmpty || validation == "Y" || validation == "N" else { throw fail("address validation \"\(validation.prefix(10))\"", "must be Y or N") }
        for (value, name) in [(fields[8], "ship-to street"), (fields[9], "ship-to city"), (fields[10], "ship-to state")] {
            guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else { throw fail(name, "has characters a UPS MaxiCode does not carry (plain ASCII only)") }
        }
        guard !fields[9].isEmpty || fields[8].isEmpty else { throw fail("ship-to city", "is empty while the street is given") }
    }
}
