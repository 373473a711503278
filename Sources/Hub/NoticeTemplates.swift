import Foundation
import Markup

/// The e-mail sent when an order ships, per language: a subject, a text body and an optional
/// HTML body, with `{{placeholders}}` filled from the order. Spanish and English are built in;
/// a directory of `shipped.LANG.txt` (first line `Subject: …`, a blank line, the text) and
/// `shipped.LANG.html` files replaces them or adds languages (docs/notices.md).
public struct NoticeTemplates: Sendable {
    /// One language's template.
    public struct Template: Sendable, Hashable {
        /// The subject line.
        public var subject: String
        /// The plain-text body.
        public var text: String
        /// The HTML body; nil sends text only.
        public var html: String?
    }

    /// The placeholders a template may use.
    public static let placeholders: [String: String] = [
        "customer_name": "the customer's name (else the recipient's, else a word for 'customer')",
        "order_id": "the order's id",
        "carrier": "the carrier, e.g. UPS",
        "service": "the carrier's service, e.g. Express",
        "tracking_numbers": "the tracking numbers, comma-separated",
        "tracking_links": "each tracking number with its link (a list in HTML)",
        "recipient_name": "the name on the shipping address",
        "city": "the destination city",
        "shop_name": "the sender's name (--mail-from)",
    ]

    /// Templates by language (primary subtag, lowercased).
    public private(set) var languages: [String: Template]
    /// Where each language's template came from ("built in" or a file), for `notices templates`.
    public private(set) var sources: [String: String]
    /// Used when the order names no language or one without a template.
    public static let fallbackLanguage = "en"

    /// The built-in Spanish and English templates.
    public init() {
        languages = Self.builtIn
        sources = ["es": "built in", "en": "built in"]
    }

