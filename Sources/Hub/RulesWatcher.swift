import Foundation
import Logging
import OrderRules
import ServiceLifecycle
import UnixSignals

/// `serve --rules FILE`: loads the rules file again on SIGHUP and whenever the file changes (its
/// size, modification time or inode, checked every `interval`). A file that does not read or
/// check is refused and the rules in force stay; both outcomes are reported, a refusal loudly.
public struct RulesWatcher: Service {
    /// The rules file.
    public let path: String
    let store: HubStore
    let logger: Logger
    let interval: Duration
    /// Told each outcome: a line for the operator and whether it is a refusal.
    let report: @Sendable (String, _ refused: Bool) -> Void

    /// A watcher of `path` that loads into `store`.
    public init(path: String, store: HubStore, logger: Logger, interval: Duration = .seconds(1), report: @escaping @Sendable (String, _ refused: Bool) -> Void) {
        self.path = path
        self.store = store
        self.logger = logger
        self.interval = interval
        self.report = report
    }

    /// Reads, checks and puts the file in force; on any problem the rules in force stay and the
    /// error says why (every problem with its line).
    public static func load(path: String, into store: HubStore) async throws -> (RuleSet, HubStore.RulesReport) {
        let rules = try RuleSet.load(path: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return (rules, try await store.loadRules(rules, text: text, file: path))
    }

    /// What the file looks like on disk, to notice a change (nil: missing).
    static func stamp(_ path: String) -> [Int]? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return [Int(st.st_size), Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec), Int(st.st_ino)]
    }

    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let (reasons, wake) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let path = path, interval = interval
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await _ in hangups { wake.yield("SIGHUP") }
                }
                group.addTask {
                    var last = Self.stamp(path)
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        let now = Self.stamp(path)
                        if now != last, now != nil { wake.yield("the file changed") }
                        last = now
                    }
                }
                // One reload at a time, in arrival order; a burst of changes coalesces into one.
                for await reason in reasons { await reload(because: reason) }
                group.cancelAll()
            }
        }
    }

    func reload(because reason: String) async {
        do {
            let (rules, done) = try await Self.load(path: path, into: store)
            report("rules reloaded from \(path) (\(reason)): \(rules.rules.count) rule(s); \(done.evaluated) open order(s) evaluated, \(done.changed) changed", false)
        } catch {
            let why = (error as? RulesError)?.description ?? (error as? HubError)?.message ?? "\(error)"
            logger.error("Rules file refused; the rules in force stay", metadata: ["rules.file": "\(path)", "rules.reason": "\(reason)", "rules.problems": "\(why)"])
            report("rules file \(path) refused (\(reason)); the rules in force stay:\n\(why)", true)
        }
    }
}
