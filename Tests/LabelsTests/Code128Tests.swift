import Labels
import Testing

struct Code128Tests {
    static func zpl(_ c: Code128) -> String {
        var out: [UInt8] = []
        c.appendZPL(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test(arguments: [
        ("ABC", ">:ABC", 68),
        ("12345678", ">;12345678", 79),
        ("1Z999AA10123456784", ">:1Z999AA1>50123456784", 189),
        ("JJD000390007812345678", ">:JJD>5000390007812345678", 178),
        ("1234567", ">:1>5234567", 90),
        ("A>B", ">:A><B", 68),
        ("ab_c", ">:ab_5Fc", 79),
    ])
    func subsetsAreSwitchedForTheShortestSymbol(data: String, expected: String, modules: Int) throws {
        let code = try Code128(text: data)
        #expect(Self.zpl(code) == expected)
        #expect(code.modules == modules)
    }

    @Test func gs1StartsWithFNC1AndSeparatesVariableLengthFields() {
        // (10) has no predefined length, so FNC1 follows it before (21); "10" still fits subset C.
        let code = Code128(gs1Transmitted: "0109506000134352" + "10ABC" + "\u{1D}" + "21X")
        #expect(Self.zpl(code) == ">;>8010950600013435210>6ABC>821X")
        #expect(code.modules == 21 * 11 + 2)
    }

    @Test(arguments: ["^XA", "~JR", "tab\t", "Łódź", ""])
    func dataZPLCannotCarryIsRefused(data: String) {
        #expect(throws: LabelError.self) { try Code128(text: data) }
    }
}
