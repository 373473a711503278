import Foundation

extension LabelTemplate {
    /// A MaxiCode filled from order fields: its mode, the primary message of modes 2 and 3, and
    /// the secondary message (the `data` text, or a UPS message built from `ups` values). It is
    /// its own element kind so that every renderer, the compiled ZPL path included, lays it out
    /// with the order at hand (a plain barcode there only has its `data` filled in).
    struct MaxiCode: Sendable {
        var at: Placement
        var mode: MaxiCodeOptions.Mode?
        var postalCode: FieldText?
        var countryCode: FieldText
        var serviceClass: FieldText
        var data: FieldText?
        /// tracking, scac, shipper_number, pickup_day, shipment_id, package, weight,
        /// address_validation, street, city, state.
        var ups: [FieldText]?
        var rotation: Rotation

        static let upsKeys: [(key: String, fallback: String)] = [
            ("tracking", "{tracking}"), ("scac", "UPSN"), ("shipper_number", ""), ("pickup_day", ""), ("shipment_id", ""),
            ("package", "{package}/{packages}"), ("weight", ""), ("address_validation", ""),
            ("street", "{to.street}"), ("city", "{to.city}"), ("state", "{to.region}"),
        ]

        func block(_ context: LabelContext, density: PrinterDensity) -> BarcodeBlock {
            let message: String
            if let ups {
                let v = ups.map { $0.resolve(context) }
                message = UPSMaxiCodeMessage(trackingNumber: v[0], scac: v[1], shipperNumber: v[2], pickupDay: v[3], shipmentID: v[4], package: v[5],
                                             weight: v[6], addressValidation: v[7], street: v[8], city: v[9], state: v[10]).text
            } else {
                message = data?.resolve(context) ?? ""
            }
            var primary: MaxiCodeOptions.Primary?
            if let postalCode {
                let country = countryCode.resolve(context).trimmingCharacters(in: .whitespaces).uppercased()
                primary = .init(postalCode: postalCode.resolve(context), countryCode: Self.numericCountry[country] ?? country, serviceClass: serviceClass.resolve(context).trimmingCharacters(in: .whitespaces))
            }
            return BarcodeBlock(frame: at.dots(density), symbology: .maxicode, data: message, moduleDots: 1, humanReadable: false, rotation: rotation, maxiCode: MaxiCodeOptions(mode: mode, primary: primary))
        }

        /// ISO 3166 alpha-2 → numeric for common destinations, so `{to.country}` can fill the
        /// country code; others must be given as 3 digits.
        static let numericCountry: [String: String] = {
            let table = "US840 CA124 MX484 PR630 GB826 IE372 DE276 FR250 IT380 ES724 PT620 NL528 BE056 LU442 AT040 CH756 DK208 SE752 NO578 FI246 IS352 "
                + "PL616 CZ203 SK703 HU348 SI705 HR191 RO642 BG100 GR300 EE233 LV428 LT440 AU036 NZ554 JP392 CN156 HK344 SG702 KR410 TW158 IN356 BR076"
            var out: [String: String] = [:]
            for entry in table.split(separator: " ") { out[String(entry.prefix(2))] = String(entry.dropFirst(2)) }
            return out
        }()
    }

    /// Reads a barcode element's `maxicode` object.
    static func maxiCode(_ m: TemplateReader, element r: TemplateReader, at: Placement) throws(LabelError) -> MaxiCode {
        func field(_ reader: TemplateReader, _ key: String, default fallback: String?) throws(LabelError) -> FieldText? {
            guard let text = try reader.optionalString(key) ?? fallback else { return nil }
            return try FieldText(text, path: "\(reader.path).\(key)", allowLineFields: false)
        }
        var mode: MaxiCodeOptions.Mode?
        if let modeValue = try m.optional("mode") {
            switch modeValue.value {
            case .string("auto"): mode = nil
            case .number(let n) where Int(n).flatMap(MaxiCodeOptions.Mode.init(rawValue:)) != nil: mode = MaxiCodeOptions.Mode(rawValue: Int(n)!)
            default:
                throw LabelError(code: "template.value", message: "\(modeValue.path): use \"auto\" (2 or 3 from the postal code), 2, 3, 4, 5 or 6.")
            }
        }
        var ups: [FieldText]?
        if let u = try m.optional("ups") {
            var values: [FieldText] = []
            for (key, fallback) in MaxiCode.upsKeys { values.append(try field(u, key, default: fallback)!) }
            ups = values
        }
        let structured = mode.map(\.isStructured) ?? true
        var postalCode: FieldText?
        if structured { postalCode = try field(m, "postal_code", default: "{to.postal_code}") }
        let hasServiceClass = try m.optional("service_class") != nil
        guard !structured || hasServiceClass else {
            throw LabelError(code: "template.missing", message: "\(m.path): \"service_class\" is missing; modes 2 and 3 need the carrier's 3-digit class of service.")
        }
        let data = try field(r, "data", default: nil)
        guard data != nil || ups != nil else {
            throw LabelError(code: "template.missing", message: "\(r.path): \"data\" is missing; give the secondary message as \"data\" or a UPS message as \"maxicode\": {\"ups\": {…}}.")
        }
        return MaxiCode(at: at, mode: mode, postalCode: postalCode, countryCode: try field(m, "country_code", default: "{to.country}")!,
                        serviceClass: try field(m, "service_class", default: "")!, data: data, ups: ups, rotation: try rotation(r))
    }
}
