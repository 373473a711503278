import Foundation
import Testing

/// `packstation run` and `packstation config check` as a user (or systemd) runs them.
@Suite struct RunCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    static let orders = root + "/examples/orders/1001.json"
    static let scans = root + "/examples/scans/1001.txt"

    /// No CUPS server to find (port 9 refuses): the embedded default printer is the PDF directory.
    static let noPrinters = ["CUPS_SERVER": "127.0.0.1:9"]

    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("run-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// No configuration file: the embedded defaults pack the demo order and leave its label as a
    /// PDF in DATA_DIR/labels/.
    @Test func aReplayedSessionOnEmbeddedDefaultsPrintsItsLabelToPDFFiles() throws {
        let dir = try Self.scratch()
        let run = try CLI.run(["run", "--scans-from", Self.scans, "--orders", Self.orders, "--data-dir", dir + "/data", "--exit-when-done",
                               "--kiosk-listen", "127.0.0.1:0"], environment: RunCLITests.noPrinters)
        #expect(run.status == 0, "\(run.stderr)")
        let labels = try FileManager.default.contentsOfDirectory(atPath: dir + "/data/labels")
        #expect(labels.count == 1, "\(labels)")
        let pdf = try #require(FileManager.default.contents(atPath: dir + "/data/labels/" + (labels.first ?? "")))
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        #expect(run.stderr.contains("labels go to file://\(dir)/data/labels/"), "\(run.stderr)")
    }

    /// A printer that is not there: the order completes, its label stays queued (exit 1 says so),
    /// and the next start prints it.
    @Test func aLabelThatCannotPrintWaitsAndPrintsAtTheNextStart() throws {
        let dir = try Self.scratch()
        let closed = "tcp://127.0.0.1:9"   // discard port: nothing listens
        let first = try CLI.run(["run", "--scans-from", Self.scans, "--orders", Self.orders, "--data-dir", dir + "/data", "--exit-when-done",
                                 "--done-timeout", "2", "--printer", closed, "--kiosk-listen", "127.0.0.1:0"])
        #expect(first.status == 1)
        #expect(first.stderr.contains("1 label(s) still queued"), "\(first.stderr)")
        let empty = dir + "/empty.txt"
        try Data().write(to: URL(fileURLWithPath: empty))
        let second = try CLI.run(["run", "--scans-from", empty, "--orders", Self.orders, "--data-dir", dir + "/data", "--exit-when-done",
                                  "--printer", "file://\(dir)/spool.zpl", "--kiosk-listen", "127.0.0.1:0"])
        #expect(second.status == 0, "\(second.stderr)")
        let zpl = String(decoding: FileManager.default.contents(atPath: dir + "/spool.zpl") ?? Data(), as: UTF8.self)
        #expect(zpl.components(separatedBy: "^XA").count == 2, "exactly one label: \(zpl.prefix(200))")
        #expect(zpl.contains("ORD-1001") || zpl.contains("1001"))
    }

    /// Packing the same order again after a restart is refused: the journal knows it was packed.
    @Test func anOrderPackedBeforeARestartIsNotPackedTwice() throws {
        let dir = try Self.scratch()
        let args = ["run", "--scans-from", Self.scans, "--orders", Self.orders, "--data-dir", dir + "/data", "--exit-when-done",
                    "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"]
        #expect(try CLI.run(args, environment: Self.noPrinters).status == 0)
        let again = try CLI.run(args, environment: Self.noPrinters)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/data/labels").count == 1, "no second label")
    }

    @Test(arguments: [
        ("[printer]\ndpi = 250\n", "Configuration key printer.dpi (CONFIG:2) must be 203, 300 or 600, not 250."),
        ("[printer]\nurii = \"tcp://x\"\n", "CONFIG:2: printer.urii is not a configuration key; [printer] has uri, name, format"),
        ("[printr]\n", "CONFIG:1: 'printr' is not a section of station.toml"),
        ("[station]\nname = 5\n", "CONFIG:2: station.name must be a string, not an integer."),
        ("[station]\nname = bench\n", "CONFIG:2: 'bench' is not a value: strings need quotes, e.g. \"bench\""),
        ("[server]\ntoken = \"abc\"\n", "Configuration key server.token (CONFIG:2) is set but server.url is not"),
        ("[kiosk]\nlisten = \"8470\"\n", "Configuration key kiosk.listen (CONFIG:2) must be HOST:PORT"),
        ("[[bench]]\nname = \"a\"\n[[bench]]\nname = \"a\"\nscanners = [\"05e0:1200\"]\n", "'a' names two benches"),
        ("[scanner]\nterminator = \"space\"\n", "scanner.terminator (CONFIG:2) must be enter, kp_enter, tab or none"),
    ])
    func aBadConfigurationNamesTheKeyAndLine(text: String, message: String) throws {
        let dir = try Self.scratch()
        let file = dir + "/station.toml"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let run = try CLI.run(["config", "check", "--config", file])
        #expect(run.status == 1)
        #expect(run.stderr.contains(message.replacingOccurrences(of: "CONFIG", with: file)), "\(run.stderr)")
        // The agent refuses to start on it, with the same message.
        let agent = try CLI.run(["run", "--config", file, "--scans-from", "/dev/null", "--exit-when-done"])
        #expect(agent.status == 1 && agent.stderr.contains(message.replacingOccurrences(of: "CONFIG", with: file)), "\(agent.stderr)")
    }

    @Test func anEnvironmentOverrideIsCheckedAndShownWithItsOrigin() throws {
        let dir = try Self.scratch()
        let file = dir + "/station.toml"
        try "[station]\nname = \"bench-7\"\n[server]\nurl = \"http://127.0.0.1:1\"\ntoken = \"s3cret-token\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["config", "check", "--config", file], environment: ["PACKSTATION_PRINTER_DPI": "high"])
        #expect(bad.status == 1 && bad.stderr.contains("Configuration key printer.dpi (PACKSTATION_PRINTER_DPI) must be a whole number, not 'high'."), "\(bad.stderr)")
        let good = try CLI.run(["config", "check", "--config", file], environment: ["PACKSTATION_PRINTER_DPI": "300"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("printer.dpi = 300  # PACKSTATION_PRINTER_DPI"))
        #expect(good.stdout.contains("station.name = \"bench-7\"  # \(file):2"))
        #expect(good.stdout.contains("server.token = <redacted>"))
        #expect(!good.stdout.contains("s3cret-token"), "the token never appears")
    }

    /// docs/configuration.md and examples/station.toml list every key the agent knows.
    @Test func everyKeyIsDocumented() throws {
        let doc = try String(contentsOfFile: Self.root + "/docs/configuration.md", encoding: .utf8)
        let example = try String(contentsOfFile: Self.root + "/examples/station.toml", encoding: .utf8)
        let run = try CLI.run(["config", "check", "--config", Self.root + "/examples/station.toml"])
        #expect(run.status == 0, "the example file is valid: \(run.stderr)")
        let keys = run.stdout.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard let eq = t.range(of: " = ") else { return nil }
            return String(t[..<eq.lowerBound])
        }
        #expect(keys.count >= 25)
        for key in keys {
            #expect(doc.contains("| `\(key)` |"), "\(key) missing from docs/configuration.md")
            let short = key.split(separator: ".").last.map(String.init) ?? key
            #expect(example.contains("# \(short) = "), "\(key) missing from examples/station.toml")
        }
    }
}

