import Foundation
import TestPeers
import Testing
@testable import PrintRuns

/// `batch start --labels` reads its files with the site's ZPL policy (station.toml's
/// `printer.zpl_allow`, `--allow-zpl`), as `packstation print` and the bench do.
@Suite(.serialized) struct BatchZPLPolicyTests {
    /// Two labels, the second changing whether the printer reprints after an error (^JZ, refused
    /// by default) at byte 42 of the file.
    static let file = "^XA^FO50,50^A0N,40,40^FDpolicy 1^FS^XZ\n^XA^JZN^FO50,50^A0N,40,40^FDpolicy 2^FS^XZ\n"

    @Test func aRefusedCommandStopsTheRunBeforeAnythingIsSentNamingItsByte() throws {
        let dir = try scratch("cli-policy")
        let peer = try TestPrinterPeer()
        try Self.file.write(toFile: dir + "/jz.zpl", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/conf", withIntermediateDirectories: true)
        try "[printer]\nzpl_allow = [\"~JA\"]\n".write(toFile: dir + "/conf/station.toml", atomically: true, encoding: .utf8)
        let r = try Agent.run(["batch", "start", "--printer", peer.uri, "--labels", dir + "/jz.zpl", "--config", dir + "/conf/station.toml", "--data-dir", dir + "/data"], in: dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("\(dir)/jz.zpl cannot be printed as it is: The ZPL has ^JZ at byte 42, which changes whether the printer reprints after an error"), "\(r.stderr)")
        #expect(r.stderr.contains("add \"^JZ\" to printer.zpl_allow in station.toml"), "\(r.stderr)")
        #expect(peer.printedLabels().isEmpty, "nothing sent")
        let all = try Agent.run(["batch", "status", "--data-dir", dir + "/data"], in: dir)
        #expect(!all.stdout.contains("jz.zpl"), "no run recorded: \(all.stdout)")
    }

    @Test func aCommandTheSiteAllowsRunsAndAReprintNeedsTheAllowanceToo() throws {
        let dir = try scratch("cli-policy-ok")
        let peer = try TestPrinterPeer()
        try Self.file.write(toFile: dir + "/jz.zpl", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/conf", withIntermediateDirectories: true)
        try "[printer]\nzpl_allow = [\"^JZ\"]\n".write(toFile: dir + "/conf/station.toml", atomically: true, encoding: .utf8)
        let r = try Agent.run(["batch", "start", "--printer", peer.uri, "--labels", dir + "/jz.zpl", "--config", dir + "/conf/station.toml", "--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let printed = peer.printedLabels()
        #expect(printed.count == 2, "\(printed)")
        #expect(printed.last?.contains("^JZN") == true && printed.last?.contains("policy 2") == true, "the file as it is: \(printed)")
        // The same through --allow-zpl, and a reprint of label 2 without the allowance is refused.
        let id = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        let denied = try Agent.run(["batch", "reprint", id, "2", "--data-dir", dir + "/data"], in: dir)
        #expect(denied.status != 0)
        #expect(denied.stderr.contains("^JZ at byte 42"), "\(denied.stderr)")
        #expect(peer.printedLabels().count == 2, "nothing more sent")
        let again = try Agent.run(["batch", "reprint", id, "2", "--allow-zpl", "^JZ", "--data-dir", dir + "/data"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(peer.printedLabels().count == 3 && peer.printedLabels().last?.contains("policy 2") == true)
    }
}
