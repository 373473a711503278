import ArgumentParser
import Foundation
import PackCore
import Station

extension ScanFramer.Terminator: ExpressibleByArgument {}

/// `packstation scan`: decode a recorded evdev capture, or print live scans from the scanners.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Decode a recorded scanner capture (--replay) or print live scans (--listen).",
        discussion: """
            --replay FILE decodes a raw capture of struct input_event records, as \
            `cat /dev/input/eventN > FILE` records it on x86_64, with the same decoder as the agent, \
            honouring the recorded timestamps. Each scan prints as one JSON object: `data` (control \
            characters such as GS escaped as \\u001D), `symbology` when the scanner sent an AIM \
            identifier, `time`. Faults (a scan without its terminator, lost events) go to standard error.
            --listen reads the scanners found (see `packstation devices`), grabbing them so scans \
            reach nothing else, and prints each scan as it happens; plug scanners in at any time.
            """
    )

    @Option(name: .long, help: ArgumentHelp("A raw evdev capture to decode.", valueName: "FILE"))
    var replay: String?

    @Flag(name: .long, help: "Print live scans from the station's scanners until interrupted.")
    var listen = false

    @Option(name: .long, help: ArgumentHelp("The scanner's keyboard layout (xkb: us, de, fr, gb, es, it, de(nodeadkeys), …).", valueName: "LAYOUT"))
    var layout = "us"

    @Option(name: .long, help: ArgumentHelp("The key that ends a scan: enter, kp-enter, tab or none.", valueName: "KEY"))
    var terminator: ScanFramer.Terminator = .enter

    @Option(name: .customLong("timeout-ms"), help: ArgumentHelp("The longest pause between two keys of one scan (default 100 with --terminator none, else 2000).", valueName: "N"))
    var timeoutMilliseconds: Int?

    @Option(name: .long, help: ArgumentHelp("With --listen: also read this device as a scanner (05e0:1200, 05e0:*, name=TEXT, phys=PATH; add ,layout=de for its own layout). Repeatable.", valueName: "MATCH"))
    var scanner: [String] = []

    @Flag(name: .customLong("no-autodetect"), help: "With --listen: read only the devices given with --scanner or tagged by udev.")
    var noAutodetect = false

    @Option(name: .long, help: ArgumentHelp("With --listen: stop after this many scans.", valueName: "N"))
    var count: Int?

    @Option(name: .customLong("input-dir"), help: .hidden)
    var inputDirectory = "/dev/input"

    func validate() throws {
        switch (replay, listen) {
        case (nil, false): throw ValidationError("Give --replay FILE to decode a capture, or --listen to read the scanners.")
        case (_?, true): throw ValidationError("Give either --replay FILE or --listen, not both.")
        default: break
        }
        if let timeoutMilliseconds, !(1...600_000).contains(timeoutMilliseconds) {
            throw ValidationError("--timeout-ms must be between 1 and 600000, not \(timeoutMilliseconds).")
        }
        if let count, count < 1 { throw ValidationError("--count must be at least 1.") }
        if replay != nil && (!scanner.isEmpty || count != nil) { throw ValidationError("--scanner and --count go with --listen, not --replay.") }
    }

    func run() async throws {
        let options = ScannerStation.Options(layout: layout, terminator: terminator, timeoutMilliseconds: timeoutMilliseconds)
        if let replay {
            let bytes = try readInput(replay, what: "capture")
            let result = try ScannerStation.replay(capture: bytes, name: replay, options: options)
            for fault in result.faults { FileHandle.standardError.write(Data("warning: \(fault)\n".utf8)) }
            FileHandle.standardOutput.write(Data(result.scans.map { $0 + "\n" }.joined().utf8))
            return
        }
        let selection = try ScannerStation.selection(options: options, scanners: scanner, autodetect: !noAutodetect)
        try await ScannerStation.listen(
            selection: selection, directory: inputDirectory, count: count,
            output: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) },
            notice: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        )
    }
}
