import Foundation
import Testing

/// Every package label of ours carries the code the dock scans (docs/dock.md): its own tracking
/// number, else a Code 128 of `PKG:ORDER:N`. Rendered by `packstation label` with the built-in
/// shipping label in PNG, PDF (rasterized by pdftoppm) and ZPL (drawn by the ZPL preview), and
/// decoded by zbarimg.
@Suite struct DockLabelCLITests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var id: String
        var packages: Int
        var tracking: String?
        var perPackage: [String]?
        /// What zbarimg reads on each package's label besides the GS1-128 postal code.
        var barcodes: [[String]]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no tracking number", id: "SO-D1", packages: 1, tracking: nil, perPackage: nil, barcodes: [["CODE-128:PKG:SO-D1:1"]]),
        Case(name: "one number for two boxes", id: "SO-D2", packages: 2, tracking: "1Z999AA10123456784", perPackage: nil,
             barcodes: [["CODE-128:1Z999AA10123456784", "QR-Code:1Z999AA10123456784"], ["CODE-128:PKG:SO-D2:2", "QR-Code:1Z999AA10123456784"]]),
        Case(name: "a number per box", id: "SO-D3", packages: 2, tracking: "1Z999AA10123456784", perPackage: ["JJD0001", "JJD0002"],
             barcodes: [["CODE-128:JJD0001", "QR-Code:JJD0001"], ["CODE-128:JJD0002", "QR-Code:JJD0002"]]),
        Case(name: "two boxes, no number", id: "SO-D4", packages: 2, tracking: nil, perPackage: nil, barcodes: [["CODE-128:PKG:SO-D4:1"], ["CODE-128:PKG:SO-D4:2"]]),
    ]

    static func order(id: String, packages: Int, tracking: String?, perPackage: [String]?) -> String {
        let t = tracking.map { #","tracking":"\#($0)""# } ?? ""
        let p = perPackage.map { #","package_tracking":["# + $0.map { "\"\($0)\"" }.joined(separator: ",") + "]" } ?? ""
        return #"{"id":"\#(id)","barcodes":["ORD-\#(id)"],"status":"ready","payment":"captured","lines":[{"sku":"MUG","quantity":1,"barcodes":["4006381333931"]}],"#
            + #""shipment":{"carrier":"UPS","service":"Ground","packages":\#(packages)\#(t)\#(p),"from":{"name":"W","street":["S 1"],"city":"Newark","postal_code":"07102","country":"US"},"#
            + #""to":{"name":"Ana","street":["A 2"],"city":"Pittsburgh","postal_code":"15238","country":"US"}}}"#
    }

    /// zbarimg's reading of a picture, the postal code's GS1-128 left out.
    static func decoded(_ png: String) throws -> [String] {
        try MultiBoxCLITests.zbar(png).filter { $0 != "CODE-128:42015238" }
    }

    /// Package `k`'s label in `format`, as PNG pictures.
    static func pictures(_ dir: String, order: String, package k: Int, format: String) throws -> [String] {
        let out = dir + "/label-\(k).\(format)"
        let run = try CLI.run(["label", "--order", order, "--format", format, "--package", "\(k)", "--out", out] + (format == "zpl" ? ["--printer-font", "ascii"] : []))
        #expect(run.status == 0, "\(run.stderr)")
        switch format {
        case "png": return [out]
        case "pdf":
            _ = try MultiBoxCLITests.tool("/usr/bin/pdftoppm", ["-r", "203", "-png", out, dir + "/page-\(k)"])
            return try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("page-\(k)") }.sorted().map { dir + "/" + $0 }
        default:
            // The ZPL a printer gets, drawn by the preview (`label --format png FILE.zpl`).
            let png = dir + "/zpl-\(k).png"
            let preview = try CLI.run(["label", "--format", "png", out, "--out", png])
            #expect(preview.status == 0, "\(preview.stderr)")
            return [png]
        }
    }

    @Test(arguments: cases)
    func everyPackageLabelCarriesTheCodeTheDockScans(_ c: Case) throws {
        let dir = try LabelCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let order = dir + "/o.json"
        try Self.order(id: c.id, packages: c.packages, tracking: c.tracking, perPackage: c.perPackage).write(toFile: order, atomically: true, encoding: .utf8)
        for format in ["png", "pdf", "zpl"] {
            for k in 1...c.packages {
                let pngs = try Self.pictures(dir, order: order, package: k, format: format)
                #expect(pngs.count == 1, "\(format) package \(k): \(pngs)")
                for png in pngs {
                    #expect(try Self.decoded(png) == c.barcodes[k - 1].sorted(), "\(format) package \(k) of \(c.id)")
                }
            }
        }
        // The ZPL names the package code in the field a scanner reads, and says PACKAGE over it.
        let zpl = try String(contentsOfFile: dir + "/label-1.zpl", encoding: .utf8)
        if c.barcodes[0][0].hasPrefix("CODE-128:PKG:") {
            #expect(zpl.contains("PACKAGE PKG:\(c.id):1"), "\(zpl)")
        } else {
            #expect(zpl.contains("TRACKING # \(c.barcodes[0][0].dropFirst("CODE-128:".count))"), "\(zpl)")
        }
    }

    /// An order id no Code 128 can carry (non-ASCII, or too long to fit): the label still prints,
    /// without a package barcode, and says the package code in text for the loader to key in.
    @Test(arguments: ["SO-Ñandú-7", String(repeating: "9", count: 45)])
    func anOrderIdNoBarcodeCarriesStillPrintsItsLabel(_ id: String) throws {
        let dir = try LabelCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let order = dir + "/o.json"
        try Self.order(id: id, packages: 1, tracking: nil, perPackage: nil).write(toFile: order, atomically: true, encoding: .utf8)
        let png = try Self.pictures(dir, order: order, package: 1, format: "png")
        #expect(try Self.decoded(png[0]) == [], "no package barcode")
        let pdf = dir + "/l.pdf"
        #expect(try CLI.run(["label", "--order", order, "--format", "pdf", "--out", pdf]).status == 0)
        let text = try MultiBoxCLITests.tool("/usr/bin/pdftotext", ["-layout", pdf, "-"])
        #expect(text.contains("PACKAGE PKG:\(id):1"), "\(text)")
    }
}
