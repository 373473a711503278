import ArgumentParser
import Foundation
import Hub
import Logging
import OrderRules
import PackCore
import ServiceLifecycle

/// `packstation-hub rules check|dry-run|show`: automation rules (docs/rules.md).
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Check a rules file, try it on the current orders, or show the rules in force.",
        discussion: "Rules are put in force by `serve --rules FILE` (reloaded on SIGHUP and when the file changes) and apply at every import. See docs/rules.md.",
        subcommands: [Check.self, DryRun.self, Show.self])

    /// `serve --rules FILE`: puts the file in force before the server starts (a bad file stops the
    /// start) and adds its watcher; without the option, rules left in force by an earlier run are cleared.
    static func serve(rules path: String?, store: HubStore, logger: Logger, services: inout [any Service]) async throws {
        guard let path else {
            if try store.rulesInForce() != nil {
                let done = try await store.loadRules(nil, text: nil, file: "")
                say("no --rules: the rules in force were cleared; \(done.evaluated) open order(s) evaluated, \(done.changed) changed")
            }
            return
        }
        do {
            let (rules, done) = try await RulesWatcher.load(path: path, into: store)
            say("rules from \(path): \(rules.rules.count) rule(s); \(done.evaluated) open order(s) evaluated, \(done.changed) changed")
        } catch {
            let why = (error as? RulesError)?.description ?? (error as? HubError)?.message ?? "\(error)"
            FileHandle.standardError.write(Data("error: --rules \(path) refused; the hub did not start:\n\(why)\n".utf8))
            throw ExitCode.failure
        }
        services.append(RulesWatcher(path: path, store: store, logger: logger) { line, refused in
            if refused { FileHandle.standardError.write(Data("error: \(line)\n".utf8)) } else { say(line) }
        })
    }

    /// A line on standard output at once (print buffers when it is a pipe, as under systemd).
    static func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    /// Reads the file or exits 1 with every problem on standard error.
    static func read(_ file: String) throws -> RuleSet {
        do { return try RuleSet.load(path: file) } catch {
            FileHandle.standardError.write(Data("error: \(file) has \(error.problems.count) problem(s); nothing was changed.\n\(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a rules file: every problem with its line and what to write instead (exit 1), else a summary.",
            discussion: "With --db (or PACKSTATION_HUB_DB) the stations the rules route to are checked against that hub too.")
        @Option(name: .long, help: ArgumentHelp("Also check station names against this hub database.", valueName: "FILE")) var db: String?
        @Argument(help: "The rules file (TOML).") var file: String

        func run() throws {
            let rules = try RulesCommand.read(file)
            if let path = db ?? ProcessInfo.processInfo.environment["PACKSTATION_HUB_DB"].flatMap({ FileManager.default.fileExists(atPath: $0) ? $0 : nil }) {
                let unknown = try HubStore(path: path).unknownStations(in: rules)
                guard unknown.isEmpty else {
                    throw HubError(422, "unknown_station", "\(file): the rules route orders to \(unknown.map { "'\($0)'" }.joined(separator: ", ")), which the hub \(path) does not have; add \(unknown.count == 1 ? "it" : "them") with `packstation-hub station add NAME` or fix the rule.")
                }
            }
            print("\(file): \(rules.rules.count) rule(s), no problems")
            for rule in rules.rules {
                let when = rule.conditions.isEmpty ? "every order" : rule.conditions.map(\.key).joined(separator: ", ")
                let then = rule.actions.map(\.kind.rawValue).joined(separator: ", ")
                print("  line \(rule.line): \"\(rule.name)\" when \(when) -> \(then)\(rule.stop ? " (stop)" : "")")
            }
        }
    }

    struct DryRun: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dry-run",
            abstract: "List what each rule would do to the open orders (not packed), changing nothing.",
            discussion: """
                One line per order a rule matches: ORDER, the rules in order, and each change (`priority: standard -> express`, \
                `hold: REASON`, …; `[skipped: WHY]` when an earlier rule set it first). `*` marks an order whose rules differ \
                from those recorded now. A summary follows on standard error.
                """)
        @OptionGroup var database: DatabaseOption
        @Option(help: "Print at most this many orders (the summary counts them all).") var limit = Int.max
        @Flag(help: "One JSON object per order instead of text.") var json = false
        @Argument(help: "The rules file (TOML).") var file: String

        func run() throws {
            let rules = try RulesCommand.read(file)
            let store = try database.open()
            let started = ContinuousClock.now
            var printed = 0
            var out = ""
            let summary = try store.dryRun(rules) { found in
                guard printed < limit else { return }
                printed += 1
                if json {
                    out += JSONValue.object([("order_id", .string(found.orderID)), ("differs", .bool(found.differsFromNow)), ("rules", found.outcome.record(from: found.facts))]).jsonText + "\n"
                } else {
                    let rules = found.outcome.applied.map { applied in
                        "\(applied.rule): " + applied.actions.map { a in a.action.describe(from: found.facts) + (a.skipped.map { " [skipped: \($0)]" } ?? "") }.joined(separator: "; ")
                    }
                    out += "\(found.differsFromNow ? "*" : " ") \(found.orderID)\t\(rules.isEmpty ? "(no rule applies any more)" : rules.joined(separator: " | "))\n"
                }
                if out.utf8.count > 1 << 16 { FileHandle.standardOutput.write(Data(out.utf8)); out = "" }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
            let elapsed = ContinuousClock.now - started
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            var lines = ["\(summary.orders) open order(s), \(summary.matched) matched by a rule, \(summary.differing) would change from what is recorded now; \(String(format: "%.0f", ms)) ms"]
            for rule in rules.rules { lines.append("  \(rule.name): \(summary.perRule[rule.name] ?? 0) order(s)") }
            if summary.unreadable > 0 { lines.append("  \(summary.unreadable) order(s) could not be read and were skipped") }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the rules in force on this hub (the file's text as loaded), or say there are none.")
        @OptionGroup var database: DatabaseOption

        func run() throws {
            guard let loaded = try database.open().rulesInForce() else {
                print("no rules in force; start the hub with `serve --rules FILE`")
                return
            }
            print("# \(loaded.file), loaded \(ISO8601DateFormatter().string(from: loaded.loadedAt))")
            print(loaded.text, terminator: loaded.text.hasSuffix("\n") ? "" : "\n")
        }
    }
}