/// The agent killed (-9) in the middle of an order: the next start rebuilds the open order from
/// the journal, so the remaining items complete it and its label prints once.
@Suite struct RunCrashTests {
    @Test func killedMidOrderTheNextStartFinishesTheSameOrder() throws {
        let dir = try RunCLITests.scratch()
        let scans = try String(contentsOfFile: RunCLITests.scans, encoding: .utf8).split(separator: "\n").map(String.init)
        // ORD-1001 and the first three items now; the rest after the crash.
        let (before, after) = (scans.prefix(4), scans.dropFirst(4))
        let agent = Process()
        agent.executableURL = CLI.binary
        agent.arguments = ["run", "--scans-from", "-", "--orders", RunCLITests.orders, "--data-dir", dir + "/data", "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"]
        let input = Pipe()
        agent.standardInput = input
        let log = dir + "/agent.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        agent.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        agent.standardOutput = FileHandle.nullDevice
        agent.environment = ProcessInfo.processInfo.environment.merging(RunCLITests.noPrinters) { $1 }
        try agent.run()
        input.fileHandleForWriting.write(Data((before.joined(separator: "\n") + "\n").utf8))
        let deadline = Date().addingTimeInterval(30)
        var text = ""
        while Date() < deadline {
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.components(separatedBy: "] verdict").count - 1 >= before.count { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(text.components(separatedBy: "] verdict").count - 1 == before.count, "\(text)")
        kill(agent.processIdentifier, SIGKILL)
        agent.waitUntilExit()
        #expect(agent.terminationReason == .uncaughtSignal)

        let rest = dir + "/rest.txt"
        try (after.joined(separator: "\n") + "\n").write(toFile: rest, atomically: true, encoding: .utf8)
        let second = try CLI.run(["run", "--scans-from", rest, "--orders", RunCLITests.orders, "--data-dir", dir + "/data", "--exit-when-done",
                                  "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"], environment: RunCLITests.noPrinters)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("bench state recovered from the journal"), "\(second.stderr)")
        #expect(second.stderr.contains("verdict=order_complete"), "\(second.stderr)")
        #expect(!second.stderr.contains("verdict=no_order_open"), "\(second.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/data/labels").filter { $0.hasSuffix(".pdf") }.count == 1)
    }
}

@Suite struct DoctorCLITests {
    /// `sudo packstation doctor` must not leave root-owned journal files the agent's user
    /// could not open afterwards.
    @Test func asRootItLeavesTheAgentsDataDirectoryAlone() throws {
        guard geteuid() == 0 else { return }
        let dir = try RunCLITests.scratch() + "/data"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(chown(dir, 65534, 65534) == 0)
        let run = try CLI.run(["doctor", "--data-dir", dir], environment: RunCLITests.noPrinters)
        #expect(run.stdout.contains("ok   journal: \(dir) belongs to"), "\(run.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "nothing created as root")
    }

