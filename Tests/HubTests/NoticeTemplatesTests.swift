import Foundation
@testable import Hub
import Testing

/// The templates and tracking links a notice is written from.
@Suite struct NoticeTemplatesTests {
    @Test(arguments: [("es", "es"), ("es-MX", "es"), ("ES_es", "es"), ("en-GB", "en"), ("fr", "en"), (nil, "en"), ("", "en"), ("x-klingon", "en")] as [(String?, String)])
    func theLanguageIsThePrimarySubtagWhenThereIsATemplate(tag: String?, language: String) {
        #expect(NoticeTemplates().language(for: tag) == language)
    }

    @Test(arguments: [
        ("UPS", "1Z9", "https://www.ups.com/track?tracknum=1Z9"), ("DHL Express", "123", "https://www.dhl.com/global-en/home/tracking.html?tracking-id=123"),
        ("FedEx", "7", "https://www.fedex.com/fedextrack/?trknbr=7"), ("usps", "94", "https://tools.usps.com/go/TrackConfirmAction?tLabels=94"),
        ("GLS", "a b&c", "https://gls-group.com/track/a%20b%26c"), ("SEUR", "S1", "https://www.seur.com/livetracking/?segOnlineIdentificador=S1"),
    ])
    func defaultLinksEscapeTheNumber(carrier: String, number: String, link: String) throws {
        #expect(try NoticeTrackingLinks().link(carrier: carrier, number: number) == link)
    }

    @Test func anUnknownCarrierHasNoLinkUntilOneIsGiven() throws {
        #expect(try NoticeTrackingLinks().link(carrier: "MRW", number: "1") == nil)
        let links = try NoticeTrackingLinks(overrides: ["MRW=https://www.mrw.es/seguimiento?n={tracking}", "UPS=https://example.com/ups/{tracking}"])
        #expect(links.link(carrier: "mrw", number: "1") == "https://www.mrw.es/seguimiento?n=1")
        #expect(links.link(carrier: "UPS", number: "1Z") == "https://example.com/ups/1Z")
    }

    @Test(arguments: ["MRW", "MRW=ftp://x/{tracking}", "MRW=https://x/", "MRW=https://x/{tracking} y", "=https://x/{tracking}"])
    func badTrackingURLsAreRefusedWithWhatToGive(item: String) {
        #expect { try NoticeTrackingLinks(overrides: [item]) } throws: { ($0 as? HubError)?.code == "bad_tracking_url" }
    }

    @Test func templatesFromFilesReplaceAndAddLanguages() throws {
        let dir = NSTemporaryDirectory() + "templates-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "Subject: Votre commande {{order_id}}\n\nBonjour {{customer_name}}, {{tracking_links}}\n".write(toFile: dir + "/shipped.fr.txt", atomically: true, encoding: .utf8)
        try "<p>Bonjour {{customer_name}}</p>{{tracking_links}}".write(toFile: dir + "/shipped.fr.html", atomically: true, encoding: .utf8)
        let t = try NoticeTemplates(directory: dir)
        #expect(t.language(for: "fr-CA") == "fr" && t.language(for: "es") == "es")
        let out = t.render(language: "fr", values: .init(customerName: "<Zoé>", orderID: "42", carrier: "UPS", service: "", recipientName: "", city: "", shopName: "S",
                                                          tracking: [("1Z", "https://x/?a=1&b=2")]))
        #expect(out.subject == "Votre commande 42")
        #expect(out.text == "Bonjour <Zoé>, 1Z: https://x/?a=1&b=2\n")
        #expect(out.html == "<p>Bonjour &lt;Zoé&gt;</p><ul><li><a href=\"https://x/?a=1&amp;b=2\">1Z</a></li></ul>")
    }

    @Test func aMissingTemplateDirectoryIsNamed() {
        #expect { try NoticeTemplates(directory: "/nonexistent/templates") } throws: { e in
            (e as? HubError)?.message == "The notice template directory /nonexistent/templates does not exist or cannot be read; give a directory with shipped.LANG.txt files (docs/notices.md)."
        }
    }

    @Test(arguments: [
        ("shipped.fr.txt", "Subject: x\n\n{{tracking_lnks}}", "{{tracking_lnks}} is not a placeholder"),
        ("shipped.fr.txt", "no subject\n\nbody", "the first line must be 'Subject: …'"),
        ("shipped.f1.txt", "Subject: x\n\nbody", "primary language subtag"),
        ("other.txt", "Subject: x\n\nbody", "has no shipped.LANG.txt"),
    ])
    func badTemplatesAreRefusedNamingTheFile(name: String, content: String, message: String) throws {
        let dir = NSTemporaryDirectory() + "templates-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try content.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        #expect { try NoticeTemplates(directory: dir) } throws: { e in
            let e = e as? HubError
            return e?.code == "bad_templates" && e?.message.contains(message) == true
        }
    }
}
