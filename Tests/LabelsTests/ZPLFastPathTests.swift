import Foundation
@testable import Labels
import PackCore
import Testing

/// The allocation-free ZPL path (byte field writers, stack Code 128) writes exactly what the
/// general renderer writes from the layout, for order data chosen to hit every branch.
struct ZPLFastPathTests {
    static let awkward = ["", "   ", "10115", "sw1a 1aa", "ab-12 3", "Łódź 12", "1Z_>\\99>", "C1\u{85}x", "tab\tx", "^XZ~JR", "0123456789012345678901234567890123456789", String(repeating: "9", count: 70)]

    static func orders() -> [Order] {
        var orders: [Order] = []
        for (i, text) in awkward.enumerated() {
            var to = Fixtures.address("Name \(i)", postal: text.isEmpty ? nil : text)
            to.region = i % 2 == 0 ? text : nil
            to.company = i % 3 == 0 ? "" : text
            var order = Fixtures.simple(id: "SO-\(text)", to: to, tracking: text.isEmpty ? nil : text,
                                        lines: [Order.Line(sku: "A", description: "d", quantity: 1 + i % 3, weightGrams: i % 4 == 0 ? nil : (i - 5) * 377)])
            order.priority = i % 2 == 0 ? .express : .standard
            order.shipment?.packages = 1 + i
            orders.append(order)
        }
        return orders
    }

    @Test(arguments: LabelTemplate.builtinNames)
    func fastOutputEqualsTheLayoutRenderer(template name: String) throws {
        let template = LabelTemplate.builtin(name)!
        for density in PrinterDensity.supported {
            let stream = ZPLStream(template: template, density: density)
            for order in Self.orders() {
                let context = LabelContext(order: order, package: 2)
                var fast: [UInt8] = []
                let fastError = Result { () throws(LabelError) in try stream.appendLabel(for: context, to: &fast) }
                let slowError = Result { () throws(LabelError) in try ZPLRenderer().render(template.layout(for: context, density: density)) }
                switch (fastError, slowError) {
                case (.success, .success(let slow)):
                    #expect(String(decoding: fast, as: UTF8.self) == String(decoding: slow, as: UTF8.self), "\(name) \(density) \(order.id)")
                case (.failure(let a), .failure(let b)): #expect(a.message == b.message)
                default: Issue.record("\(name) \(density) \(order.id): one path failed, the other did not: \(fastError) vs \(slowError)")
                }
            }
        }
    }

    @Test func everyFieldWriterWritesItsReadersText() throws {
        let contexts = Self.orders().map { LabelContext(order: $0, package: 3) } + [LabelContext(order: try Fixtures.order("order-unicode.json")), LabelContext(order: try Fixtures.order("order-injection.json"))]
        for (name, read) in LabelField.fields {
            let writer = try #require(LabelField.writers[name])
            for context in contexts {
                let bytes = writer.bytes(for: context)
                #expect(String(decoding: bytes, as: UTF8.self) == read(context), "{\(name)} of \(context.order.id)")
            }
        }
    }

    static func stackZPL(_ items: [UInt8]) -> (String, Int) {
        items.withUnsafeBufferPointer { p in
            Code128.withZPLEncoding(p) { modules, plan in
                var out: [UInt8] = []
                plan.appendZPL(to: &out)
                return (String(decoding: out, as: UTF8.self), modules)
            }
        }
    }

    @Test func stackCode128MatchesTheReferenceEncoder() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789012345678901234567890123456789AZaz>_\\ .-".utf8)
        var samples = ["A", "1", "12", "123", "1Z999AA10123456784", "JJD000390007812345678", "A>B", "ab_c"].map { Array($0.utf8) }
        for _ in 0..<500 { samples.append((0..<Int.random(in: 1...30, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }) }
        for bytes in samples {
            let text = String(decoding: bytes, as: UTF8.self)
            let reference = try Code128(text: text)
            let (zpl, modules) = Self.stackZPL(bytes)
            #expect(zpl == Code128Tests.zpl(reference), "\(text)")
            #expect(modules == reference.modules, "\(text)")
            // The same data as GS1 (FNC1 first, GS as FNC1).
            let gs1 = Code128(gs1Transmitted: text)
            let (gzpl, gmodules) = Self.stackZPL([Code128.fnc1Byte] + bytes)
            #expect(gzpl == Code128Tests.zpl(gs1) && gmodules == gs1.modules, "GS1 \(text)")
        }
    }
}
