import Foundation
import Labels
import Testing

/// The exact ZPL of known orders, reviewed once and kept in Golden/: any change to the output
/// shows up as a diff. Regenerate with `UPDATE_GOLDEN=1 swift test --filter GoldenZPLTests`.
struct GoldenZPLTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test(arguments: [
        ("order-unicode.json", "shipping", 203),
        ("order-unicode.json", "packing-slip", 203),
        ("order-injection.json", "shipping", 203),
        ("order-injection.json", "shipping", 300),
    ])
    func zplMatchesTheReviewedFile(order: String, template: String, dpi: Int) throws {
        let zpl = try Fixtures.zpl(try Fixtures.order(order), template: template, density: PrinterDensity(dpi: dpi)!)
        let file = Self.directory.appendingPathComponent("\(order.replacingOccurrences(of: ".json", with: ""))-\(template)-\(dpi).zpl")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try zpl.write(to: file, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        #expect(zpl == golden)
    }
}
