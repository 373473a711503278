import ArgumentParser
import Foundation
import PackCore
import Station

/// `packstation doctor`: checks permissions, devices, printers, the server, the clock and disk.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check what the agent needs: configuration, data directory and disk, scanners and their permissions, printers and CUPS, the server and its token, the clock.",
        discussion: "Each problem comes with its fix. Exit 1 when a check fails (warnings do not fail)."
    )

    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "station.toml"))
    var config: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Overrides station.data_dir.", valueName: "DIR"))
    var dataDir: String?

    @Flag(name: .long, help: "One JSON object per check.")
    var json = false

    func run() async throws {
        var env = ProcessInfo.processInfo.environment
        if let dataDir { env["PACKSTATION_DATA_DIR"] = dataDir }
        let findings = await Doctor(configuration: try StationConfiguration.load(file: config, environment: env)).run()
        for f in findings {
            if json {
                print(f.json.jsonText)
            } else {
                let mark = switch f.level { case .ok: "ok  "; case .warning: "warn"; case .failure: "FAIL" }
                print("\(mark) \(f.check): \(f.detail)" + (f.fix.map { "\n     fix: \($0)" } ?? ""))
            }
        }
        if findings.contains(where: { $0.level == .failure }) { throw ExitCode(1) }
    }
}
