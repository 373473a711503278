import Foundation
import Labels
import PackCore
import Testing

/// Nothing a customer types may leave its field: every `^`/`~` in the output is one we wrote.
struct ZPLInjectionTests {
    static let commands: Set<String> = ["XA", "CI", "PW", "LL", "LH", "FO", "A0", "FB", "FH", "FD", "FS", "GB", "BY", "BC", "BQ", "BX", "B7", "BD", "GF", "FR", "PQ", "XZ"]

    static let hostile: [String] = [
        "Eve ^XZ^XA^FO0,0^GB812,1218,812^FS~JR",
        "~DGR:EVIL.GRF,100,10,FFFF ~JA ~PS ~HS",
        "_5E_7E_5F ^FH_^FD",
        "line\\&break \\& ^FS",
        "ctrl \u{0}\u{1}\u{2}\u{3}\u{1B}\u{7F}\u{10} end",
        "new\nline\rcarriage\ttab",
        "שלום עולם ^XZ مرحبا بالعالم",
        "山田太郎 ^FS~JR 東京都千代田区",
        String(repeating: "^XZ~JR", count: 1700),
    ]

    /// Every command in a label, in order (`^XX` two-letter names; `~` must never occur).
    static func commands(in zpl: String) -> [String] {
        var out: [String] = []
        let bytes = Array(zpl.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "^") && i + 2 < bytes.count {
                let name = String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self)
                out.append(name)
                i += 3
                continue
            }
            i += 1
        }
        return out
    }

    static func order(with text: String) -> Order {
        var to = Fixtures.address(text, street: text, city: text, postal: "10115")
        to.company = text
        return Fixtures.simple(to: to, lines: [Order.Line(sku: "SKU-1", description: text, quantity: 1)], gift: text)
    }

    @Test(arguments: hostile, ["shipping", "packing-slip", "packing-slip-a4"])
    func hostileTextStaysInItsField(text: String, template: String) throws {
        let zpl = try Fixtures.zpl(Self.order(with: text), template: template)
        let found = Self.commands(in: zpl)
        #expect(found.filter { $0 == "XA" }.count == 1)
        #expect(found.filter { $0 == "XZ" }.count == 1)
        #expect(found.last == "XZ")
        #expect(Set(found).isSubset(of: Self.commands), "unexpected commands: \(Set(found).subtracting(Self.commands))")
        #expect(!zpl.contains("~"))
        // The only control character in the stream is the newline we put between commands.
        #expect(zpl.utf8.allSatisfy { $0 >= 0x20 || $0 == 0x0A })
        #expect(!zpl.contains("\n^FS") && !zpl.contains("^FD\n"))
        // Every field is opened with ^FH so its escapes are decoded as data.
        for field in zpl.components(separatedBy: "^FD").dropFirst() {
            #expect(field.utf8.count < 3072, "a ZPL field holds at most 3 KB")
        }
        #expect(zpl.components(separatedBy: "^FD").count - 1 == zpl.components(separatedBy: "^FH^FD").count - 1)
    }

    @Test func escapedFieldReadsBackAsTheOriginalText() throws {
        let text = "Eve ^XZ ~JR _5E \\& ✓"
        let escaped = ZPLEscape.escaped(text)
        #expect(escaped == "Eve _5EXZ _7EJR _5F5E _5C& ✓")
        #expect(Self.unescape(escaped) == text)
    }

    @Test func tenKilobyteFieldsAreCutToTheirBox() throws {
        let long = String(repeating: "Łukasz Ol'ga 山田 ", count: 700)
        #expect(long.utf8.count > 10_000)
        let zpl = try Fixtures.zpl(Self.order(with: long))
        #expect(zpl.utf8.count < 12_000)
        #expect(zpl.hasPrefix("^XA") && zpl.hasSuffix("^XZ\n"))
    }

    @Test func labelHeaderSetsUTF8AndSizeFromTheLabel() throws {
        for (density, width, height) in [(PrinterDensity.dpi203, 812, 1219), (.dpi300, 1219, 1828), (.dpi600, 2438, 3657)] {
            let zpl = try Fixtures.zpl(Fixtures.simple(), density: density)
            #expect(zpl.hasPrefix("^XA^CI28^PW\(width)^LL\(height)^LH0,0\n"))
        }
    }

    @Test func copiesUsePQ() throws {
        let layout = LabelTemplate.builtin("shipping")!.layout(for: LabelContext(order: Fixtures.simple()), density: .dpi203, copies: 3)
        let zpl = String(decoding: try ZPLRenderer().render(layout), as: UTF8.self)
        #expect(zpl.hasSuffix("^PQ3,0,1,Y^XZ\n"))
    }

    static func unescape(_ s: String) -> String {
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "_"), i + 2 < b.count, let v = UInt8(String(decoding: b[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
