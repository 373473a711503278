import Foundation
@testable import Labels
import PackCore
import Testing

/// The pointer-writing fast path (unchecked writes into reserved room, inline short copies,
/// byte-class escaping, the GS1 `(AI){field}` check on bytes) against the layout renderer.
struct ZPLFastPathBytesTests {
    static func expectSameAsRenderer(_ order: Order, template name: String = "shipping", _ note: String) {
        let template = LabelTemplate.builtin(name)!
        for density in PrinterDensity.supported {
            let context = LabelContext(order: order)
            var fast: [UInt8] = []
            let fastResult = Result { () throws(LabelError) in try ZPLStream(template: template, density: density).appendLabel(for: context, to: &fast) }
            let slowResult = Result { () throws(LabelError) in try ZPLRenderer().render(template.layout(for: context, density: density)) }
            switch (fastResult, slowResult) {
            case (.success, .success(let slow)):
                #expect(String(decoding: fast, as: UTF8.self) == String(decoding: slow, as: UTF8.self), "\(note) \(density)")
            case (.failure(let a), .failure(let b)): #expect(a.message == b.message, "\(note) \(density)")
            default: Issue.record("\(note) \(density): one path failed, the other did not: \(fastResult) vs \(slowResult)")
            }
        }
    }

    /// Every byte a customer could type, alone and in runs of every length around the 8- and
    /// 32-byte copy boundaries, in the name, company, street and tracking number.
    @Test func everyByteAndRunLengthEscapesAsTheRenderer() {
        var texts: [String] = []
        for scalar in 1..<0x80 { texts.append("ab\(Character(UnicodeScalar(UInt8(scalar))))cd") }
        for c1 in 0x80..<0xA0 { texts.append("x\(Character(UnicodeScalar(UInt32(c1))!))y") }
        texts += ["\u{A0}nbsp", "é^~_\\", "Łódź\u{85}", "Â\u{9F}Â"]
        for length in [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 64, 65, 200] {
            texts.append(String(repeating: "M", count: length))
            texts.append(String(repeating: "^", count: length))
            texts.append(String((0..<length).map { Character(UnicodeScalar(UInt8(0x21 + $0 % 90))) }))
        }
        for (i, text) in texts.enumerated() {
            var to = Fixtures.address(text, street: "S \(text)")
            to.company = i % 2 == 0 ? text : nil
            Self.expectSameAsRenderer(Fixtures.simple(id: text, to: to, tracking: text), "text \(i) \(text.debugDescription)")
        }
    }

    /// Postal codes on both sides of the GS1 byte check for `(420){to.postal_code_compact}`:
    /// the check passes plain letters and digits within AI 420's 1–20 characters; everything
    /// else goes through the GS1 parser, which accepts or words the same error.
    @Test(arguments: ["1", "10115", "sw1a1aa", "SW1A 1AA", "12345678901234567890", "123456789012345678901", "A(12)B", "A(12)123456", "x.y/z", "AB'C", "Ä123", "a-b", "-", " ", "1_2", "#1"])
    func gs1PostalCodesMatchTheParser(postal: String) {
        Self.expectSameAsRenderer(Fixtures.simple(to: Fixtures.address("Anna", postal: postal)), "postal \(postal.debugDescription)")
    }

    /// A label that fails halfway (bad GS1 data after the addresses) leaves nothing of itself
    /// in the caller's buffer, which already holds earlier labels.
    @Test func aFailedLabelLeavesTheBufferAsItWas() throws {
        let stream = ZPLStream(template: LabelTemplate.builtin("shipping")!, density: .dpi203)
        var out: [UInt8] = []
        try stream.appendLabel(for: LabelContext(order: Fixtures.simple()), to: &out)
        let before = out
        #expect(throws: LabelError.self) {
            try stream.appendLabel(for: LabelContext(order: Fixtures.simple(to: Fixtures.address("Anna", postal: "A(12)B"))), to: &out)
        }
        #expect(out == before)
    }
}
