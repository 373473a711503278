import Barcodes
import Foundation

extension Order {
    /// The most lines one order may have; more is a data error upstream, not a real box.
    public static let maximumLines = 10_000

    /// Decodes and validates an order document (UTF-8 JSON bytes), reading the fields straight
    /// from the scanned bytes without building a `JSONValue` tree.
    public static func decode(from bytes: some Collection<UInt8>) throws(OrderError) -> Order {
        let document: JSONDocument
        do {
            document = try JSONDocument(parsing: bytes)
        } catch {
            throw OrderError(problems: [.init(path: "$", message: "is not JSON: \(error)")])
        }
        return try decode(from: document, at: document.root)
    }

    /// Validates the order at one value of a scanned document (the root, or an element of an
    /// array of orders); the problems and their paths are those of `decode(from:)` on that value alone.
    public static func decode(from document: JSONDocument, at node: JSONDocument.Node) throws(OrderError) -> Order {
        try document.tape.withNode(node.index) { root throws(OrderError) in try decode(node: root) }
    }

    /// Validates a parsed order document; unknown members are ignored.
    public static func decode(from document: JSONValue) throws(OrderError) -> Order {
        try decode(node: document)
    }

    private static func decode<N: JSONReadable>(node document: N) throws(OrderError) -> Order {
        var r = FieldReader()
        guard var root = r.object(document, "$") else { throw OrderError(r.problems) }
        let id = r.string(&root, "id", "$", maxLength: 200)
        let barcodes = r.strings(&root, "barcodes", "$", maxCount: 100, maxLength: 200)
        let status: Status? = r.enumeration(&root, "status", "$")
        let payment: Payment? = r.enumeration(&root, "payment", "$")
        let priority: Priority? = r.enumeration(&root, "priority", "$", default: .standard)
        let shipBy = r.string(&root, "ship_by", "$", required: false, maxLength: 100)
        if let s = shipBy, !isCalendarDate(s) {
            r.fail("ship_by", "must be a calendar date written YYYY-MM-DD, such as \"2026-12-04\", found \"\(s)\"")
        }
        let value = decodeMoney(&r, root.member("value"), "value")
        let flags = r.strings(&root, "flags", "$", maxCount: 100, maxLength: 100)
        let notes = r.string(&root, "notes", "$", required: false, maxLength: 10_000)
        let gift = r.string(&root, "gift_message", "$", required: false, maxLength: 10_000)
        let lines = decodeLines(&r, root.member("lines"))
        let shipment = r.object(root.member("shipment"), "shipment", required: false).flatMap { decodeShipment(&r, $0) }
        let customer = r.object(root.member("customer"), "customer", required: false).map { decodeCustomer(&r, $0) }
        let channel = r.string(&root, "channel", "$", required: false, maxLength: 100)
        let rules = decodeRules(&r, root.member("rules"))
        if let lines { checkUniqueness(&r, barcodes: barcodes, lines: lines) }
        guard r.problems.isEmpty, let id, let status, let payment, let priority, let lines else {
            throw OrderError(r.problems)
        }
        return Order(id: id, barcodes: barcodes, status: status, payment: payment, priority: priority, shipBy: shipBy, value: value, flags: flags, notes: notes, giftMessage: gift, lines: lines, shipment: shipment, customer: customer, channel: channel, rules: rules)
    }

    /// Exactly `length` letters A-Z: an ISO code such as `EUR` or `DE` (three ASCII uppercase
    /// characters are three such bytes, and no other text is).
    private static func isUppercaseCode(_ text: String, length: Int) -> Bool {
        var text = text
        return text.withUTF8 { $0.count == length && $0.allSatisfy { $0 &- UInt8(ascii: "A") < 26 } }
    }

