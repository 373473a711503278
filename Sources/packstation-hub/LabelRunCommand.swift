import ArgumentParser
import Foundation
import Hub
import PackCore

/// `packstation-hub label-run`: bulk label runs a station fetches and prints (docs/sync.md, "Label runs").
struct LabelRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "label-run", abstract: "Manage bulk label runs.", subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign a bulk label run to a station: orders (rendered by the station) or a .zpl/.pdf label file; prints the run id.",
            discussion: "The station fetches the run at its next poll and prints it as a durable bulk run, exactly once through crashes, on its bench's printer or the one --printer names (its printer.name or a bench name); progress shows in `label-run list`.")
        @OptionGroup var database: DatabaseOption
        @Option(help: "The station that prints it.") var station: String
        @Option(help: "A name shown to the supervisor.") var name = "label run"
        @Option(help: ArgumentHelp("A .zpl or .pdf label file to print as it is (stored in the hub's database).", valueName: "FILE")) var labels: String?
        @Option(help: ArgumentHelp("One of the station's printers by name (its printer.name, or a bench name); default: the bench's printer.", valueName: "NAME")) var printer: String?
        @Option(name: .customLong("max-bytes"), help: "The largest label file accepted.") var maxBytes = HubStore.maximumRunBytes
        @Argument(help: "Order ids, in print order (without --labels).") var orders: [String] = []

        func validate() throws {
            guard (labels == nil) != orders.isEmpty else { throw ValidationError("Give either order ids or --labels FILE (not both).") }
        }

        func run() throws {
            let store = try database.open()
            if let labels {
                let bytes = try Self.read(labels, limit: maxBytes)
                print(try store.addLabelRun(name: name, station: station, fileName: labels, bytes: bytes, printer: printer, maximumBytes: maxBytes))
            } else {
                print(try store.addLabelRun(name: name, station: station, orders: orders, printer: printer))
            }
        }

        /// Reads at most `limit + 1` bytes, so an oversized file is refused without reading it whole.
        static func read(_ path: String, limit: Int) throws -> [UInt8] {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw HubError(400, "no_file", "Cannot read \(path); check that it exists and its permissions. No run was created.")
            }
            defer { try? handle.close() }
            let data = (try? handle.read(upToCount: limit + 1)) ?? nil
            return Array(data ?? Data())
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List label runs, newest first: id, station, state, printed/total, printer, name, reason.",
            discussion: "States: queued (not fetched yet), running, paused, done, cancelled, failed (with the station's reason).")
        @OptionGroup var database: DatabaseOption
        @Option(help: "Only this station's runs.") var station: String?
        @Option(help: "At most this many runs.") var limit = 100
        @Flag(help: "One JSON object per line, as the API's LabelRun plus its station.") var json = false

        func run() throws {
            for run in try database.open().listLabelRuns(station: station, limit: limit) {
                if json {
                    print(run.jsonText)
                    continue
                }
                func text(_ key: String) -> String {
                    switch run[key] {
                    case .string(let s)?: s
                    case .number(let n)?: n
                    default: "-"
                    }
                }
                print([text("id"), text("station"), text("state"), "\(text("printed"))/\(text("total"))", text("printer"), text("name"), text("reason")].joined(separator: "\t"))
            }
        }
    }
}
