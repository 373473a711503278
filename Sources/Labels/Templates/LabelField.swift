import Foundation
import PackCore

/// What a template's `{field}` placeholders read: the order, its shipment, and optionally the
/// pack result (packed and short counts) and the package number.
public struct LabelContext: Sendable {
    /// The order.
    public var order: Order
    /// The packing result, when the slip prints after packing.
    public var result: PackResult?
    /// Which package this label is for, 1-based.
    public var package: Int
    /// The package count the label states; nil: the order's `shipment.packages`.
    public var packages: Int?
    /// This package's weight in grams, when known; nil: the order's `package_weights`, or for
    /// a one-package shipment the sum of its lines' weights.
    public var weightGrams: Int?

    /// Creates a context.
    public init(order: Order, result: PackResult? = nil, package: Int = 1, packages: Int? = nil, weightGrams: Int? = nil) {
        self.order = order
        self.result = result
        self.package = package
        self.packages = packages
        self.weightGrams = weightGrams
    }

    /// The package count the label states.
    public var packageCount: Int { packages ?? order.shipment?.packages ?? 1 }

    /// The contexts of every package of the order's shipment, "1 of N" to "N of N", each with
    /// its weight from `shipment.package_weights` when given.
    public static func packages(of order: Order, result: PackResult? = nil) -> [LabelContext] {
        let n = order.shipment?.packages ?? 1
        return (1...max(n, 1)).map { LabelContext(order: order, result: result, package: $0, packages: n, weightGrams: order.shipment?.weightGrams(package: $0)) }
    }

    /// The package's weight in grams: given, or from the order (`package_weights`, or the sum of
    /// the lines of a one-package shipment when every line has a weight); nil when unknown.
    var packageWeightGrams: Int? {
        if let weightGrams { return weightGrams }
        if let given = order.shipment?.weightGrams(package: package) { return given }
        guard packageCount == 1 else { return nil }
        var grams = 0
        for line in order.lines {
            guard let w = line.weightGrams else { return nil }
            grams += w * line.quantity
        }
        return grams
    }
}

/// The fields a template may use, each a function of the context (or of one order line for rows).
enum LabelField {
    typealias Reader = @Sendable (LabelContext) -> String
    typealias LineReader = @Sendable (LabelContext, Int) -> String

