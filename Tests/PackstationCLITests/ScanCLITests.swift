import Foundation
import Testing

/// `packstation scan --replay` and `packstation devices`, run as a user would.
struct ScanCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../ScannerInputTests/Fixtures").standardized

    /// One x86_64 input_event record.
    static func record(_ micros: Int64, _ type: UInt16, _ code: UInt16, _ value: Int32) -> [UInt8] {
        var out: [UInt8] = []
        withUnsafeBytes(of: (micros / 1_000_000).littleEndian) { out += $0 }
        withUnsafeBytes(of: (micros % 1_000_000).littleEndian) { out += $0 }
        withUnsafeBytes(of: type.littleEndian) { out += $0 }
        withUnsafeBytes(of: code.littleEndian) { out += $0 }
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
        return out
    }

    /// Taps of unshifted keys at the given times (µs): press, SYN, release, SYN.
    static func taps(_ keys: [(UInt16, Int64)]) -> [UInt8] {
        keys.flatMap { code, t in record(t, 1, code, 1) + record(t, 0, 0, 0) + record(t + 500, 1, code, 0) + record(t + 500, 0, 0, 0) }
    }

    func writeTemp(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capture-\(UUID().uuidString).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: ["us", "gb", "de", "fr"])
    func replayPrintsEveryPrintableCharacterExactly(layout: String) throws {
        let capture = Self.fixtures.appendingPathComponent("ascii-\(layout).bin").path
        let out = try CLI.run(["scan", "--replay", capture, "--layout", layout])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["data"] as? String == String((0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) }))
        #expect(first["symbology"] == nil)
        #expect(out.stderr.isEmpty)
    }

    @Test func replayEscapesGroupSeparatorsAndNamesTheSymbology() throws {
        let out = try CLI.run(["scan", "--replay", Self.fixtures.appendingPathComponent("gs-de.bin").path, "--layout", "de"])
        #expect(out.status == 0)
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        for line in lines {
            #expect(line.hasPrefix(#"{"data":"010950600013435221SN7\u001D10LOT9","symbology":"]d2","symbology_name":"GS1 DataMatrix","time":"#))
        }
    }

    @Test func replayHonoursTheRecordedGapsWithoutATerminator() throws {
        // KEY_1, KEY_2 at 0 and 10 ms; KEY_3, KEY_4 at 500 and 510 ms.
        let path = try writeTemp(Self.taps([(2, 1_000_000), (3, 1_010_000), (4, 1_500_000), (5, 1_510_000)]))
        let split = try CLI.run(["scan", "--replay", path, "--terminator", "none", "--timeout-ms", "100"])
        #expect(split.stdout.split(separator: "\n").map { $0.contains(#""data":"12""#) || $0.contains(#""data":"34""#) } == [true, true])
        let joined = try CLI.run(["scan", "--replay", path, "--terminator", "none", "--timeout-ms", "1000"])
        #expect(joined.stdout.split(separator: "\n").count == 1)
        #expect(joined.stdout.contains(#""data":"1234""#))
        // With Enter expected, the same keys are a fragment: reported, not printed as a scan.
        let fragment = try CLI.run(["scan", "--replay", path])
        #expect(fragment.status == 0)
        #expect(fragment.stdout.isEmpty)
        #expect(fragment.stderr.contains("ended without its terminator"))
    }

    @Test func badCapturesAndOptionsSayWhatIsWrong() throws {
        let truncated = try writeTemp(Self.taps([(2, 0)]) + [1, 2, 3])
        let t = try CLI.run(["scan", "--replay", truncated])
        #expect(t.status == 1)
        #expect(t.stderr.contains("not a whole number of 24-byte input_event records"))
        #expect(t.stdout.isEmpty)
        let missing = try CLI.run(["scan", "--replay", "/nonexistent/capture.bin"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("does not exist"))
        let layout = try CLI.run(["scan", "--replay", truncated, "--layout", "xx-nope"])
        #expect(layout.status == 1)
        #expect(layout.stderr.contains("not known to xkb"))
        for args in [["scan"], ["scan", "--replay", truncated, "--listen"], ["scan", "--replay", truncated, "--terminator", "space"], ["scan", "--replay", truncated, "--timeout-ms", "0"]] {
            let usage = try CLI.run(args)
            #expect(usage.status == 2, "\(args)")
            #expect(!usage.stderr.isEmpty)
        }
    }

    @Test func devicesSaysWhenThereAreNone() throws {
        let text = try CLI.run(["devices", "--input-dir", "/nonexistent/input"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("does not exist"))
        // No CUPS server (port 9 refuses) and no USB here: the printers say so, the input devices are empty.
        let json = try CLI.run(["devices", "--json", "--input-dir", "/nonexistent/input"], environment: ["CUPS_SERVER": "127.0.0.1:9"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["input_devices"] as? [Any])?.isEmpty == true, "\(json.stdout)")
        let printers = object["printers"] as? [[String: Any]] ?? []
        #expect(printers.contains { $0["kind"] as? String == "cups" && ($0["problem"] as? String)?.contains("127.0.0.1:9 is not running") == true }, "\(json.stdout)")
        let bad = try CLI.run(["devices", "--scanner", "nonsense"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("VID:PID"))
    }
}
