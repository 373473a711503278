import ArgumentParser
import Foundation
import Logging
import PackCore
import Station
import Sync

/// `packstation sync`: what is waiting for the central server, and pushing it now.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Show and push results waiting for the central server.",
        discussion: """
            The server is configured by PACKSTATION_SERVER_URL and PACKSTATION_TOKEN (or \
            PACKSTATION_TOKEN_FILE); optional PACKSTATION_CA_FILE, PACKSTATION_CLIENT_CERT, \
            PACKSTATION_CLIENT_KEY, PACKSTATION_SYNC_BATCH_SIZE.
            """,
        subcommands: [Status.self, Flush.self, Prefetch.self, ProduceTestResults.self]
    )

    /// Where the journal lives.
    struct DataDirectory: ParsableArguments {
        @Option(name: .customLong("data-dir"), help: ArgumentHelp("The agent's data directory (default: $PACKSTATION_DATA_DIR or ~/.local/share/packstation).", valueName: "DIR"))
        var dataDir: String?

        var path: String {
            if let dataDir { return dataDir }
            let env = ProcessInfo.processInfo.environment
            if let dir = env["PACKSTATION_DATA_DIR"], !dir.isEmpty { return dir }
            if let xdg = env["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/packstation" }
            return NSHomeDirectory() + "/.local/share/packstation"
        }

        func openJournal() throws -> Journal {
            do { return try Journal(directory: path) } catch { throw StationError(code: error.code, message: error.message) }
        }
    }

    static func client() throws -> HubClient {
        do { return try HubClient(configuration: try SyncConfiguration.fromEnvironment()) } catch {
            throw StationError(code: error.code, message: error.message)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what is waiting to be sent, and since when.")
        @OptionGroup var data: DataDirectory
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            let journal = try data.openJournal()
            let s: OutboxStatus
            do { s = try journal.status() } catch { throw StationError(code: error.code, message: error.message) }
            let rejected: [Journal.RejectedEntry]
            do { rejected = s.rejected > 0 ? try journal.rejectedEntries() : [] } catch { throw StationError(code: error.code, message: error.message) }
            let stamp = { (d: Date?) in d.map { $0.formatted(Date.ISO8601FormatStyle()) } }
            if json {
                let doc = JSONValue.object([
                    ("pending", .int(s.pending)), ("oldest_pending_at", .optional(stamp(s.oldestPendingAt))), ("rejected", .int(s.rejected)),
                    ("results", .int(s.results)), ("last_success_at", .optional(stamp(s.lastSuccessAt))), ("last_error", .optional(s.lastError)),
                    ("last_error_at", .optional(stamp(s.lastErrorAt))),
                    ("rejected_entries", .array(rejected.map { r in
                        .object([
                            ("key", .string(r.entry.key)), ("type", .string(r.entry.kind.rawValue)), ("order_id", .optional(r.entry.orderID)),
                            ("code", .optional(r.code)), ("message", .string(r.reason)), ("created_at", .optional(stamp(r.entry.createdAt))),
                            ("rejected_at", .optional(stamp(r.rejectedAt))),
                        ])
                    })),
                ])
                print(doc.jsonText)
                return
            }
            if s.pending == 0 {
                print("Nothing waiting: every result has reached the server.")
            } else {
                let age = Int(Date().timeIntervalSince(s.oldestPendingAt ?? Date()))
                print("\(s.pending) waiting since \(stamp(s.oldestPendingAt) ?? "?") (\(age / 60) min \(age % 60) s ago).")
            }
            if let ok = s.lastSuccessAt { print("Last accepted by the server: \(stamp(ok)!).") }
            if let error = s.lastError { print("Last attempt failed at \(stamp(s.lastErrorAt) ?? "?"): \(error)") }
            if s.rejected > 0 {
                print("\(s.rejected) refused by the server and kept aside (never sent again, never deleted; the journal \(journal.path) holds them):")
                for r in rejected {
                    let what = r.entry.kind == .packResult ? "pack result" : "event"
                    print("  \(what) for order \(r.entry.orderID ?? "-") (key \(r.entry.key)), refused \(stamp(r.rejectedAt) ?? "earlier"): \(r.code ?? "refused") — \(r.reason)")
                }
            }
            print("\(s.results) results recorded on this station in all.")
        }
    }

    struct Flush: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send everything waiting now; exit 1 if the server cannot take it.")
        @OptionGroup var data: DataDirectory

        func run() async throws {
            let journal = try data.openJournal()
            let client = try SyncCommand.client()
            let service = SyncService(journal: journal, client: client, logger: Logger(label: "packstation.sync"))
            let report = await service.drain()
            await client.shutdown()
            let left = (try? journal.status().pending) ?? 0
            print("Sent \(report.stored) (\(report.duplicates) the server already had) in \(report.requests) request(s); \(left) still waiting.")
            if report.rejected > 0 { print("\(report.rejected) refused by the server and kept aside.") }
            if let failure = report.failure { throw StationError(code: failure.code, message: failure.message) }
        }
    }

    struct Prefetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cache the orders queued for this station, for packing offline.")
        @OptionGroup var data: DataDirectory

        func run() async throws {
            let lookup = OrderLookup(journal: try data.openJournal(), client: try SyncCommand.client())
            let result: Result<Int, SyncError>
            do { result = .success(try await lookup.prefetch()) } catch { result = .failure(error) }
            await lookup.client.shutdown()
            switch result {
            case .success(let n): print("Cached \(n) queued order(s).")
            case .failure(let error): throw StationError(code: error.code, message: error.message)
            }
        }
    }
}
