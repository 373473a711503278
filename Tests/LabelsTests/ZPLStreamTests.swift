import Foundation
import Labels
import PackCore
import Testing

/// Counts what arrives without keeping it, as a printer connection would.
struct CountingSink: LabelSink {
    var bytes = 0
    var chunks = 0
    var largestChunk = 0
    var labelStarts = 0
    var labelEnds = 0

    mutating func write(_ chunk: ArraySlice<UInt8>) throws {
        bytes += chunk.count
        chunks += 1
        largestChunk = max(largestChunk, chunk.count)
        var i = chunk.startIndex
        while i + 2 < chunk.endIndex {
            if chunk[i] == UInt8(ascii: "^") {
                if chunk[i + 1] == UInt8(ascii: "X") && chunk[i + 2] == UInt8(ascii: "A") { labelStarts += 1 }
                if chunk[i + 1] == UInt8(ascii: "X") && chunk[i + 2] == UInt8(ascii: "Z") { labelEnds += 1 }
            }
            i += 1
        }
    }
}

struct FailingSink: LabelSink {
    var after: Int
    mutating func write(_ chunk: ArraySlice<UInt8>) throws {
        after -= 1
        if after < 0 { throw LabelError(code: "sink.full", message: "printer went away") }
    }
}

struct ZPLStreamTests {
    static func orders(_ count: Int) -> LazyMapSequence<Range<Int>, LabelContext> {
        (0..<count).lazy.map { LabelContext(order: Fixtures.simple(id: "SO-\($0)", tracking: "1Z999AA1\(String(format: "%010d", $0))")) }
    }

    @Test func tenThousandLabelsStreamInBoundedChunksOneLabelPerOrder() throws {
        var sink = CountingSink()
        let stream = ZPLStream(template: LabelTemplate.builtin("shipping")!, density: .dpi203)
        let count = try stream.stream(Self.orders(10_000), to: &sink, chunkBytes: 32 << 10)
        #expect(count == 10_000)
        #expect(sink.labelStarts == 10_000 && sink.labelEnds == 10_000)
        #expect(sink.largestChunk < (32 << 10) + 4096)
        #expect(sink.chunks > 100)
    }

    @Test func aFailingSinkStopsTheRun() {
        var sink = FailingSink(after: 2)
        let stream = ZPLStream(template: LabelTemplate.builtin("shipping")!, density: .dpi203)
        #expect(throws: LabelError.self) { try stream.stream(Self.orders(1_000), to: &sink, chunkBytes: 4096) }
    }
}

/// The compiled fast path writes exactly what the general renderer writes from the layout.
struct CompiledTemplateTests {
    static func orders() throws -> [Order] {
        var orders = [try Fixtures.order("order-unicode.json"), try Fixtures.order("order-injection.json"), Fixtures.simple(tracking: nil)]
        for text in ZPLInjectionTests.hostile + ["", "   ", "C1 \u{85}\u{9F} controls", String(repeating: "x", count: 95)] {
            var order = ZPLInjectionTests.order(with: text)
            order.priority = text.count % 2 == 0 ? .express : .sameDay
            orders.append(order)
        }
        return orders
    }

    @Test(arguments: LabelTemplate.builtinNames, [1, 2])
    func compiledOutputEqualsTheLayoutRenderer(template name: String, copies: Int) throws {
        let template = LabelTemplate.builtin(name)!
        for density in PrinterDensity.supported {
            let stream = ZPLStream(template: template, density: density, copies: copies)
            for order in try Self.orders() {
                var fast: [UInt8] = []
                try stream.appendLabel(for: LabelContext(order: order), to: &fast)
                let slow = try ZPLRenderer().render(template.layout(for: LabelContext(order: order), density: density, copies: copies))
                #expect(String(decoding: fast, as: UTF8.self) == String(decoding: slow, as: UTF8.self), "\(name) \(density) \(order.shipment!.to.name.prefix(30))")
            }
        }
    }
}
