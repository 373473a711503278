import Foundation
import Labels
import PackCore

/// Orders used across the label tests.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func order(_ name: String) throws -> Order {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try Order.decode(from: Array(data))
    }

    static func address(_ name: String, street: String = "Hauptstraße 1", city: String = "Berlin", postal: String? = "10115", country: String = "DE") -> Address {
        Address(name: name, street: [street], city: city, postalCode: postal, country: country)
    }

    /// A plain order with a shipment; fields can be overridden for stress tests.
    static func simple(id: String = "SO-1", to: Address = address("Anna Muster"), tracking: String? = "1Z999AA10123456784", lines: [Order.Line]? = nil, gift: String? = nil) -> Order {
        Order(id: id, barcodes: ["ORD-\(id)"], giftMessage: gift, lines: lines ?? [Order.Line(sku: "SKU-1", description: "Widget", quantity: 2, weightGrams: 250)],
              shipment: Shipment(carrier: "DHL", service: "Paket", tracking: tracking, from: address("Packstation Demo GmbH", street: "Lagerstraße 5", city: "Hamburg", postal: "20095"), to: to))
    }

    static func zpl(_ order: Order, template: String = "shipping", density: PrinterDensity = .dpi203) throws -> String {
        var out: [UInt8] = []
        try ZPLStream(template: LabelTemplate.builtin(template)!, density: density).appendLabel(for: LabelContext(order: order), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Packs every unit by scanning its SKU, except one unit of `shortOne`, which is short-shipped.
    static func packed(_ order: Order, shortOne sku: String) -> PackResult? {
        var session = PackSession()
        let now = Date()
        var last: Verdict?
        func feed(_ text: String) {
            switch session.handle(.scan(text), at: now) {
            case .verdict(let v): last = v
            case .lookUpOrder: last = session.orderLookedUp(order, at: now)
            }
            if ProcessInfo.processInfo.environment["DEBUG_PACK"] != nil { print(text, last!.kind, last!.message) }
        }
        feed(order.barcodes[0])
        for line in order.lines {
            for unit in 0..<line.quantity where !(line.sku == sku && unit == 0) { feed(line.sku) }
        }
        feed("CMD:SHORT:damaged:\(sku)")
        return last?.result
    }
}
