import Foundation
import Testing

/// `packstation label` as a user runs it: outputs, exit codes and messages.
struct LabelCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../LabelsTests/Fixtures").standardized.path
    static let unicode = fixtures + "/order-unicode.json"

    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("label-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(arguments: ["zpl", "pdf", "png"])
    func rendersEachFormat(format: String) throws {
        let dir = try Self.scratch()
        let out = dir + "/label.\(format)"
        let run = try CLI.run(["label", "--order", Self.unicode, "--format", format, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let bytes = try #require(FileManager.default.contents(atPath: out))
        switch format {
        case "zpl":
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.hasPrefix("^XA^CI28^PW812^LL1219") && text.hasSuffix("^XZ\n"))
            #expect(text.components(separatedBy: "^XA").count == 2)
        case "pdf": #expect(bytes.starts(with: Array("%PDF-".utf8)))
        default: #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["label.\(format)"], "no partial file left behind")
    }

    @Test(arguments: [
        (["--dpi", "250"], "--dpi 250 is not a printer resolution; use 203, 300 or 600."),
        (["--template", "fancy"], "Unknown template 'fancy'; use shipping, packing-slip"),
        (["--template", "/nonexistent/t.json"], "The template file /nonexistent/t.json does not exist."),
        (["--copies", "0"], "--copies 0 is out of range"),
    ])
    func badOptionsFailWithAClearMessage(extra: [String], message: String) throws {
        let dir = try Self.scratch()
        let run = try CLI.run(["label", "--order", Self.unicode, "--format", "zpl", "--out", dir + "/x.zpl"] + extra)
        #expect(run.status == 1)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.zpl"))
    }

    @Test func anOrderWithoutShipmentIsRefused() throws {
        let dir = try Self.scratch()
        let order = dir + "/o.json"
        try #"{"id": "SO-1", "status": "ready", "payment": "captured", "lines": [{"sku": "A", "quantity": 1}]}"#.write(toFile: order, atomically: true, encoding: .utf8)
        let run = try CLI.run(["label", "--order", order, "--format", "pdf", "--out", dir + "/x.pdf"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("Order SO-1 has no shipment"))
    }

    @Test func anUnwritableOutputIsReportedAndTheBadTemplateNamed() throws {
        let run = try CLI.run(["label", "--order", Self.unicode, "--format", "zpl", "--out", "/nonexistent-dir/x.zpl"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("Cannot write /nonexistent-dir/x.zpl: the folder /nonexistent-dir does not exist or is not writable."))
        let dir = try Self.scratch()
        try #"{"name": "t", "size": "4x6", "elements": [{"type": "text", "x": 1, "y": 1, "width": 10, "height": 5, "font": 3, "text": "{nope}"}]}"#.write(toFile: dir + "/t.json", atomically: true, encoding: .utf8)
        let bad = try CLI.run(["label", "--order", Self.unicode, "--format", "zpl", "--template", dir + "/t.json", "--out", dir + "/x.zpl"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("elements[0].text: unknown field {nope}"))
    }

    @Test func pngAndSVGTakeOneOrder() throws {
        let dir = try Self.scratch()
        let text = try String(contentsOfFile: Self.unicode, encoding: .utf8)
        try "[\(text), \(text.replacingOccurrences(of: "SO-100234", with: "SO-2").replacingOccurrences(of: "ORD-100234", with: "ORD-2"))]".write(toFile: dir + "/two.json", atomically: true, encoding: .utf8)
        let run = try CLI.run(["label", "--order", dir + "/two.json", "--format", "png", "--out", dir + "/x.png"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("holds 2 orders; a PNG shows one label"))
        let svg = try CLI.run(["label", "--order", dir + "/two.json", "--format", "svg", "--out", dir + "/x.svg"])
        #expect(svg.status == 1)
        #expect(svg.stderr.contains("holds 2 orders; an SVG shows one label"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.png") && !FileManager.default.fileExists(atPath: dir + "/x.svg"), "no partial file left")
        let one = try CLI.run(["label", "--order", Self.unicode, "--format", "svg", "--out", dir + "/one.svg"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(try String(contentsOfFile: dir + "/one.svg", encoding: .utf8).hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"812\""))
        let zpl = try CLI.run(["label", "--order", dir + "/two.json", "--format", "zpl", "--out", dir + "/x.zpl"])
        #expect(zpl.status == 0)
        #expect(try String(contentsOfFile: dir + "/x.zpl", encoding: .utf8).components(separatedBy: "^XA").count == 3)
    }

    @Test(arguments: [["label"], ["label", "--order", "o.json", "--format", "gif", "--out", "x"]])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let run = try CLI.run(arguments)
        #expect(run.status == 2)
    }
}
