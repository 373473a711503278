import Foundation
import PackCore
import Testing
@testable import ScannerInput

/// Real kernel captures (Tests/Fixtures/evdev, recorded from usbhid in the QEMU guest by
/// scripts/vm/capture_fixtures.py): each decodes to its sidecar's expected text.
struct RealCaptureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/evdev").standardized

    struct Sidecar: CustomTestStringConvertible, Sendable {
        var name: String
        var layout: String
        var terminator: ScanFramer.Terminator
        var expected: String
        var testDescription: String { name }
    }

    static let sidecars: [Sidecar] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".txt") }.sorted().compactMap { name in
            guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else { return nil }
            var fields: [String: String] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                if let colon = line.firstIndex(of: ":") {
                    fields[String(line[..<colon])] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                }
            }
            guard let layout = fields["layout"], let expectedJSON = fields["expected_text"], let terminator = fields["terminator"],
                let expected = try? JSONDecoder().decode(String.self, from: Data(expectedJSON.utf8))
            else { return nil }
            return Sidecar(name: String(name.dropLast(4)), layout: layout, terminator: terminator.hasPrefix("Enter") ? .enter : .none, expected: expected)
        }
    }()

    @Test func theRecordedCapturesAreHere() {
        #expect(Self.sidecars.count >= 6)
    }

    @Test(arguments: sidecars)
    func decodesToTheExpectedText(sidecar: Sidecar) throws {
        let bytes = try Array(Data(contentsOf: Self.directory.appendingPathComponent(sidecar.name + ".bin")))
        let events = try ScanDecoder.decode(capture: bytes, layout: Layouts.named(sidecar.layout), framing: .init(terminator: sidecar.terminator))
        let scans = events.compactMap { if case .scan(let s) = $0 { s.raw } else { nil } }
        #expect(events.count == scans.count, "faults: \(events)")
        if sidecar.terminator == .enter {
            #expect(scans.map { $0 + "\n" }.joined() == sidecar.expected)
        } else {
            // No terminator: the typed text, split into scans by the pause between them.
            #expect(scans.joined() == sidecar.expected)
            #expect(scans.count == 2, "\(scans)")
        }
    }
}
