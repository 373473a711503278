import Foundation
import TestPeers
import Testing

/// Bad input to `packstation batch`: exit 1 with a message that says what to fix and nothing
/// recorded; usage errors exit 2.
struct BatchBadInputTests {
    /// A port nothing listens on (bound, read, closed).
    static func closedPort() -> Int { LoopbackPort.unused() }

    enum Case: String, CaseIterable {
        case missingOrders, badJSONLine, invalidOrderLine, unpaidOrder, emptyLabelDirectory, damagedPDFOnZPLPrinter, settingsOnlyFile, unclosedFormat, missingLabelFile
        case badPrinterURI, unreachablePrinter, missingFileFolder
    }

    /// Arguments for `batch start` and the message expected on stderr.
    static func start(_ c: Case, dir: String) throws -> ([String], String) {
        let out = "file://\(dir)/out.zpl"
        switch c {
        case .missingOrders:
            return (["--printer", out, "--orders", dir + "/nope.jsonl"], "The orders file \(dir)/nope.jsonl does not exist.")
        case .badJSONLine:
            try "\(orderLine(1))\n{\"id\": \"SO-2\", \n\(orderLine(3))\n".write(toFile: dir + "/w.jsonl", atomically: true, encoding: .utf8)
            return (["--printer", out, "--orders", dir + "/w.jsonl"], "\(dir)/w.jsonl line 2 is not valid JSON")
        case .invalidOrderLine:
            try "\(orderLine(1))\n\(orderLine(2))\n{\"id\": 5}\n".write(toFile: dir + "/w.jsonl", atomically: true, encoding: .utf8)
            return (["--printer", out, "--orders", dir + "/w.jsonl"], "\(dir)/w.jsonl line 3 is not a valid order")
        case .unpaidOrder:
            let unpaid = orderLine(2).replacingOccurrences(of: #""payment":"captured""#, with: #""payment":"pending""#)
            try "\(orderLine(1))\n\(unpaid)\n".write(toFile: dir + "/w.jsonl", atomically: true, encoding: .utf8)
            return (["--printer", out, "--orders", dir + "/w.jsonl"], "\(dir)/w.jsonl line 2: order SO-2 must not ship: its payment is pending, not captured.")
        case .emptyLabelDirectory:
            try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
            return (["--printer", out, "--labels", dir + "/empty"], "holds no .zpl or .pdf files")
        case .damagedPDFOnZPLPrinter:
            let labels = try labelDirectory(2)
            try "%PDF-1.4\n%%EOF\n".write(toFile: labels + "/label-3.pdf", atomically: true, encoding: .utf8)
            return (["--printer", "tcp://127.0.0.1:\(closedPort())", "--labels", labels], "label-3.pdf: The PDF cannot be read: it is damaged or not a PDF poppler understands")
        case .settingsOnlyFile:
            // A format that only sets the printer up prints nothing: no label number can be its.
            let labels = try labelDirectory(2)
            try "^XA^MCY^XZ\r\n^XA^PW812^LL1218^XZ".write(toFile: labels + "/label-3.zpl", atomically: true, encoding: .utf8)
            return (["--printer", out, "--labels", labels], "label-3.zpl prints no label: its formats only change settings or store graphics and formats. A run counts the labels that come out, so put what it sets up into the file whose labels need it, or remove it.")
        case .unclosedFormat:
            let labels = try labelDirectory(2)
            try (testLabel(3) + "^XA^FO10,10^FDcut off").write(toFile: labels + "/label-3.zpl", atomically: true, encoding: .utf8)
            return (["--printer", out, "--labels", labels], "label-3.zpl cannot be printed as it is: ")
        case .missingLabelFile:
            return (["--printer", out, "--labels", dir + "/wave-42.zpl"], "\(dir)/wave-42.zpl does not exist. Check the path: --labels takes a .zpl or .pdf file or a directory of them.")
        case .badPrinterURI:
            return (["--printer", "tcpx://printer", "--labels", try labelDirectory(1)], "'tcpx://printer' is not a printer URI: unknown scheme 'tcpx'")
        case .unreachablePrinter:
            let port = closedPort()
            return (["--printer", "tcp://127.0.0.1:\(port)", "--labels", try labelDirectory(1)], "The printer at 127.0.0.1:\(port) refused the connection")
        case .missingFileFolder:
            return (["--printer", "file://\(dir)/no/such/out.zpl", "--labels", try labelDirectory(1)], "the folder \(dir)/no/such does not exist")
        }
    }

    @Test(arguments: Case.allCases)
    func badStartInputFailsClearlyAndRecordsNothing(_ c: Case) throws {
        let dir = try scratch("bad-\(c.rawValue)")
        let (arguments, message) = try Self.start(c, dir: dir)
        let r = try Agent.run(["batch", "start"] + arguments + ["--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 1, "\(c): \(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains(message), "\(c): \(r.stderr)")
        #expect(r.stdout.isEmpty, "no run id is written for a run that was not recorded")
        let status = try Agent.run(["batch", "status", "--json", "--data-dir", dir + "/data"], in: dir)
        #expect(status.stdout == "[]\n", "nothing half-recorded: \(status.stdout)")
    }

    @Test(arguments: [["status", "rnope234"], ["resume", "rnope234"], ["cancel", "rnope234"], ["reprint", "rnope234", "--from", "1", "--to", "2"]])
    func anUnknownRunIDIsNamed(arguments: [String]) throws {
        let dir = try scratch("bad-id")
        let r = try Agent.run(["batch"] + arguments + ["--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("There is no run 'rnope234'"), "\(r.stderr)")
        #expect(r.stderr.contains("`packstation batch status` lists the runs"))
    }

    @Test(arguments: [
        (["5-9"], "Run ID holds labels 1–8; 5–9 is not all inside it."),
        (["--from", "5", "--to", "9"], "Run ID holds labels 1–8; 5–9 is not all inside it."),
        (["2,9"], "Run ID holds labels 1–8; 2, 9 is not all inside it."),
        (["0-3"], "'0-3' in '0-3' is not a label number or range; give label numbers from 1 like 17 or 40-45, separated by commas (17,40-45)."),
        (["6-4"], "'6-4' in '6-4' runs backwards; write the smaller number first (4-6)."),
        (["3,x"], "'x' in '3,x' is not a label number or range"),
        (["--from", "6", "--to", "4"], "--from 6 is after --to 4; give the smaller label first."),
    ])
    func aReprintOutsideTheRunIsRefused(labels: [String], message: String) throws {
        let dir = try scratch("bad-reprint")
        let first = try Agent.run(["batch", "start", "--printer", "file://\(dir)/out.zpl", "--labels", try labelDirectory(8), "--data-dir", dir + "/data"], in: dir)
        let id = try #require(first.stdout.split(separator: "\n").first.map(String.init))
        let r = try Agent.run(["batch", "reprint", id] + labels + ["--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains(message.replacingOccurrences(of: "Run ID", with: "Run \(id)")), "\(r.stderr)")
        let all = try Agent.run(["batch", "status", "--data-dir", dir + "/data"], in: dir)
        #expect(all.stdout.split(separator: "\n").count == 1, "no reprint run was recorded")
        #expect(try String(contentsOfFile: dir + "/out.zpl", encoding: .utf8) == (1...8).map(testLabel).joined(), "nothing printed again")
    }

    @Test func aChangedSourceIsNotResumedIntoDifferentLabels() throws {
        let dir = try scratch("bad-changed")
        let labels = try labelDirectory(4)
        let first = try Agent.run(["batch", "start", "--printer", "file://\(dir)/out.zpl", "--labels", labels, "--data-dir", dir + "/data"], in: dir)
        let id = try #require(first.stdout.split(separator: "\n").first.map(String.init))
        try testLabel(99).write(toFile: labels + "/label-2.zpl", atomically: true, encoding: .utf8)
        let r = try Agent.run(["batch", "reprint", id, "--from", "1", "--to", "2", "--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("changed since run \(id) was made"), "\(r.stderr)")
    }

    @Test(arguments: [
        ["start", "--printer", "file:///tmp/x.zpl"],
        ["start", "--printer", "file:///tmp/x.zpl", "--orders", "a.jsonl", "--labels", "dir"],
        ["start", "--orders", "a.jsonl"],
        ["start", "--printer", "file:///tmp/x.zpl", "--labels", "dir", "--chunk", "0"],
        ["reprint", "r2345678"],
        ["reprint", "r2345678", "3-4", "--from", "3", "--to", "4"],
        ["reprint", "r2345678", "--from", "3"],
        ["resume"],
    ])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let dir = try scratch("usage")
        let r = try Agent.run(["batch"] + arguments + ["--data-dir", dir + "/data"], in: dir)
        #expect(r.status == 2, "\(arguments): \(r.stderr)")
    }
}