    /// `YYYY-MM-DD` naming a day that exists (month 01-12, day within the month, leap years
    /// counted), so the text sorts as the date does.
    static func isCalendarDate(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                let d = b[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                n = n * 10 + Int(d)
            }
            return n
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), year >= 1, (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    /// The `customer` object: an e-mail with exactly one '@' and something on each side, and a
    /// language tag of letters, digits and '-' (BCP 47's alphabet; its registry is not checked).
    private static func decodeCustomer<N: JSONReadable>(_ r: inout FieldReader, _ found: N) -> Customer {
        var object = found
        let name = r.string(&object, "name", "customer", required: false, maxLength: 200)
        let email = r.string(&object, "email", "customer", required: false, maxLength: 254)
        if let e = email {
            let parts = e.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count != 2 || parts[0].isEmpty || parts[1].isEmpty || e.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 32 || $0 == 127 } == true }) {
                r.fail("customer.email", "must be one address such as \"ana@example.com\" (one '@', no spaces), found \"\(e)\"")
            }
        }
        let language = r.string(&object, "language", "customer", required: false, maxLength: 35)
        if let l = language, !isLanguageTag(l) {
            r.fail("customer.language", "must be a language tag such as \"es\", \"en-GB\" or \"es-MX\", found \"\(l)\"")
        }
        return Customer(name: name, email: email, language: language)
    }

    /// Subtags of 1 to 8 ASCII letters or digits joined by '-', the first of 2 to 8 letters.
    static func isLanguageTag(_ text: String) -> Bool {
        let subtags = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = subtags.first, (2...8).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return subtags.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    private static func decodeMoney<N: JSONReadable>(_ r: inout FieldReader, _ value: N?, _ path: String) -> Money? {
        guard var object = r.object(value, path, required: false) else { return nil }
        var amount: String?
        let found = object.member("amount")
        switch found?.kind {
        case .number?, .string?:
            let text = found!.kind == .number ? found!.numberText : found!.stringValue
            if Money.hundredths(of: text) != nil { amount = text } else { r.fail("\(path).amount", "must be a non-negative amount with at most two decimals, found \(text)") }
        case nil, .null?: r.fail("\(path).amount", "is required")
        case let other?: r.fail("\(path).amount", "must be a number, found \(other.typeDescription)")
        }
        let currency = r.string(&object, "currency", path, maxLength: 3)
        if let c = currency, !isUppercaseCode(c, length: 3) {
            r.fail("\(path).currency", "must be a three-letter ISO 4217 code such as \"EUR\", found \"\(c)\"")
            return nil
        }
        guard let amount, let currency else { return nil }
        return Money(amount: amount, currency: currency)
    }

    private static func decodeLines<N: JSONReadable>(_ r: inout FieldReader, _ value: N?) -> [Line]? {
        guard let value, value.kind == .array else {
            if let value, value.kind != .null { r.fail("lines", "must be an array, found \(value.kind.typeDescription)") } else { r.fail("lines", "is required") }
            return nil
        }
        let count = value.elementCount
        guard count > 0 else { r.fail("lines", "must have at least one line"); return nil }
        guard count <= maximumLines else { r.fail("lines", "has \(count) lines; at most \(maximumLines) allowed"); return nil }
        var lines: [Line] = []
        lines.reserveCapacity(count)
        var seenSKUs = SmallMap<String, Int>()
        for (i, element) in value.elements.enumerated() {
            guard var object = r.object(element, "lines[\(i)]") else { continue }
            let sku = r.string(&object, "sku", "lines[\(i)]", maxLength: 200)
            let description = r.string(&object, "description", "lines[\(i)]", required: false, maxLength: 1_000, allowEmpty: true) ?? ""
            let quantity = r.int(&object, "quantity", "lines[\(i)]", in: 1...1_000_000)
            let barcodes = r.strings(&object, "barcodes", "lines[\(i)]", maxCount: 100, maxLength: 200)
            let serialized = r.bool(&object, "serialized", "lines[\(i)]", default: false)
            let dims = r.object(object.member("dimensions_mm"), "lines[\(i)].dimensions_mm", required: false).flatMap { found -> Dimensions? in
                var d = found
                guard let l = r.int(&d, "length", "lines[\(i)].dimensions_mm", in: 1...10_000),
                    let w = r.int(&d, "width", "lines[\(i)].dimensions_mm", in: 1...10_000),
                    let h = r.int(&d, "height", "lines[\(i)].dimensions_mm", in: 1...10_000)
                else { return nil }
                return Dimensions(length: l, width: w, height: h)
            }
            let weight = r.int(&object, "weight_g", "lines[\(i)]", in: 0...10_000_000, required: false)
            if let sku {
                if let first = seenSKUs.valueOrInsert(sku, i) { r.fail("lines[\(i)].sku", "\"\(sku)\" is already the SKU of lines[\(first)]; put all units of one SKU on one line") }
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
        /// Who claims a key: the order's barcode i (as `-1 - i`) or line i.
        var owner = SmallMap<MatchKey, Int>()
        func name(_ claimant: Int) -> String { claimant < 0 ? "barcodes[\(-1 - claimant)]" : "lines[\(claimant)]" }
        func claim(_ text: String, by claimant: Int, at path: @autoclosure () -> String, includeProductForms: Bool) {
            MatchKey.forEachKey(forPrinted: text, includeProductForms: includeProductForms) { key in
                if let other = owner.valueOrInsert(key, claimant), other != claimant {
                    r.fail(path(), "\"\(text)\" is also claimed by \(name(other)); a barcode must lead to one line")
                    return false
                }
                return true
            }
        }
        for (i, code) in barcodes.enumerated() { claim(code, by: -1 - i, at: "barcodes[\(i)]", includeProductForms: false) }
        // Small orders compare SKUs with the lines before (no set to allocate and free).
        var skus: Set<String>? = lines.count > SmallMap<String, Void>.smallLimit ? Set(minimumCapacity: lines.count) : nil
        for (i, line) in lines.enumerated() {
            let firstOfSKU = skus != nil ? skus!.insert(line.sku).inserted : !lines[..<i].contains { $0.sku == line.sku }
            // A repeated SKU is already reported as such.
            if firstOfSKU { claim(line.sku, by: i, at: "lines[\(i)].sku", includeProductForms: false) }
            for (j, code) in line.barcodes.enumerated() { claim(code, by: i, at: "lines[\(i)].barcodes[\(j)]", includeProductForms: true) }
        }
    }

    private static func decodeShipment<N: JSONReadable>(_ r: inout FieldReader, _ shipment: N) -> Shipment? {
        let p = "shipment"
        var object = shipment
        let carrier = r.string(&object, "carrier", p, maxLength: 100)
        let service = r.string(&object, "service", p, maxLength: 100)
        let tracking = r.string(&object, "tracking", p, required: false, maxLength: 100)
        let from = r.object(object.member("from"), "shipment.from").flatMap { decodeAddress(&r, $0, "shipment.from") }
        let to = r.object(object.member("to"), "shipment.to").flatMap { decodeAddress(&r, $0, "shipment.to") }
        let packages = r.int(&object, "packages", p, in: 1...999, required: false) ?? 1
        // Each member looked up once, in the order they are usually written.
        let labelValue = object.member("label")
        var label: CarrierLabel?
        if let l = r.object(labelValue, "shipment.label", required: false) {
            label = decodeCarrierLabel(&r, l, { "shipment.label" })
        }
        let hasLabel = labelValue.map { $0.kind != .null } ?? false
        let packageLabels = decodePackageLabels(&r, object.member("labels"), packages: packages, label: &label, hasLabel: hasLabel)
        let weights = decodePackageWeights(&r, object.member("package_weights"), packages: packages)
        let packageTracking = decodePackageTracking(&r, object.member("package_tracking"), packages: packages)
        guard let carrier, let service, let from, let to else { return nil }
        return Shipment(carrier: carrier, service: service, tracking: tracking, from: from, to: to, packages: packages, label: label, packageLabels: packageLabels, packageWeights: weights, packageTracking: packageTracking)
    }

    /// `{format, data}` of a carrier label; nil when a member is wrong (each reported).
    private static func decodeCarrierLabel<N: JSONReadable>(_ r: inout FieldReader, _ value: N, _ p: () -> String) -> CarrierLabel? {
        var l = value
        let format: CarrierLabel.Format? = r.enumeration(&l, "format", p())
        guard let text = r.string(&l, "data", p(), maxLength: 50_000_000) else { return nil }
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
            r.fail("\(p()).data", "is not base64 data")
            return nil
        }
        return format.map { CarrierLabel(format: $0, data: Array(data)) }
    }

    /// `shipment.labels`: one carrier label per package, `{format, data, package}` with package
    /// 1…`packages`, each package once (package 1 may come as `shipment.label` instead), and then
    /// every package has one. Package 1's label becomes `label`; the others are returned by number.
    private static func decodePackageLabels<N: JSONReadable>(_ r: inout FieldReader, _ value: N?, packages: Int, label: inout CarrierLabel?, hasLabel: Bool) -> [Int: CarrierLabel] {
        guard let value, value.kind != .null else { return [:] }
        guard value.kind == .array else {
            r.fail("shipment.labels", "must be an array of {format, data, package}, one per package, found \(value.kind.typeDescription)")
            return [:]
        }
        guard value.elementCount <= packages else {
            r.fail("shipment.labels", "has \(value.elementCount) labels for \(packages) package\(packages == 1 ? "" : "s") (shipment.packages); give one label per package")
            return [:]
        }
        var found: [Int: CarrierLabel] = [:]
        // Where each package's label was given: -1 for `shipment.label`, else its index. Paths are
        // built only for problems (closures), as everywhere in decoding.
        var givenAt: [Int: Int] = hasLabel ? [1: -1] : [:]
        var complete = true
        for (i, element) in value.elements.enumerated() {
            let p = { "shipment.labels[\(i)]" }
            guard var object = r.object(element, p()) else { complete = false; continue }
            let package = r.int(&object, "package", p(), in: 1...999)
            let carrierLabel = decodeCarrierLabel(&r, object, p)
            guard let package else { complete = false; continue }
            guard package <= packages else {
                r.fail("\(p()).package", "is \(package), but the shipment has \(packages) package\(packages == 1 ? "" : "s") (shipment.packages); number packages 1 to \(packages)")
                complete = false
                continue
            }
            if let first = givenAt[package] {
                r.fail("\(p()).package", "package \(package) already has a label (\(first < 0 ? "shipment.label" : "shipment.labels[\(first)]")); give each package one label")
                complete = false
                continue
            }
            givenAt[package] = i
            if let carrierLabel { found[package] = carrierLabel } else { complete = false }
        }
        if complete, value.elementCount > 0 {
            let missing = (1...packages).filter { givenAt[$0] == nil }
            if !missing.isEmpty {
                let list = missing.count > 5 ? missing.prefix(5).map(String.init).joined(separator: ", ") + " …" : missing.map(String.init).joined(separator: ", ")
                r.fail("shipment.labels", "has no label for package\(missing.count == 1 ? "" : "s") \(list) of \(packages); with shipment.labels every package needs its carrier label")
            }
        }
        if let first = found.removeValue(forKey: 1) { label = first }
        return found
    }

    /// `shipment.package_tracking`: one tracking number per package (1 to 100 characters each).
    private static func decodePackageTracking<N: JSONReadable>(_ r: inout FieldReader, _ value: N?, packages: Int) -> [String]? {
        guard let value, value.kind != .null else { return nil }
        guard value.kind == .array, value.elementCount == packages else {
            r.fail("shipment.package_tracking", value.kind == .array
                ? "has \(value.elementCount) tracking number\(value.elementCount == 1 ? "" : "s") for \(packages) package\(packages == 1 ? "" : "s") (shipment.packages); give one per package"
                : "must be an array of tracking numbers, one per package, found \(value.kind.typeDescription)")
            return nil
        }
        var numbers: [String] = []
        for (i, element) in value.elements.enumerated() {
            let text = element.kind == .string ? element.stringValue : ""
            guard element.kind == .string, (1...100).contains(text.count) else {
                r.fail("shipment.package_tracking[\(i)]", element.kind == .string ? "must be 1 to 100 characters" : "must be a string, found \(element.kind.typeDescription)")
                continue
            }
            numbers.append(text)
        }
        return numbers.count == packages ? numbers : nil
    }

    /// `shipment.package_weights`: grams per package, one for each of `packages`.
    private static func decodePackageWeights<N: JSONReadable>(_ r: inout FieldReader, _ value: N?, packages: Int) -> [Int]? {
        guard let value, value.kind != .null else { return nil }
        guard value.kind == .array else {
            r.fail("shipment.package_weights", "must be an array of weights in grams, one per package, found \(value.kind.typeDescription)")
            return nil
        }
        guard value.elementCount == packages else {
            r.fail("shipment.package_weights", "has \(value.elementCount) weight\(value.elementCount == 1 ? "" : "s") for \(packages) package\(packages == 1 ? "" : "s") (shipment.packages); give one weight in grams per package")
            return nil
        }
        var weights: [Int] = []
        for (i, element) in value.elements.enumerated() {
            let p = { "shipment.package_weights[\(i)]" }
            guard element.kind == .number, let grams = element.integerValue else {
                r.fail(p(), element.kind == .number ? "must be a whole number of grams, found \(element.numberText)" : "must be a number of grams, found \(element.kind.typeDescription)")
                continue
            }
            guard (1...10_000_000).contains(grams) else {
                r.fail(p(), grams < 1 ? "must be at least 1 gram, found \(grams)" : "must be at most 10000000 grams, found \(grams)")
                continue
            }
            weights.append(grams)
        }
        return weights.count == packages ? weights : nil
    }

    private static func decodeAddress<N: JSONReadable>(_ r: inout FieldReader, _ address: N, _ p: String) -> Address? {
        var object = address
        let name = r.string(&object, "name", p, maxLength: 200)
        let company = r.string(&object, "company", p, required: false, maxLength: 200)
        let street = r.strings(&object, "street", p, maxCount: 4, maxLength: 200)
        if street.isEmpty, object.member("street") == nil { r.fail("\(p).street", "is required (an array of 1 to 4 lines)") }
        let city = r.string(&object, "city", p, maxLength: 100)
        let region = r.string(&object, "region", p, required: false, maxLength: 100)
        let postal = r.string(&object, "postal_code", p, required: false, maxLength: 20)
        let country = r.string(&object, "country", p, maxLength: 100)
        if let c = country, !isUppercaseCode(c, length: 2) {
            r.fail("\(p).country", "must be a two-letter ISO 3166 code such as \"DE\", found \"\(c)\"")
        }
        let phone = r.string(&object, "phone", p, required: false, maxLength: 40)
        guard let name, let city, let country, !street.isEmpty else { return nil }
        return Address(name: name, company: company, street: street, city: city, region: region, postalCode: postal, country: country, phone: phone)
    }
}
