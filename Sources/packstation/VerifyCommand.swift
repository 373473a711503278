import ArgumentParser
import Foundation
import PackCore
import Station

/// `packstation verify`: replays an order and recorded scans, printing verdicts as JSON lines.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Replay scans against orders and print each verdict as a JSON line.",
        discussion: """
            SCANS holds one raw scan per line (UTF-8; GS is the byte 0x1D; commands as their \
            barcode text, e.g. CMD:UNDO, CMD:QTY:6, CMD:SHORT:damaged, CMD:NEWBOX, CMD:ABANDON, CMD:REPRINT, CMD:VOID, \
            CMD:SIGNOUT; a packer badge signs in). \
            Prints one JSON object per scan, then a summary object with `complete` and the pack result.
            """
    )

    @Option(name: .long, help: ArgumentHelp("An order as JSON (an object, an array, or JSON lines); repeat for several.", valueName: "ORDER.json"))
    var order: [String] = []

    @Option(name: .long, help: ArgumentHelp("The scans, one per line ('-' reads standard input).", valueName: "SCANS.txt"))
    var scans: String

    @Option(name: .long, help: "The station name recorded in results.")
    var station = "bench-1"

    @Option(name: .long, help: "The packer recorded in results.")
    var packer: String?

    @Option(name: .customLong("supervisor-badge"), help: ArgumentHelp("A badge barcode that may override on-hold and already-packed blocks; repeatable.", valueName: "BADGE"))
    var supervisorBadges: [String] = []

    @Flag(name: .customLong("reprint-requires-supervisor"), help: "CMD:REPRINT and CMD:VOID wait for a --supervisor-badge scan (station.reprint_requires_supervisor).")
    var reprintRequiresSupervisor = false

    @Option(name: .customLong("supervisor-wait"), help: ArgumentHelp("Seconds a reprint waits for the badge (station.supervisor_wait_seconds); scans are timed as they are replayed.", valueName: "SECONDS"))
    var supervisorWait = 60
    @Option(name: .customLong("packer-badge"), help: ArgumentHelp("A packer badge that signs a packer in: BADGE or BADGE=Name; repeatable.", valueName: "BADGE"))
    var packerBadges: [String] = []

    @Option(name: .customLong("packer-badge-prefix"), help: ArgumentHelp("Barcodes starting with PREFIX are packer badges (the packer is the rest).", valueName: "PREFIX"))
    var packerBadgePrefix: String?

    @Flag(name: .customLong("require-packer"), help: "Refuse orders and items until a packer badge is scanned (verdict packer_required).")
    var requirePacker = false

    @Option(name: .customLong("high-value"), help: ArgumentHelp("Highlight orders worth at least this amount.", valueName: "AMOUNT"))
    var highValue = "500.00"

    func validate() throws {
        guard !order.isEmpty else { throw ValidationError("Give the order with --order ORDER.json.") }
        guard !reprintRequiresSupervisor || !supervisorBadges.isEmpty else {
            throw ValidationError("--reprint-requires-supervisor needs at least one --supervisor-badge: without one no reprint could be allowed.")
        }
        guard (1...600).contains(supervisorWait) else { throw ValidationError("--supervisor-wait must be 1 to 600 seconds, not \(supervisorWait).") }
        guard Money(amount: highValue, currency: "XXX").hundredths != nil else {
            throw ValidationError("--high-value must be an amount such as 500 or 499.99, not '\(highValue)'.")
        }
    }

    func run() throws {
        var orders: [Order] = []
        for path in order {
            orders += try OrderFile.orders(bytes: try readInput(path, what: "order file"), name: path)
        }
        let scanFile = try ScanFile(bytes: try readInput(scans, what: "scan file"), name: scans == "-" ? "standard input" : scans)
        var config = PackSession.Configuration(
            station: station, packer: packer,
            highValueThreshold: Money(amount: highValue, currency: "XXX").hundredths!,
            supervisorBadges: Set(supervisorBadges)
        )
        config.reprintRequiresSupervisor = reprintRequiresSupervisor
        config.supervisorWait = TimeInterval(supervisorWait)
        config.packerBadges = Dictionary(packerBadges.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count == 2 ? parts[1] : parts[0])
        }, uniquingKeysWith: { _, last in last })
        config.packerBadgePrefix = packerBadgePrefix
        config.requirePacker = requirePacker
        var replay = try VerifyReplay(orders: orders, configuration: config)
        var out = ""
        replay.replay(scanFile.entries, now: Date.init) { line in
            out += line
            out += "\n"
            if out.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(out.utf8))
                out = ""
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
