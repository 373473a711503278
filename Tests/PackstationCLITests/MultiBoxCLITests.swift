import Foundation
import TestPeers
import Testing

/// Shipments of several boxes as a user meets them: `packstation label` writes one "k of N"
/// label per package in every format (decoded back with zbarimg and pdftotext), and a bench
/// that closes boxes with CMD:NEWBOX prints each box's label at the test printer and reports
/// one result with its boxes to the hub, once.
@Suite struct MultiBoxCLITests {
    /// A label whose Code 128 carries the package ("SO-1/2/3") beside the human-readable "2 of 3".
    static let template = """
        {"name": "boxes", "size": "4x6", "elements": [
          {"type": "text", "x": 3, "y": 3, "width": 90, "height": 8, "font": 6, "text": "{package} of {packages}"},
          {"type": "text", "x": 3, "y": 14, "width": 90, "height": 6, "font": 4, "text": "Weight {weight}"},
          {"type": "barcode", "x": 5, "y": 30, "width": 90, "height": 30, "symbology": "code128", "module": 0.375, "data": "{order.id}/{package}/{packages}", "human_readable": false}
        ]}
        """

    static func order(id: String, packages: Int, weights: [Int]?, lines: String = #"[{"sku":"MUG","quantity":2,"barcodes":["4006381333931"],"weight_g":350},{"sku":"TEE","quantity":1,"barcodes":["036000291452"],"weight_g":180}]"#) -> String {
        let w = weights.map { #","package_weights":[\#($0.map(String.init).joined(separator: ","))]"# } ?? ""
        return #"{"id":"\#(id)","barcodes":["ORD-\#(id)"],"status":"ready","payment":"captured","lines":\#(lines),"#
            + #""shipment":{"carrier":"DHL","service":"Paket","tracking":"JJD0003900123","from":{"name":"W","street":["S 1"],"city":"Hamburg","postal_code":"20457","country":"DE"},"#
            + #""to":{"name":"Ana","street":["Rua 1"],"city":"Lisboa","postal_code":"1100-053","country":"PT"},"packages":\#(packages)\#(w)}}"#
    }

    static func tool(_ path: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func zbar(_ png: String) throws -> [String] {
        try tool("/usr/bin/zbarimg", ["--nodbus", "-q", png]).split(separator: "\n").map(String.init).sorted()
    }

    @Test func everyFormatHasOneLabelPerPackageWithItsKOfN() throws {
        let dir = try LabelCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.template.write(toFile: dir + "/t.json", atomically: true, encoding: .utf8)
        try Self.order(id: "SO-7", packages: 3, weights: [1200, 800, 450]).write(toFile: dir + "/o.json", atomically: true, encoding: .utf8)
        func label(_ format: String, _ extra: [String] = []) throws -> String {
            let out = dir + "/l-\(format)\(extra.joined()).\(format)"
            let run = try CLI.run(["label", "--order", dir + "/o.json", "--template", dir + "/t.json", "--format", format, "--out", out] + extra)
            #expect(run.status == 0, "\(run.stderr)")
            return out
        }
        // ZPL: three formats, in package order, each with its count and weight.
        let zpl = try String(contentsOfFile: try label("zpl"), encoding: .utf8)
        let formats = zpl.components(separatedBy: "^XA").dropFirst()
        #expect(formats.count == 3)
        for (k, (format, weight)) in zip(formats, ["1.20 kg", "0.80 kg", "0.45 kg"]).enumerated() {
            #expect(format.contains("^FD\(k + 1) of 3^FS") && format.contains("Weight \(weight)"), "\(format)")
        }
        // PDF: three pages; the text and the barcodes read back by poppler and zbarimg.
        let pdf = try label("pdf")
        let text = try Self.tool("/usr/bin/pdftotext", ["-layout", pdf, "-"])
        let pages = text.components(separatedBy: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        #expect(pages.count == 3, "\(text)")
        for (k, page) in pages.enumerated() { #expect(page.contains("\(k + 1) of 3"), "\(page)") }
        _ = try Self.tool("/usr/bin/pdftoppm", ["-r", "203", "-png", pdf, dir + "/page"])
        let pngs = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("page") }.sorted()
        #expect(try pngs.map { try Self.zbar(dir + "/" + $0) } == (1...3).map { ["CODE-128:SO-7/\($0)/3"] })
        // PNG, one package each.
        for k in 1...3 {
            #expect(try Self.zbar(try label("png", ["--package", "\(k)"])) == ["CODE-128:SO-7/\(k)/3"])
        }
        #expect(try Self.zbar(try label("png")) == ["CODE-128:SO-7/1/3"], "package 1 unless --package says")
        // The SVG preview.
        let svg = try String(contentsOfFile: try label("svg", ["--package", "2"]), encoding: .utf8)
        #expect(svg.contains(">2 of 3<") && svg.contains(">Weight 0.80 kg<"), "\(svg.prefix(2000))")
        // A package the shipment does not have.
        let bad = try CLI.run(["label", "--order", dir + "/o.json", "--format", "png", "--package", "4", "--out", dir + "/x.png"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("--package 4 is not a package of order SO-7, which ships in 3 packages; use 1 to 3."), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.png"))
    }

    @Test func aBenchClosingBoxesPrintsEachBoxLabelAndTheHubStoresTheBoxesOnce() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hub = try HubProcess(dir: dir)
        let token = try hub.addStation("bench-a")
        try Self.order(id: "BX1", packages: 3, weights: nil, lines: #"[{"sku":"MUG","quantity":3,"barcodes":["4006381333931"],"weight_g":350},{"sku":"TEE","quantity":1,"barcodes":["036000291452"],"weight_g":180}]"#)
            .write(toFile: dir + "/orders.jsonl", atomically: true, encoding: .utf8)
        try hub.command(["import", dir + "/orders.jsonl"])
        try hub.start()
        let printer = try TestPrinterPeer()
        let env = ["PACKSTATION_SERVER_URL": hub.url, "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-a"]
        let args = ["run", "--data-dir", dir + "/data", "--exit-when-done", "--printer", printer.uri, "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"]

        try "ORD-BX1\n4006381333931\nCMD:NEWBOX\n4006381333931\n4006381333931\nCMD:NEWBOX\n036000291452\n".write(toFile: dir + "/scans.txt", atomically: true, encoding: .utf8)
        let run = try CLI.run(args + ["--scans-from", dir + "/scans.txt"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let verdicts = run.stderr.split(separator: "\n").filter { $0.contains("verdict=") }.compactMap { $0.split(separator: " ").first { $0.hasPrefix("verdict=") } }
        #expect(verdicts == ["verdict=order_opened", "verdict=accepted", "verdict=box_closed", "verdict=accepted", "verdict=accepted", "verdict=box_closed", "verdict=order_complete"], "\(run.stderr)")
        // Three labels, one per box, in box order, with the order's count and each box's weight.
        #expect(printer.waitUntil { printer.printedLabels().count >= 3 })
        let labels = printer.printedLabels()
        #expect(labels.count == 3, "\(labels.map { $0.prefix(80) })")
        for (k, (label, weight)) in zip(labels, ["0.35 kg", "0.70 kg", "0.18 kg"]).enumerated() {
            #expect(label.contains("^FD\(k + 1) of 3^FS") && label.contains("^FD\(weight)^FS"), "label \(k + 1): \(label)")
        }
        // The hub has the result once, with its three boxes.
        func stored() throws -> [String] {
            try Self.tool("/usr/bin/sqlite3", [hub.db, "SELECT body FROM results WHERE type = 'pack_result' AND order_id = 'BX1'"]).split(separator: "\n").map(String.init)
        }
        let bodies = try stored()
        #expect(bodies.count == 1)
        let result = try JSONSerialization.jsonObject(with: Data((bodies.first ?? "{}").utf8)) as? [String: Any]
        let boxes = result?["boxes"] as? [[String: Any]] ?? []
        #expect(boxes.map { $0["number"] as? Int } == [1, 2, 3])
        #expect(boxes.map { ($0["lines"] as? [[String: Any]] ?? []).map { "\($0["sku"] ?? "")×\($0["quantity"] ?? "")" } } == [["MUG×1"], ["MUG×2"], ["TEE×1"]])
        #expect(boxes.map { $0["weight_g"] as? Int } == [350, 700, 180])
        #expect(try Self.tool("/usr/bin/sqlite3", [hub.db, "SELECT packed_outcome FROM orders WHERE id = 'BX1'"]).trimmingCharacters(in: .whitespacesAndNewlines) == "packed")

        // A restart on the same journal prints nothing again and sends nothing twice.
        try Data().write(to: URL(fileURLWithPath: dir + "/empty.txt"))
        let again = try CLI.run(args + ["--scans-from", dir + "/empty.txt"], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        usleep(300_000)
        #expect(printer.printedLabels().count == 3)
        #expect(try stored().count == 1)
    }

    /// An agent stopped with an order half packed in boxes rebuilds the boxes from its journal at
    /// the next start: box 1's label is not printed again, and when a third box makes its
    /// "1 of 2" wrong, the packer gets "1 of 3" as a marked reprint.
    @Test func boxesSurviveARestartMidOrderAndNoLabelPrintsTwice() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.order(id: "BX2", packages: 1, weights: nil).write(toFile: dir + "/orders.json", atomically: true, encoding: .utf8)
        let printer = try TestPrinterPeer()
        let args = ["run", "--orders", dir + "/orders.json", "--data-dir", dir + "/data", "--exit-when-done", "--printer", printer.uri, "--kiosk-listen", "127.0.0.1:0"]
        try "ORD-BX2\n4006381333931\nCMD:NEWBOX\n4006381333931\n".write(toFile: dir + "/first.txt", atomically: true, encoding: .utf8)
        let first = try CLI.run(args + ["--scans-from", dir + "/first.txt"], environment: RunCLITests.noPrinters)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(printer.waitUntil { printer.printedLabels().count >= 1 })
        try "CMD:NEWBOX\n036000291452\n".write(toFile: dir + "/second.txt", atomically: true, encoding: .utf8)
        let second = try CLI.run(args + ["--scans-from", dir + "/second.txt"], environment: RunCLITests.noPrinters)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(printer.waitUntil { printer.printedLabels().count >= 4 })
        usleep(300_000)
        let labels = printer.printedLabels().map { label in ["1", "2", "3"].flatMap { k in ["2", "3"].map { "\(k) of \($0)" } }.first { label.contains("^FD\($0)^FS") } ?? "?" }
        #expect(labels == ["1 of 2", "2 of 3", "3 of 3", "1 of 3"])
    }

    /// One carrier label per package: `label` writes them as they are, in package order; a bench
    /// prints package k's on box k and refuses a box beyond the last label. A carrier label for
    /// the whole shipment (`shipment.label` alone) is written once.
    @Test func carrierLabelsPrintOnePerBoxAsTheyAre() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let zpl = (1...2).map { "^XA^FO50,50^A0N,40,40^FDCARRIER PKG \($0)^FS^XZ\n" }
        let labels = zpl.enumerated().map { #"{"format":"zpl","data":"\#(Data($0.element.utf8).base64EncodedString())","package":\#($0.offset + 1)}"# }
        let perPackage = Self.order(id: "CL1", packages: 2, weights: nil).replacingOccurrences(of: #""packages":2"#, with: #""packages":2,"labels":[\#(labels.reversed().joined(separator: ","))]"#)
        try perPackage.write(toFile: dir + "/per.json", atomically: true, encoding: .utf8)
        let out = try CLI.run(["label", "--order", dir + "/per.json", "--format", "zpl", "--out", dir + "/per.zpl"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(try String(contentsOfFile: dir + "/per.zpl", encoding: .utf8) == zpl.joined(), "byte-exact, package order")

        let whole = Self.order(id: "CL2", packages: 2, weights: nil).replacingOccurrences(of: #""packages":2"#, with: #""packages":2,"label":{"format":"zpl","data":"\#(Data(zpl.joined().utf8).base64EncodedString())"}"#)
        try whole.write(toFile: dir + "/whole.json", atomically: true, encoding: .utf8)
        #expect(try CLI.run(["label", "--order", dir + "/whole.json", "--format", "zpl", "--out", dir + "/whole.zpl"]).status == 0)
        #expect(try String(contentsOfFile: dir + "/whole.zpl", encoding: .utf8) == zpl.joined(), "the shipment's one carrier file, once")
        let second = try CLI.run(["label", "--order", dir + "/whole.json", "--format", "zpl", "--package", "2", "--out", dir + "/x.zpl"])
        #expect(second.status == 1 && second.stderr.contains("the carrier sent one label for the whole shipment (shipment.label), written with package 1"), "\(second.stderr)")

        let printer = try TestPrinterPeer()
        try "ORD-CL1\n4006381333931\nCMD:NEWBOX\n4006381333931\nCMD:NEWBOX\n036000291452\n".write(toFile: dir + "/scans.txt", atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", "--orders", dir + "/per.json", "--scans-from", dir + "/scans.txt", "--data-dir", dir + "/data", "--exit-when-done",
                               "--printer", printer.uri, "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"], environment: RunCLITests.noPrinters)
        #expect(run.status == 0, "\(run.stderr)")
        let verdicts = run.stderr.split(separator: "\n").filter { $0.contains("verdict=") }.compactMap { $0.split(separator: " ").first { $0.hasPrefix("verdict=") } }
        #expect(verdicts == ["verdict=order_opened", "verdict=accepted", "verdict=box_closed", "verdict=accepted", "verdict=command_rejected", "verdict=order_complete"], "\(run.stderr)")
        #expect(printer.waitUntil { printer.printedLabels().count >= 2 })
        usleep(300_000)
        #expect(printer.printedLabels().map { $0.contains("CARRIER PKG 1") ? 1 : $0.contains("CARRIER PKG 2") ? 2 : 0 } == [1, 2])
    }
}
