import Foundation
import Testing

/// `packstation label` refuses orders that must not ship: exit 1, the order and the reason named,
/// no output file.
struct LabelRefusalTests {
    static func order(status: String, payment: String) -> String {
        """
        {"id": "SO-77", "status": "\(status)", "payment": "\(payment)", "lines": [{"sku": "A", "quantity": 1}],
         "shipment": {"carrier": "DHL", "service": "Paket", "tracking": "JJD000390001",
           "from": {"name": "Shop", "street": ["Lagerstraße 5"], "city": "Hamburg", "postal_code": "20095", "country": "DE"},
           "to": {"name": "Anna Muster", "street": ["Hauptstraße 1"], "city": "Berlin", "postal_code": "10115", "country": "DE"}}}
        """
    }

    @Test(arguments: [
        ("cancelled", "captured", "Order SO-77 cannot be shipped: it is cancelled."),
        ("on_hold", "captured", "Order SO-77 cannot be shipped: it is on hold."),
        ("ready", "authorized", "Order SO-77 cannot be shipped: its payment is authorized, not captured."),
        ("ready", "failed", "Order SO-77 cannot be shipped: its payment is failed, not captured."),
    ])
    func anUnshippableOrderGetsNoLabel(status: String, payment: String, message: String) throws {
        let dir = try LabelCLITests.scratch()
        let file = dir + "/o.json"
        try Self.order(status: status, payment: payment).write(toFile: file, atomically: true, encoding: .utf8)
        for format in ["zpl", "pdf", "png"] {
            let run = try CLI.run(["label", "--order", file, "--format", format, "--out", dir + "/x." + format])
            #expect(run.status == 1, "\(format): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/x." + format), "nothing written for \(format)")
        }
    }

    @Test func aReadyPaidOrderStillGetsItsLabel() throws {
        let dir = try LabelCLITests.scratch()
        let file = dir + "/o.json"
        try Self.order(status: "ready", payment: "captured").write(toFile: file, atomically: true, encoding: .utf8)
        let run = try CLI.run(["label", "--order", file, "--format", "zpl", "--out", dir + "/x.zpl"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/x.zpl"))
    }
}
