import Barcodes
import Foundation

extension Order {
    /// The most lines one order may have; more is a data error upstream, not a real box.
    public static let maximumLines = 10_000

    /// Decodes and validates an order document (UTF-8 JSON bytes).
    public static func decode(from bytes: some Collection<UInt8>) throws(OrderError) -> Order {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw OrderError(problems: [.init(path: "$", message: "is not JSON: \(error)")])
        }
        return try decode(from: value)
    }

    /// Validates a parsed order document; unknown members are ignored.
    public static func decode(from document: JSONValue) throws(OrderError) -> Order {
        var r = FieldReader()
        guard let root = r.object(document, "$") else { throw OrderError(problems: r.problems) }
        let id = r.string(root, "id", "$", maxLength: 200)
        let barcodes = r.strings(root, "barcodes", "$", maxCount: 100, maxLength: 200)
        let status: Status? = r.enumeration(root, "status", "$")
        let payment: Payment? = r.enumeration(root, "payment", "$")
        let priority: Priority? = r.enumeration(root, "priority", "$", default: .standard)
        let value = decodeMoney(&r, root["value"], "value")
        let flags = r.strings(root, "flags", "$", maxCount: 100, maxLength: 100)
        let notes = r.string(root, "notes", "$", required: false, maxLength: 10_000)
        let gift = r.string(root, "gift_message", "$", required: false, maxLength: 10_000)
        let lines = decodeLines(&r, root["lines"])
        let shipment = r.object(root["shipment"], "shipment", required: false).flatMap { decodeShipment(&r, $0) }
        if let lines { checkUniqueness(&r, barcodes: barcodes, lines: lines) }
        guard r.problems.isEmpty, let id, let status, let payment, let priority, let lines else {
            throw OrderError(problems: r.problems)
        }
        return Order(id: id, barcodes: barcodes, status: status, payment: payment, priority: priority, value: value, flags: flags, notes: notes, giftMessage: gift, lines: lines, shipment: shipment)
    }

    private static func decodeMoney(_ r: inout FieldReader, _ value: JSONValue?, _ path: String) -> Money? {
        guard let object = r.object(value, path, required: false) else { return nil }
        var amount: String?
        switch object["amount"] {
        case .number(let text)?, .string(let text)?:
            if Money.hundredths(of: text) != nil { amount = text } else { r.fail("\(path).amount", "must be a non-negative amount with at most two decimals, found \(text)") }
        case nil, .null?: r.fail("\(path).amount", "is required")
        case let other?: r.fail("\(path).amount", "must be a number, found \(other.typeDescription)")
        }
        let currency = r.string(object, "currency", path, maxLength: 3)
        if let c = currency, !(c.count == 3 && c.allSatisfy { $0.isASCII && $0.isUppercase }) {
            r.fail("\(path).currency", "must be a three-letter ISO 4217 code such as \"EUR\", found \"\(c)\"")
            return nil
        }
        guard let amount, let currency else { return nil }
        return Money(amount: amount, currency: currency)
    }

    private static func decodeLines(_ r: inout FieldReader, _ value: JSONValue?) -> [Line]? {
        guard case .array(let elements)? = value else {
            if let value, value != .null { r.fail("lines", "must be an array, found \(value.typeDescription)") } else { r.fail("lines", "is required") }
            return nil
        }
        guard !elements.isEmpty else { r.fail("lines", "must have at least one line"); return nil }
        guard elements.count <= maximumLines else { r.fail("lines", "has \(elements.count) lines; at most \(maximumLines) allowed"); return nil }
        var lines: [Line] = []
        var seenSKUs: [String: Int] = [:]
        for (i, element) in elements.enumerated() {
            let p = "lines[\(i)]"
            guard let object = r.object(element, p) else { continue }
            let sku = r.string(object, "sku", p, maxLength: 200)
            let description = r.string(object, "description", p, required: false, maxLength: 1_000, allowEmpty: true) ?? ""
            let quantity = r.int(object, "quantity", p, in: 1...1_000_000)
            let barcodes = r.strings(object, "barcodes", p, maxCount: 100, maxLength: 200)
            let serialized = r.bool(object, "serialized", p, default: false)
            let dims = r.object(object["dimensions_mm"], "\(p).dimensions_mm", required: false).flatMap { d -> Dimensions? in
                let dp = "\(p).dimensions_mm"
                guard let l = r.int(d, "length", dp, in: 1...10_000), let w = r.int(d, "width", dp, in: 1...10_000), let h = r.int(d, "height", dp, in: 1...10_000) else { return nil }
                return Dimensions(length: l, width: w, height: h)
            }
            let weight = r.int(object, "weight_g", p, in: 0...10_000_000, required: false)
            if let sku {
                if let first = seenSKUs[sku] { r.fail("\(p).sku", "\"\(sku)\" is already the SKU of lines[\(first)]; put all units of one SKU on one line") } else { seenSKUs[sku] = i }
            }
            if let sku, let quantity {
                lines.append(Line(sku: sku, description: description, quantity: quantity, barcodes: barcodes, serialized: serialized, dimensions: dims, weightGrams: weight))
            }
        }
        return lines
    }

    /// A scan must lead to exactly one place: no barcode (in any GTIN form) may belong to two
    /// lines, or to a line and to the order itself.
    private static func checkUniqueness(_ r: inout FieldReader, barcodes: [String], lines: [Line]) {
        var owner: [MatchKey: String] = [:]
        func claim(_ text: String, at path: String, includeProductForms: Bool) {
            for key in MatchKey.keys(forPrinted: text, includeProductForms: includeProductForms) {
                if let other = owner[key], other != path.prefix(while: { $0 != "." }).description {
                    r.fail(path, "\"\(text)\" is also claimed by \(other); a barcode must lead to one line")
                    return
                }
                owner[key] = path.prefix(while: { $0 != "." }).description
            }
        }
        for (i, code) in barcodes.enumerated() { claim(code, at: "barcodes[\(i)]", includeProductForms: false) }
        var skus: Set<String> = []
        for (i, line) in lines.enumerated() {
            // A repeated SKU is already reported as such.
            if skus.insert(line.sku).inserted { claim(line.sku, at: "lines[\(i)].sku", includeProductForms: false) }
            for (j, code) in line.barcodes.enumerated() { claim(code, at: "lines[\(i)].barcodes[\(j)]", includeProductForms: true) }
        }
    }

    private static func decodeShipment(_ r: inout FieldReader, _ object: JSONValue) -> Shipment? {
        let p = "shipment"
        let carrier = r.string(object, "carrier", p, maxLength: 100)
        let service = r.string(object, "service", p, maxLength: 100)
        let tracking = r.string(object, "tracking", p, required: false, maxLength: 100)
        let from = r.object(object["from"], "\(p).from").flatMap { decodeAddress(&r, $0, "\(p).from") }
        let to = r.object(object["to"], "\(p).to").flatMap { decodeAddress(&r, $0, "\(p).to") }
        let packages = r.int(object, "packages", p, in: 1...999, required: false) ?? 1
        var label: CarrierLabel?
        if let l = r.object(object["label"], "\(p).label", required: false) {
            let format: CarrierLabel.Format? = r.enumeration(l, "format", "\(p).label")
            let text = r.string(l, "data", "\(p).label", maxLength: 50_000_000)
            if let text {
                if let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty {
                    if let format { label = CarrierLabel(format: format, data: Array(data)) }
                } else {
                    r.fail("\(p).label.data", "is not base64 data")
                }
            }
        }
        guard let carrier, let service, let from, let to else { return nil }
        return Shipment(carrier: carrier, service: service, tracking: tracking, from: from, to: to, packages: packages, label: label)
    }

    private static func decodeAddress(_ r: inout FieldReader, _ object: JSONValue, _ p: String) -> Address? {
        let name = r.string(object, "name", p, maxLength: 200)
        let company = r.string(object, "company", p, required: false, maxLength: 200)
        let street = r.strings(object, "street", p, maxCount: 4, maxLength: 200)
        if street.isEmpty, object["street"] == nil { r.fail("\(p).street", "is required (an array of 1 to 4 lines)") }
        let city = r.string(object, "city", p, maxLength: 100)
        let region = r.string(object, "region", p, required: false, maxLength: 100)
        let postal = r.string(object, "postal_code", p, required: false, maxLength: 20)
        let country = r.string(object, "country", p, maxLength: 100)
        if let c = country, !(c.count == 2 && c.allSatisfy { $0.isASCII && $0.isUppercase }) {
            r.fail("\(p).country", "must be a two-letter ISO 3166 code such as \"DE\", found \"\(c)\"")
        }
        let phone = r.string(object, "phone", p, required: false, maxLength: 40)
        guard let name, let city, let country, !street.isEmpty else { return nil }
        return Address(name: name, company: company, street: street, city: city, region: region, postalCode: postal, country: country, phone: phone)
    }
}