    static func address(_ pick: @escaping @Sendable (Shipment) -> Address) -> [(String, Reader)] {
        [
            ("name", { c in c.order.shipment.map { pick($0).name } ?? "" }),
            ("company", { c in c.order.shipment.flatMap { pick($0).company } ?? "" }),
            ("street", { c in c.order.shipment.map { pick($0).street.joined(separator: "\n") } ?? "" }),
            ("city", { c in c.order.shipment.map { pick($0).city } ?? "" }),
            ("region", { c in c.order.shipment.flatMap { pick($0).region } ?? "" }),
            ("postal_code", { c in c.order.shipment.flatMap { pick($0).postalCode } ?? "" }),
            ("postal_code_compact", { c in c.order.shipment.flatMap { pick($0).postalCode }.map { $0.filter { $0 != " " && $0 != "-" }.uppercased() } ?? "" }),
            ("country", { c in c.order.shipment.map { pick($0).country } ?? "" }),
            ("phone", { c in c.order.shipment.flatMap { pick($0).phone } ?? "" }),
            ("address", { c in
                guard let a = c.order.shipment.map({ pick($0) }) else { return "" }
                var lines = [clean(a.name)]
                if let company = a.company, !company.isEmpty { lines.append(clean(company)) }
                lines += a.street.map(clean)
                lines.append(clean([a.postalCode, a.city, a.region].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")))
                lines.append(a.country)
                return lines.joined(separator: "\n")
            }),
            ("city_line", { c in
                guard let a = c.order.shipment.map({ pick($0) }) else { return "" }
                return [a.postalCode, a.city, a.region].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            }),
        ]
    }

    @Sendable static func clean(_ text: String) -> String { FieldText.clean(text, keepNewlines: false) }

    /// Order-level fields by name.
    static let fields: [String: Reader] = {
        var table: [String: Reader] = [
            "order.id": { $0.order.id },
            "order.barcode": { $0.order.barcodes.first ?? $0.order.id },
            "order.notes": { $0.order.notes ?? "" },
            "order.flags": { $0.order.flags.joined(separator: ", ") },
            "order.value": { c in c.order.value.map { "\($0.amount) \($0.currency)" } ?? "" },
            "gift_message": { $0.order.giftMessage ?? "" },
            "priority": { c in
                switch c.order.priority {
                case .standard: ""
                case .express: "EXPRESS"
                case .sameDay: "SAME DAY"
                }
            },
            "carrier": { $0.order.shipment?.carrier ?? "" },
            "service": { $0.order.shipment?.service ?? "" },
            "tracking": { c in c.order.shipment?.tracking(package: c.package) ?? "" },
            "package.code": { c in DockPackage.code(orderID: c.order.id, number: c.package, shipment: c.order.shipment) },
            "package.tracking": { c in DockPackage.ownTracking(c.order.shipment, number: c.package) ?? "" },
            "package.dock_code": { c in DockPackage.ownTracking(c.order.shipment, number: c.package) == nil ? DockPackage.packageCode(orderID: c.order.id, number: c.package) : "" },
            "package.barcode": { c in packageBarcode(c) },
            "packages": { "\($0.packageCount)" },
            "package": { "\($0.package)" },
            "weight": { c in
                guard let grams = c.packageWeightGrams else { return "" }
                return "\(grams / 1000).\(String(grams % 1000 / 10 + 100).dropFirst()) kg"
            },
            "routing": { c in
                guard let to = c.order.shipment?.to else { return "" }
                let postal = (to.postalCode ?? "").filter { $0 != " " }.uppercased()
                return postal.isEmpty ? to.country : "\(to.country)-\(postal)"
            },
            "totals.units": { c in "\(c.order.lines.reduce(0) { $0 + $1.quantity })" },
            "totals.packed": { c in c.result.map { "\($0.lines.reduce(0) { $0 + $1.packed })" } ?? "" },
            "totals.short": { c in c.result.map { "\($0.lines.reduce(0) { $0 + $1.short })" } ?? "" },
            "totals.lines": { "\($0.order.lines.count)" },
        ]
        for (name, reader) in address({ $0.to }) { table["to." + name] = reader }
        for (name, reader) in address({ $0.from }) { table["from." + name] = reader }
        return table
    }()

    /// Per-line fields for `rows` elements.
    static let lineFields: [String: LineReader] = [
        "line.sku": { c, i in c.order.lines[i].sku },
        "line.description": { c, i in c.order.lines[i].description },
        "line.quantity": { c, i in "\(c.order.lines[i].quantity)" },
        "line.number": { _, i in "\(i + 1)" },
        "line.barcode": { c, i in c.order.lines[i].barcodes.first ?? "" },
        "line.packed": { c, i in result(c, i).map { "\($0.packed)" } ?? "" },
        "line.short": { c, i in result(c, i).map { $0.short > 0 ? "\($0.short)" : "" } ?? "" },
        "line.short_reason": { c, i in result(c, i)?.shortReason ?? "" },
    ]

    /// The longest `PKG:ORDER:N` code a label prints as a barcode: at 0.25 mm modules it is
    /// about 60 mm wide, so it fits the built-in label's 99.6 mm box at every density.
    static let maximumPackageBarcode = 48

    /// `package.barcode`: the package's own tracking number, else its `PKG:ORDER:N` code when a
    /// Code 128 can carry it (printable ASCII without `^` and `~`, at most
    /// ``maximumPackageBarcode`` characters); empty for an order id no barcode can carry, so
    /// the label still prints (the code is written under it by the template's text).
    static func packageBarcode(_ c: LabelContext) -> String {
        if let own = DockPackage.ownTracking(c.order.shipment, number: c.package) { return own }
        let code = DockPackage.packageCode(orderID: c.order.id, number: c.package)
        guard code.utf8.count <= maximumPackageBarcode, (try? Code128(text: code)) != nil else { return "" }
        return code
    }

    static func result(_ c: LabelContext, _ i: Int) -> PackResult.LineResult? {
        c.result?.lines.first { $0.sku == c.order.lines[i].sku }
    }
}

/// A text with `{field}` placeholders, split once when the template loads.
struct FieldText: Hashable, Sendable {
    enum Segment: Hashable, Sendable {
        case literal(String)
        case field(String)
        case lineField(String)
    }

    let segments: [Segment]

    /// Parses `text`; `{{` and `}}` are literal braces. Unknown fields fail with the list of known ones.
    init(_ text: String, path: String, allowLineFields: Bool) throws(LabelError) {
        var segments: [Segment] = []
        var literal = ""
        var chars = Array(text)
        var i = 0
        chars.append("\0")
        while i < chars.count - 1 {
            let c = chars[i]
            if c == "{" && chars[i + 1] == "{" || c == "}" && chars[i + 1] == "}" {
                literal.append(c)
                i += 2
                continue
            }
            if c == "{" {
                guard let close = chars[(i + 1)...].firstIndex(of: "}") else {
                    throw LabelError(code: "template.syntax", message: "\(path): '{' without a closing '}' in \"\(text)\"; write {{ for a literal brace.")
                }
                let name = String(chars[(i + 1)..<close]).trimmingCharacters(in: .whitespaces)
                if !literal.isEmpty { segments.append(.literal(literal)) }
                literal = ""
                if LabelField.fields[name] != nil {
                    segments.append(.field(name))
                } else if LabelField.lineFields[name] != nil {
                    guard allowLineFields else {
                        throw LabelError(code: "template.line_field", message: "\(path): {\(name)} is a per-line field; use it only in the columns of a \"rows\" element.")
                    }
                    segments.append(.lineField(name))
                } else {
                    let known = (LabelField.fields.keys.sorted() + (allowLineFields ? LabelField.lineFields.keys.sorted() : [])).joined(separator: ", ")
                    throw LabelError(code: "template.unknown_field", message: "\(path): unknown field {\(name)}; known fields: \(known).")
                }
                i = close + 1
                continue
            }
            if c == "}" {
                throw LabelError(code: "template.syntax", message: "\(path): '}' without an opening '{' in \"\(text)\"; write }} for a literal brace.")
            }
            literal.append(c)
            i += 1
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        self.segments = segments
    }

    /// The text with fields filled in; order data has its control characters turned into spaces
    /// so a customer's line break or escape code cannot change the layout.
    func resolve(_ context: LabelContext, line: Int? = nil) -> String {
        if segments.count == 1, case .literal(let text) = segments[0] { return text }
        var out = ""
        for segment in segments {
            switch segment {
            case .literal(let text): out += text
            case .field(let name): out += FieldText.clean(LabelField.fields[name]!(context), keepNewlines: name.hasSuffix(".street") || name.hasSuffix(".address"))
            case .lineField(let name): out += line.map { FieldText.clean(LabelField.lineFields[name]!(context, $0), keepNewlines: false) } ?? ""
            }
        }
        return out
    }

    static func clean(_ value: String, keepNewlines: Bool) -> String {
        var needs = false
        // 0xC2 leads the C1 controls U+0080–U+009F (and harmless Latin-1 signs, checked below).
        for b in value.utf8 where b < 0x20 || b == 0x7F || b == 0xC2 {
            needs = true
            break
        }
        guard needs else { return value }
        var scalars = String.UnicodeScalarView()
        for s in value.unicodeScalars {
            if s.value < 0x20 || s.value == 0x7F || (0x80..<0xA0).contains(s.value) {
                scalars.append(keepNewlines && s == "\n" ? s : " ")
            } else {
                scalars.append(s)
            }
        }
        return String(scalars)
    }

    /// Whether the text names no field.
    var isConstant: Bool { segments.allSatisfy { if case .literal = $0 { true } else { false } } }
}
