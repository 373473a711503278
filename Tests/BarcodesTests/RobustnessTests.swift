import Barcodes
import Testing

@Suite("Robustness: huge and hostile input")
struct RobustnessTests {
    static let megabyte = 1 << 20

    static let hugeInputs: [String] = [
        String(repeating: "A", count: megabyte),
        String(repeating: "1", count: megabyte),
        "]C1" + String(repeating: "1", count: megabyte),
        "]C1" + "10" + String(repeating: "A", count: megabyte),
        "]d2" + String(repeating: "\u{1D}", count: megabyte),
        "]E0" + String(repeating: "4", count: megabyte),
        String(repeating: "(01)09506000134352", count: megabyte / 18),
        "https://id.gs1.org/01/09506000134352/10/" + String(repeating: "A", count: megabyte),
        "0109506000134352" + "10" + String(repeating: "A", count: megabyte) + "\u{1D}21X",
        String(repeating: "]", count: megabyte),
        String(repeating: "%", count: megabyte),
        String(repeating: "é", count: megabyte / 2),
    ]

    @Test("1 MB inputs finish quickly and never crash", arguments: hugeInputs)
    func huge(raw: String) {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            switch Barcode.parse(raw) {
            case .success(let barcode):
                if case .text(let text) = barcode.content { #expect(text.utf8.count == barcode.data.utf8.count) }
            case .failure(let error):
                #expect(!error.reason.isEmpty)
                #expect(error.reason.utf8.count < 200)
            }
        }
        // Debug builds are slow; 1 MB should still take a small fraction of a second.
        #expect(elapsed < .milliseconds(500))
    }

    @Test("text of any length is text")
    func longText() throws {
        let text = String(repeating: "ORDER-", count: Self.megabyte / 6)
        #expect(try Barcode.parse(text).get().content == .text(text))
    }

    @Test("random binary garbage never crashes")
    func garbage() {
        var generator = SplitMix64(seed: 42)
        let alphabet: [UInt8] = Array("0123456789()]%/?=&:.ABCdeEQ".utf8) + [0x1D, 0x00, 0xFF, 0xC3, 0xA9, 0x80]
        for round in 0..<20_000 {
            let length = Int(generator.next() % 64)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                // Half the bytes from an alphabet that reaches the GS1 and AIM paths, half fully random.
                let random = generator.next()
                bytes.append(random & 1 == 0 ? alphabet[Int(random >> 8) % alphabet.count] : UInt8(truncatingIfNeeded: random >> 8))
            }
            if round % 3 == 0 { bytes = Array("]C1".utf8) + bytes }
            let raw = String(decoding: bytes, as: UTF8.self)
            if case .success(let barcode) = Barcode.parse(raw) { #expect(barcode.raw == raw) }
        }
    }
}

/// A tiny deterministic generator so the garbage test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
