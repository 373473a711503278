import Foundation
import Testing

/// `packstation label --format png|svg FILE.zpl`: a carrier's ZPL previewed from the command line.
struct ZPLPreviewCLITests {
    static let twoLabels = """
        ~DGR:LOGO.GRF,00016,002,FFFF800180018001800180018001FFFF
        ^XA^PW812^LL1218^XZ
        ^XA^FO20,20^XGR:LOGO.GRF,2,2^FS^FO60,300^BY3^BCN,200,Y,N,N^FDFIRST-0001^FS^XZ
        ^XA^FO20,20^XGR:LOGO.GRF,2,2^FS^FO60,300^BY3^BCN,200,Y,N,N^FDSECOND-0002^FS^PQ2^XZ
        """

    static func file(_ text: String) throws -> (dir: String, path: String) {
        let dir = try LabelCLITests.scratch()
        let path = dir + "/labels.zpl"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (dir, path)
    }

    static func zbar(_ path: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--nodbus", "-q", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test(arguments: [(1, "FIRST-0001"), (2, "SECOND-0002")])
    func eachLabelOfAFileIsPreviewed(label: Int, data: String) throws {
        let (dir, path) = try Self.file(Self.twoLabels)
        let out = dir + "/label.png"
        let run = try CLI.run(["label", "--format", "png", path, "--label", String(label), "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty, "no note: everything was drawn")
        #expect(try Self.zbar(out) == ["CODE-128:\(data)"])
    }

    @Test func svgIsWrittenToo() throws {
        let (dir, path) = try Self.file(Self.twoLabels)
        let run = try CLI.run(["label", "--format", "svg", path, "--out", dir + "/label.svg"])
        #expect(run.status == 0, "\(run.stderr)")
        let svg = String(decoding: try #require(FileManager.default.contents(atPath: dir + "/label.svg")), as: UTF8.self)
        #expect(svg.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg" width="812" height="1218""#))
    }

    @Test func whatCannotBeDrawnIsSaidOnStderrAndUnderTheLabel() throws {
        let (dir, path) = try Self.file("^XA^PW400^LL300^FO10,10^B3N,N,100,Y,N^FD123ABC^FS^FO10,200^A0N,30,30^FDTEXT^FS^XZ")
        let run = try CLI.run(["label", "--format", "png", path, "--out", dir + "/label.png"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "note: \(path) label 1: ^B3 barcodes are not drawn by the preview\n")
        let png = try #require(FileManager.default.contents(atPath: dir + "/label.png"))
        let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(height > 300, "the note band is under the 300-dot label")
    }

    @Test(arguments: [
        (["--label", "3"], "--label 3 is not in", "which holds 2 printing labels; use 1 to 2."),
        (["--label", "0"], "--label 0 is not in", "use 1 to 2."),
        (["--format", "zpl"], "A ZPL file is previewed as PNG or SVG, not ZPL", "packstation print"),
        (["--order", "/x.json"], "Give either --order ORDER.json or a ZPL file to preview", "not both."),
    ])
    func badRequestsSayWhatToDoAndWriteNothing(extra: [String], message: String, hint: String) throws {
        let (dir, path) = try Self.file(Self.twoLabels)
        var args = ["label", path, "--out", dir + "/x.png"] + extra
        if !extra.contains("--format") { args += ["--format", "png"] }
        let run = try CLI.run(args)
        #expect(run.status == 1)
        #expect(run.stderr.contains(message) && run.stderr.contains(hint), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.png"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["labels.zpl"], "no partial file left behind")
    }

    @Test(arguments: [
        ("^XA^MCY^XZ", "holds no label that prints"),
        ("^XA^FO10,10^FDcut off", "never ends with ^XZ"),
        ("", "holds no label that prints"),
    ])
    func unreadableFilesAreRefused(zpl: String, message: String) throws {
        let (dir, path) = try Self.file(zpl)
        let run = try CLI.run(["label", "--format", "png", path, "--out", dir + "/x.png"])
        #expect(run.status == 1)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.png"))
    }

    @Test func withNeitherOrderNorFileTheUserIsToldBoth() throws {
        let run = try CLI.run(["label", "--format", "png", "--out", "/tmp/never.png"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("Give --order ORDER.json to render an order's label, or a ZPL file to preview"), "\(run.stderr)")
    }
}
