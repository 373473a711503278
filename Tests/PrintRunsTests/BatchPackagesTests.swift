import Foundation
import TestPeers
import Testing
@testable import PrintRuns

/// `batch start --orders` of shipments with several packages: one label per package ("k of N",
/// or the carrier's own label of each package), numbered as labels in the run, each printed once
/// even when a chunk ends between an order's packages.
@Suite(.serialized) struct BatchPackagesTests {
    static let address = #""from":{"name":"Shop","street":["1 Main St"],"city":"Springfield","postal_code":"62701","country":"US"},"to":{"name":"Customer","street":["2 Elm St"],"city":"Albany","region":"NY","postal_code":"12207","country":"US"}"#

    static func order(_ id: String, packages: Int, extra: String = "") -> String {
        #"{"id":"\#(id)","status":"ready","payment":"captured","lines":[{"sku":"MUG","quantity":1}],"shipment":{"carrier":"UPS","service":"Ground","tracking":"1Z999AA10123456784",\#(address),"packages":\#(packages)\#(extra)}}"#
    }

    static func carrierZPL(_ text: String) -> String { Data("^XA^FO50,50^A0N,40,40^FD\(text)^FS^XZ".utf8).base64EncodedString() }

    /// SO-1 one box, SO-2 three boxes with weights, SO-3 two boxes with the carrier's labels.
    static func wave(in dir: String) throws -> String {
        let carrier = #","labels":[{"format":"zpl","data":"\#(carrierZPL("carrier SO-3 box 2"))","package":2},{"format":"zpl","data":"\#(carrierZPL("carrier SO-3 box 1"))","package":1}]"#
        let lines = [
            order("SO-1", packages: 1),
            order("SO-2", packages: 3, extra: #","package_weights":[1200,800,450]"#),
            "",
            order("SO-3", packages: 2, extra: carrier),
        ]
        let path = dir + "/wave.jsonl"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// What each printed label is: "SO-2 2 of 3" for ours, the carrier's text for theirs.
    static func summary(_ zpl: String) -> String {
        if let r = zpl.range(of: "carrier SO-3 box ") { return "carrier 3/" + zpl[r.upperBound...].prefix(1) }
        let id = ["SO-1", "SO-2", "SO-3"].first { zpl.contains($0) } ?? "?"
        let k = (1...3).flatMap { k in (1...3).map { (k, $0) } }.first { zpl.contains("^FD\($0.0) of \($0.1)^FS") }
        return "\(id) " + (k.map { "\($0.0) of \($0.1)" } ?? "no k of N")
    }

    @Test func everyPackageGetsItsLabelNumberedInTheRunAcrossChunks() throws {
        let dir = try scratch("cli-packages")
        let peer = try TestPrinterPeer()
        let wave = try Self.wave(in: dir)
        let r = try Agent.run(["batch", "start", "--printer", peer.uri, "--orders", wave, "--chunk", "2", "--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let id = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        #expect(r.stdout.contains("Run \(id) done: 6 labels printed"), "\(r.stdout)")
        let printed = peer.printedLabels()
        #expect(printed.map(Self.summary) == ["SO-1 1 of 1", "SO-2 1 of 3", "SO-2 2 of 3", "SO-2 3 of 3", "carrier 3/1", "carrier 3/2"], "\(printed)")
        #expect(printed[1].contains("1.20 kg") && printed[3].contains("0.45 kg"), "each package's weight: \(printed)")
        #expect(printed[4].hasPrefix("^XA^FO50,50^A0N,40,40^FDcarrier SO-3 box 1^FS^XZ"), "the carrier's label as it came: \(printed[4])")
        let status = try BatchCLITests.status(id, data: dir + "/data", in: dir)
        #expect(status["total"] as? Int == 6 && status["printed"] as? Int == 6, "\(status)")
        #expect((status["chunks"] as? [[String: Any]])?.count == 3, "chunks of 2 labels cut SO-2 between its boxes")

        // Labels are numbered per package: label 3 is SO-2's second box, 5 SO-3's first.
        let again = try Agent.run(["batch", "reprint", id, "3,5", "--data-dir", dir + "/data"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(peer.printedLabels().dropFirst(6).map(Self.summary) == ["SO-2 2 of 3", "carrier 3/1"])
    }

    @Test func anOrderWhoseCarrierLabelIsMissingForABoxIsRefusedBeforeAnythingPrints() throws {
        let dir = try scratch("cli-packages-missing")
        let peer = try TestPrinterPeer()
        // The carrier's label for the whole shipment of three boxes: one label, as at the bench;
        // then an order of two boxes whose box 2 label the schema requires (refused at parsing).
        let whole = Self.order("SO-8", packages: 3, extra: #","label":{"format":"zpl","data":"\#(Self.carrierZPL("carrier SO-8 all"))"}"#)
        try whole.write(toFile: dir + "/whole.jsonl", atomically: true, encoding: .utf8)
        let r = try Agent.run(["batch", "start", "--printer", peer.uri, "--orders", dir + "/whole.jsonl", "--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("done: 1 labels printed") || r.stdout.contains("done: 1 label printed"), "\(r.stdout)")
        #expect(peer.printedLabels().count == 1 && peer.printedLabels()[0].contains("carrier SO-8 all"))

        let partial = Self.order("SO-9", packages: 2, extra: #","labels":[{"format":"zpl","data":"\#(Self.carrierZPL("carrier SO-9 box 1"))","package":1}]"#)
        try [Self.order("SO-1", packages: 2), partial].joined(separator: "\n").write(toFile: dir + "/partial.jsonl", atomically: true, encoding: .utf8)
        let bad = try Agent.run(["batch", "start", "--printer", peer.uri, "--orders", dir + "/partial.jsonl", "--data-dir", dir + "/data"], in: dir)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("\(dir)/partial.jsonl line 2") && bad.stderr.contains("no label for package 2"), "\(bad.stderr)")
        #expect(peer.printedLabels().count == 1, "nothing of that file printed")
    }
}
