import ArgumentParser
import Foundation
import Station

/// The `packstation` command line: parses arguments and hands over to Station.
@main
struct Packstation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "packstation",
        abstract: "The packing-bench agent: verifies scans against orders.",
        discussion: "Exit codes: 0 ok, 1 failure (the message says what to do), 2 usage error.",
        version: "0.1.0",
        subcommands: [RunCommand.self, VerifyCommand.self, LabelCommand.self, PrintCommand.self, ScanCommand.self, DevicesCommand.self, SyncCommand.self, ConfigCommand.self, DoctorCommand.self, BatchCommand.self]
    )

    /// Runs the command with the exit codes of the contract: 0 ok, 1 failure, 2 usage.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let error as StationError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            // ArgumentParser reports usage errors as EX_USAGE (64); the contract says 2.
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
