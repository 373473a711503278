import ArgumentParser
import Foundation
import Logging
import PackCore
import Station
import Sync

extension SyncCommand {
    /// Hidden: the agent side of the end-to-end sync test. Records synthetic pack results into
    /// the journal (resuming after a crash from what the journal holds) while the sync service
    /// drains them, then waits until the server has them all.
    struct ProduceTestResults: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "produce-test-results", abstract: "Record N synthetic results and sync them (tests only).", shouldDisplay: false)
        @OptionGroup var data: DataDirectory
        @Argument(help: "How many results the journal must hold in all.") var count: Int
        @Option(name: .customLong("interval-ms"), help: "Pause between results.") var intervalMS = 2
        @Option(help: "The station name in the results.") var station = "e2e"
        @Option(name: .customLong("pause-file"), help: "While this file exists, no new result is recorded (the test holds production at a point of its choosing).")
        var pauseFile: String?

        func run() async throws {
            let journal = try data.openJournal()
            let client = try SyncCommand.client()
            var logger = Logger(label: "packstation.sync")
            logger.logLevel = .error
            let service = SyncService(journal: journal, client: client, logger: logger, idleInterval: .milliseconds(200))
            let sync = Task { await service.run() }
            var n = (try? journal.status().results) ?? 0
            FileHandle.standardOutput.write(Data("resuming at \(n)\n".utf8))
            while n < count {
                while let pauseFile, FileManager.default.fileExists(atPath: pauseFile) { try await Task.sleep(for: .milliseconds(10)) }
                let result = SyntheticResults.packed(orderID: "E2E-\(n)", station: station)
                do { try journal.recordResult(result) } catch { throw StationError(code: error.code, message: error.message) }
                n += 1
                if intervalMS > 0 { try await Task.sleep(for: .milliseconds(intervalMS)) }
            }
            FileHandle.standardOutput.write(Data("produced \(n)\n".utf8))
            while ((try? journal.status().pending) ?? 1) > 0 { try await Task.sleep(for: .milliseconds(50)) }
            sync.cancel()
            await sync.value
            await client.shutdown()
            FileHandle.standardOutput.write(Data("drained\n".utf8))
        }
    }
}