    @Test func aDeadServerAndAnUnreachablePrinterFailWithTheirFixes() throws {
        let dir = try RunCLITests.scratch()
        let file = dir + "/station.toml"
        try "[server]\nurl = \"http://127.0.0.1:9\"\ntoken = \"t0ken\"\n[printer]\nuri = \"tcp://127.0.0.1:9\"\nname = \"zebra1\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let run = try CLI.run(["doctor", "--config", file, "--data-dir", dir + "/data"])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("ok   journal: \(dir)/data/journal.sqlite"), "\(run.stdout)")
        #expect(run.stdout.contains("FAIL printer tcp://127.0.0.1:9:"), "\(run.stdout)")
        #expect(run.stdout.contains("FAIL server http://127.0.0.1:9:"), "\(run.stdout)")
        #expect(run.stdout.contains("fix: Check the network and that the server runs"), "\(run.stdout)")
        #expect(!run.stdout.contains("t0ken"))
        let json = try CLI.run(["doctor", "--config", file, "--data-dir", dir + "/data", "--json"])
        let levels = json.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["level"] as? String
        }
        #expect(levels.count >= 6 && levels.filter { $0 == "failure" }.count == 2, "\(json.stdout)")
    }
}

/// Two benches on one box: each scan goes to its own bench's session, each order completes on
/// its bench and its label goes to that bench's printer.
@Suite struct BenchBindingTests {
    @Test func twoBenchesPackTwoOrdersAtOnceEachOnItsOwnPrinter() throws {
        let dir = try RunCLITests.scratch()
        func order(_ id: String, _ gtin: String) -> String {
            #"{"id":"\#(id)","barcodes":["ORD-\#(id)"],"status":"ready","payment":"captured","lines":[{"sku":"S-\#(id)","quantity":2,"barcodes":["\#(gtin)"]}],"shipment":{"carrier":"DHL","service":"Express","tracking":"JD\#(id)","from":{"name":"Warehouse","street":["Hafenstr. 1"],"city":"Hamburg","postal_code":"20457","country":"DE"},"to":{"name":"Eve","street":["Main St 1"],"city":"Berlin","postal_code":"10115","country":"DE"}}}"#
        }
        let orders = dir + "/orders.jsonl"
        try (order("2001", "4006381333931") + "\n" + order("2002", "036000291452") + "\n").write(toFile: orders, atomically: true, encoding: .utf8)
        let config = dir + "/station.toml"
        try """
            [[bench]]
            name = "left"
            scanners = ["05e0:1200"]
            printer = "file://\(dir)/left/"

            [[bench]]
            name = "right"
            scanners = []
            printer = "file://\(dir)/right/"

            [printer]
            format = "zpl"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        // Interleaved, as two packers scan at the same time; each line names its bench.
        let scans = dir + "/scans.txt"
        try ["@left ORD-2001", "@right ORD-2002", "@left 4006381333931", "@right 036000291452", "@right 4006381333931",
             "@left 4006381333931", "@right 036000291452"].joined(separator: "\n").write(toFile: scans, atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", "--config", config, "--scans-from", scans, "--orders", orders, "--data-dir", dir + "/data",
                               "--exit-when-done", "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("bench=right") && run.stderr.contains("verdict=wrong_item"), "the GTIN of the left order is wrong on the right bench")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir + "/left")
        let right = try FileManager.default.contentsOfDirectory(atPath: dir + "/right")
        #expect(left.count == 1 && left[0].contains("2001") && left[0].hasSuffix(".zpl"), "\(left)")
        #expect(right.count == 1 && right[0].contains("2002"), "\(right)")
    }
}

/// kiosk.sound = "speaker": the agent plays each verdict's tone itself (aplay), for benches
/// without a screen; a bad sound device is reported, packing goes on.
@Suite struct SpeakerTests {
    func run(device: String) throws -> (CLI.Output, String) {
        let dir = try RunCLITests.scratch()
        try "[kiosk]\nsound = \"speaker\"\nsound_device = \"\(device)\"\nenabled = false\n".write(toFile: dir + "/s.toml", atomically: true, encoding: .utf8)
        let out = try CLI.run(["run", "--config", dir + "/s.toml", "--scans-from", RunCLITests.scans, "--orders", RunCLITests.orders,
                               "--data-dir", dir + "/data", "--exit-when-done", "--log-level", "debug", "--scan-interval", "250"],
                              environment: RunCLITests.noPrinters)  // paced: a new verdict cuts the sound before it
        return (out, dir)
    }

    @Test func eachVerdictIsPlayedOnTheSpeaker() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/aplay") || ProcessInfo.processInfo.environment["CI"] != nil else { return }
        let (out, dir) = try run(device: "null")
        #expect(out.status == 0, "\(out.stderr)")
        // Every verdict starts its sound; a sound still playing when the next verdict comes is cut
        // (on a loaded machine aplay can take longer than the 250 ms between scans), so only the
        // last one, the order's done tone, must have played to its end.
        let verdicts = out.stderr.split(separator: "\n").filter { $0.contains("verdict=") }.count
        #expect(verdicts >= 8 && out.stderr.components(separatedBy: "feedback sound started").count - 1 == verdicts, "\(out.stderr)")
        #expect(out.stderr.contains("tone=done") && out.stderr.contains("tone=bad") && out.stderr.contains("tone=good"))
        #expect(out.stderr.split(separator: "\n").last { $0.contains("feedback sound played") }?.contains("tone=done") == true, "\(out.stderr)")
        let wav = try #require(FileManager.default.contents(atPath: dir + "/data/sounds/good.wav"))
        #expect(wav.starts(with: Array("RIFF".utf8)) && wav.count == 44 + Int(0.09 * 22_050) * 2)
    }

    @Test func aMissingSoundDeviceIsReportedAndPackingGoesOn() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/aplay") || ProcessInfo.processInfo.environment["CI"] != nil else { return }
        let (out, dir) = try run(device: "no_such_card")
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("aplay could not play a feedback sound"), "\(out.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/data/labels").count == 1)
    }
}

/// `packstation devices` lists the printers the configuration names, with their state.
@Suite struct ConfiguredPrinterDevicesTests {
    @Test func aConfiguredZebraOutOfLabelsIsShownWithWhatToDo() throws {
        let dir = try RunCLITests.scratch()
        let peer = Process()
        peer.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        peer.arguments = ["python3", RunCLITests.root + "/scripts/peers/zebra_printer.py", "--port", "0", "--control-port", "0", "--log", dir, "--ready-file", dir + "/ready"]
        peer.standardOutput = FileHandle.nullDevice
        peer.standardError = FileHandle.nullDevice
        try peer.run()
        defer { kill(peer.processIdentifier, SIGKILL); peer.waitUntilExit() }
        var ports: [String: Int] = [:]
        for _ in 0..<500 where ports.count < 2 {
            if let text = try? String(contentsOfFile: dir + "/ready", encoding: .utf8), text.hasSuffix("\n") {
                for field in text.split(whereSeparator: \.isWhitespace) where field.contains("=") {
                    let kv = field.split(separator: "=")
                    ports[String(kv[0])] = Int(kv[1])
                }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let data = try #require(ports["data"]), control = try #require(ports["control"])
        try "[printer]\nuri = \"tcp://127.0.0.1:\(data)\"\nname = \"zebra1\"\n".write(toFile: dir + "/s.toml", atomically: true, encoding: .utf8)
        let ready = try CLI.run(["devices", "--config", dir + "/s.toml", "--input-dir", "/nonexistent"], environment: RunCLITests.noPrinters)
        #expect(ready.stdout.contains("zebra1  tcp://127.0.0.1:\(data)  ready"), "\(ready.stdout)")
        // Out of labels, through the peer's control port.
        let socket = try TCPClient(port: control)
        socket.send("paper_out 1\n")
        let out = try CLI.run(["devices", "--json", "--config", dir + "/s.toml", "--input-dir", "/nonexistent"], environment: RunCLITests.noPrinters)
        #expect(out.stdout.contains(#""state":"not ready","advice":["zebra1: out of labels — load labels and press FEED"]"#), "\(out.stdout)")
    }
}

/// A line-oriented TCP client for a test peer's control port.
final class TCPClient {
    let fd: Int32
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if rc != 0 { throw CocoaError(.fileReadUnknown) }
    }
    /// Sends a command and waits for the peer's one-line answer.
    func send(_ line: String) {
        _ = line.withCString { write(fd, $0, strlen($0)) }
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 && byte != 0x0A {}
    }
    deinit { close(fd) }
}
