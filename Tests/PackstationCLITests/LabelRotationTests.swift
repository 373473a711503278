import Foundation
import Testing

/// Rotated fields through `packstation label`: the ZPL carries the orientation letter, and the
/// PNG's Code 128 still decodes with zbarimg (which reads Code 128 at any right angle).
struct LabelRotationTests {
    static func template(rotation: Int) -> String {
        """
        {"name": "rotated", "size": "4x6", "elements": [
          {"type": "text", "x": 3, "y": 2, "width": 60, "height": 8, "font": 4, "rotation": \(rotation), "text": "Order {order.id}"},
          {"type": "barcode", "x": 5, "y": 20, "width": 90, "height": 120, "symbology": "code128", "module": 0.375, "rotation": \(rotation), "data": "{tracking}", "human_readable": false}
        ]}
        """
    }

    @Test(arguments: [(0, "N", "UP"), (90, "R", "RIGHT"), (180, "I", "DOWN"), (270, "B", "LEFT")])
    func rotatedCode128IsOrientedAndDecodes(rotation: Int, letter: String, orientation: String) throws {
        let dir = try LabelCLITests.scratch()
        try Self.template(rotation: rotation).write(toFile: dir + "/t.json", atomically: true, encoding: .utf8)
        try LabelRefusalTests.order(status: "ready", payment: "captured").write(toFile: dir + "/o.json", atomically: true, encoding: .utf8)
        let zplRun = try CLI.run(["label", "--order", dir + "/o.json", "--template", dir + "/t.json", "--format", "zpl", "--out", dir + "/l.zpl"])
        #expect(zplRun.status == 0, "\(zplRun.stderr)")
        let zpl = try String(contentsOfFile: dir + "/l.zpl", encoding: .utf8)
        #expect(zpl.contains("^A0\(letter),") && zpl.contains("^BC\(letter),"), "\(zpl)")

        let pngRun = try CLI.run(["label", "--order", dir + "/o.json", "--template", dir + "/t.json", "--format", "png", "--out", dir + "/l.png"])
        #expect(pngRun.status == 0, "\(pngRun.stderr)")
        let zbar = Process()
        zbar.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        zbar.arguments = ["--nodbus", "-q", "--xml", dir + "/l.png"]
        let pipe = Pipe()
        zbar.standardOutput = pipe
        try zbar.run()
        let xml = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        zbar.waitUntilExit()
        #expect(xml.contains("type='CODE-128'") && xml.contains("<![CDATA[JJD000390001]]>"), "\(xml)")
        // The PNG (LabelGraphics, as the PDF) turns the barcode as ZPL does.
        #expect(xml.contains("orientation='\(orientation)'"), "\(xml)")
    }
}