    /// The built-in templates, replaced or added to by the `shipped.LANG.txt` / `.html` files in
    /// `directory`. Each file is checked: a subject line, known placeholders only, UTF-8.
    public init(directory: String) throws(HubError) {
        self.init()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
        else {
            throw HubError(400, "bad_templates", "The notice template directory \(directory) does not exist or cannot be read; give a directory with shipped.LANG.txt files (docs/notices.md).")
        }
        var found = false
        for name in names.sorted() where name.hasPrefix("shipped.") && name.hasSuffix(".txt") {
            let language = String(name.dropFirst("shipped.".count).dropLast(".txt".count)).lowercased()
            guard !language.isEmpty, language.count <= 8, language.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw HubError(400, "bad_templates", "\(directory)/\(name): the language in the name must be a primary language subtag (shipped.es.txt, shipped.en.txt, shipped.fr.txt).")
            }
            let path = directory + "/" + name
            let text = try Self.read(path)
            let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
            guard lines.count == 3, lines[0].hasPrefix("Subject:"), lines[1].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw HubError(400, "bad_templates", "\(path): the first line must be 'Subject: …', then a blank line, then the text of the e-mail.")
            }
            var template = Template(subject: lines[0].dropFirst("Subject:".count).trimmingCharacters(in: .whitespaces), text: String(lines[2]), html: nil)
            let htmlPath = directory + "/shipped.\(language).html"
            if FileManager.default.fileExists(atPath: htmlPath) { template.html = try Self.read(htmlPath) }
            for (part, body) in [("subject", template.subject), ("text", template.text), ("html", template.html ?? "")] {
                if let unknown = Self.unknownPlaceholder(in: body) {
                    throw HubError(400, "bad_templates", "\(part == "html" ? htmlPath : path): {{\(unknown)}} is not a placeholder; use \(Self.placeholders.keys.sorted().map { "{{\($0)}}" }.joined(separator: ", ")).")
                }
            }
            languages[language] = template
            sources[language] = path + (template.html == nil ? " (text only)" : " + .html")
            found = true
        }
        guard found else {
            throw HubError(400, "bad_templates", "\(directory) has no shipped.LANG.txt template (e.g. shipped.es.txt); see docs/notices.md.")
        }
    }

    /// The language to write in for a customer's BCP 47 tag: its primary subtag when there is a
    /// template for it (`es-MX` → `es`), else English.
    public func language(for tag: String?) -> String {
        guard let primary = tag?.split(whereSeparator: { $0 == "-" || $0 == "_" }).first?.lowercased(), languages[primary] != nil else {
            return Self.fallbackLanguage
        }
        return primary
    }

    /// The values a notice fills in.
    public struct Values: Sendable {
        public var customerName: String?
        public var orderID: String
        public var carrier: String
        public var service: String
        public var recipientName: String
        public var city: String
        public var shopName: String
        /// Each package's tracking number and its link, when the carrier has one.
        public var tracking: [(number: String, link: String?)]

        /// Creates the values.
        public init(customerName: String?, orderID: String, carrier: String, service: String, recipientName: String, city: String, shopName: String, tracking: [(number: String, link: String?)]) {
            self.customerName = customerName
            self.orderID = orderID
            self.carrier = carrier
            self.service = service
            self.recipientName = recipientName
            self.city = city
            self.shopName = shopName
            self.tracking = tracking
        }
    }

    /// The subject, text and HTML of `language`'s template with `values` filled in: as they
    /// are in the subject and text, HTML-escaped in the HTML (a name with markup stays text).
    public func render(language: String, values: Values) -> Template {
        let template = languages[language] ?? languages[Self.fallbackLanguage] ?? Self.builtIn["en"]!
        let word = language == "es" ? "cliente" : "customer"
        let name = values.customerName.flatMap { $0.isEmpty ? nil : $0 } ?? (values.recipientName.isEmpty ? word : values.recipientName)
        var plain: [String: String] = [
            "customer_name": name, "order_id": values.orderID, "carrier": values.carrier, "service": values.service,
            "tracking_numbers": values.tracking.map(\.number).joined(separator: ", "),
            "recipient_name": values.recipientName, "city": values.city, "shop_name": values.shopName,
        ]
        plain["tracking_links"] = values.tracking.map { t in t.link.map { "\(t.number): \($0)" } ?? t.number }.joined(separator: "\n")
        var html = plain.mapValues { Markup.text($0) }
        html["tracking_links"] = "<ul>" + values.tracking.map { t in
            t.link.map { "<li><a href=\"\(Markup.attribute($0))\">\(Markup.text(t.number))</a></li>" } ?? "<li>\(Markup.text(t.number))</li>"
        }.joined() + "</ul>"
        return Template(subject: Self.fill(template.subject, plain), text: Self.fill(template.text, plain), html: template.html.map { Self.fill($0, html) })
    }

    static func fill(_ text: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let key = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            out += values[key] ?? ""
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    static func unknownPlaceholder(in text: String) -> String? {
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { return String(rest[open.upperBound...].prefix(30)) }
            let key = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if placeholders[key] == nil { return key }
            rest = rest[close.upperBound...]
        }
        return nil
    }

    private static func read(_ path: String) throws(HubError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HubError(400, "bad_templates", "Cannot read the notice template \(path).")
        }
        guard data.count <= 256 * 1024, let text = String(data: data, encoding: .utf8) else {
            throw HubError(400, "bad_templates", "\(path) is not UTF-8 text of at most 256 KiB.")
        }
        return text
    }

    static let builtIn: [String: Template] = [
        "es": Template(
            subject: "Tu pedido {{order_id}} está en camino",
            text: """
                Hola {{customer_name}}:

                Tu pedido {{order_id}} ha salido de nuestro almacén con {{carrier}} ({{service}}).

                Puedes seguir el envío aquí:
                {{tracking_links}}

                Gracias por tu compra.
                {{shop_name}}

                """,
            html: """
                <!DOCTYPE html>
                <html lang="es"><head><meta charset="utf-8"><title>Tu pedido {{order_id}} está en camino</title></head>
                <body style="font-family: sans-serif">
                <p>Hola {{customer_name}}:</p>
                <p>Tu pedido <strong>{{order_id}}</strong> ha salido de nuestro almacén con {{carrier}} ({{service}}).</p>
                <p>Puedes seguir el envío aquí:</p>
                {{tracking_links}}
                <p>Gracias por tu compra.<br>{{shop_name}}</p>
                </body></html>

                """),
        "en": Template(
            subject: "Your order {{order_id}} is on its way",
            text: """
                Hello {{customer_name}},

                Your order {{order_id}} has left our warehouse with {{carrier}} ({{service}}).

                Track it here:
                {{tracking_links}}

                Thank you for your order.
                {{shop_name}}

                """,
            html: """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Your order {{order_id}} is on its way</title></head>
                <body style="font-family: sans-serif">
                <p>Hello {{customer_name}},</p>
                <p>Your order <strong>{{order_id}}</strong> has left our warehouse with {{carrier}} ({{service}}).</p>
                <p>Track it here:</p>
                {{tracking_links}}
                <p>Thank you for your order.<br>{{shop_name}}</p>
                </body></html>

                """),
    ]
}
