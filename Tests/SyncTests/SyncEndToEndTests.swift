import Foundation
import TestPeers
import Hub
import PackCore
import Sync
import Testing

/// The whole path with real processes on 127.0.0.1: the built `packstation` records 2,000
/// results into its journal and syncs them to the built `packstation-hub`, while the hub is
/// stopped (SIGTERM) and killed (SIGKILL) and restarted, and the agent itself is killed -9
/// once and restarted. The hub must end with exactly 2,000 results, none twice, none lost.
@Suite(.serialized) struct SyncEndToEndTests {
    static let total = 2_000

    /// The directory of the test binary, where SwiftPM also puts the executables.
    static var binDirectory: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = (exe as NSString).deletingLastPathComponent
        // On some layouts the test binary sits inside NAME.xctest/.
        if dir.hasSuffix(".xctest") { dir = (dir as NSString).deletingLastPathComponent }
        return dir
    }

    final class Running: @unchecked Sendable {
        let process = Process()
        let log: String
        init(_ executable: String, _ arguments: [String], env: [String: String] = [:], log: String) throws {
            self.log = log
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            out.seekToEndOfFile()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
            process.standardOutput = out
            process.standardError = out
            try process.run()
        }
        var pid: Int32 { process.processIdentifier }
        func signal(_ sig: Int32) {
            if process.isRunning { kill(pid, sig) }
            process.waitUntilExit()
        }
        func wait(timeout: Duration) async -> Int32? {
            let deadline = ContinuousClock.now + timeout
            while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            return process.isRunning ? nil : process.terminationStatus
        }
        var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func waitForPort(_ port: Int, timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
            close(fd)
            if ok { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    static func storedResults(_ db: String) async throws -> Int {
        let store = try await offload { try HubStore(path: db) }
        let summary = try await store.summary()
        guard case .number(let n)? = summary["results"] else { return -1 }
        return Int(n) ?? -1
    }

    /// Run on its own by scripts/test.sh (PACKSTATION_ALONE_TESTS=1): amid the whole suite on a
    /// 2-core machine it twice ran into its 5 min limit (where it waited was not found; alone it
    /// takes 25-30 s).
    @Test(.timeLimit(.minutes(5)), .enabled(if: ProcessInfo.processInfo.environment["PACKSTATION_ALONE_TESTS"] == "1", "run alone by scripts/test.sh"))
    func twoThousandResultsReachTheHubExactlyOnceThroughOutagesAndACrash() async throws {
        let hubBin = Self.binDirectory + "/packstation-hub"
        let agentBin = Self.binDirectory + "/packstation"
        try #require(FileManager.default.isExecutableFile(atPath: hubBin), "build first: swift build --build-tests (no \(hubBin))")
        try #require(FileManager.default.isExecutableFile(atPath: agentBin), "build first: swift build --build-tests (no \(agentBin))")
        let dir = TempDir()
        defer { dir.remove() }
        let db = dir.path + "/hub.sqlite"
        // The station the agent names in its results ("e2e") is the one the token belongs to, and
        // the orders are on the hub: it takes results only for those.
        let token = try await offload { try Self.run(hubBin, ["station", "add", "e2e", "--db", db]) }
        #expect(token.hasPrefix("1."))
        let orders = dir.path + "/orders.jsonl"
        try (0..<Self.total).map { SyntheticResults.orderJSON(id: "E2E-\($0)") }.joined(separator: "\n").write(toFile: orders, atomically: true, encoding: .utf8)
        let imported = try await offload { try Self.run(hubBin, ["import", orders, "--db", db]) }
        #expect(imported.contains("imported \(Self.total) new order(s)"), "\(imported)")
        let port = LoopbackPort.unused()
        let env = ["PACKSTATION_SERVER_URL": "http://127.0.0.1:\(port)", "PACKSTATION_TOKEN": token, "PACKSTATION_SYNC_BATCH_SIZE": "200"]
        var started: [Running] = []
        defer { for p in started where p.process.isRunning { p.signal(SIGKILL) } }
        func hub() async throws -> Running {
            let h = try Running(hubBin, ["serve", "--db", db, "--port", "\(port)"], log: dir.path + "/hub.log")
            started.append(h)
            #expect(await Self.waitForPort(port), "the hub did not start: \(h.output)")
            return h
        }
        func agent() throws -> Running {
            let a = try Running(agentBin, ["sync", "produce-test-results", "\(Self.total)", "--data-dir", dir.path + "/agent", "--interval-ms", "10", "--pause-file", pause],
                                env: env, log: dir.path + "/agent.log")
            started.append(a)
            return a
        }

        // Each outage is triggered by progress, not by the clock, so the test means the same
        // on a loaded CI machine: every one falls while results are still being produced. The
        // producer writes one result per 10 ms (20 s in all): at 4 ms an idle machine finished
        // all 2,000 before the second outage could fall.
        let agentDir = dir.path + "/agent"
        // Production is held (the producer waits while this file exists) while the hub restarts
        // and catches up, so the agent's crash still falls mid-production however long a loaded
        // machine takes to start the hub: without it, all 2,000 were produced before the kill.
        let pause = dir.path + "/pause"
        func until(_ what: String, _ condition: () async throws -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(300)
            while try await !condition() {
                try #require(ContinuousClock.now < deadline, "timed out waiting until \(what)")
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        func recorded() async throws -> Int {
            try await offload {
                guard FileManager.default.fileExists(atPath: agentDir + "/" + Journal.fileName) else { return 0 }
                return try Journal(directory: agentDir).status().results
            }
        }

        let hub1 = try await hub()
        let agent1 = try agent()
        try await until("the hub has 100 results") { try await Self.storedResults(db) >= 100 }
        try await offload { hub1.signal(SIGTERM) }  // stopped: graceful shutdown
        let atFirstStop = try await Self.storedResults(db)
        try await until("300 more results are recorded offline") { try await recorded() >= atFirstStop + 300 }
        FileManager.default.createFile(atPath: pause, contents: nil)
        let hub2 = try await hub()
        try await until("the hub has caught up past the outage") { try await Self.storedResults(db) >= atFirstStop + 300 }
        let atPause = try await recorded()
        try FileManager.default.removeItem(atPath: pause)
        try await until("production goes on") { try await recorded() >= atPause + 10 }
        try await offload { agent1.signal(SIGKILL) }  // the agent crashes mid-production
        let atAgentKill = try await recorded()
        #expect(atAgentKill < Self.total, "the kill fell after all \(Self.total) were produced")
        let agent2 = try agent()
        try await until("the restarted agent recorded 200 more") { try await recorded() >= atAgentKill + 200 }
        try await offload { hub2.signal(SIGKILL) }  // the server crashes too
        let atSecondStop = try await Self.storedResults(db)
        let recordedAtSecondStop = try await recorded()
        try await until("200 more are recorded while the hub is down") { try await recorded() >= recordedAtSecondStop + 200 || !agent2.process.isRunning }
        let hub3 = try await hub()
        let status = await agent2.wait(timeout: .seconds(180))
        #expect(status == 0, "the agent did not finish: \(agent2.output)")

        // The restarted agent resumed from its journal, part-way through.
        let resumed = agent2.output.split(separator: "\n").first { $0.hasPrefix("resuming at ") }.flatMap { Int($0.dropFirst(12)) }
        #expect(resumed.map { $0 > 0 && $0 < Self.total } == true, "kill -9 must hit mid-production: \(agent2.output)")

        try await offload { hub3.signal(SIGTERM) }
        // The outages fell while results were still being produced and sent.
        #expect(atFirstStop > 0 && atFirstStop < Self.total, "first stop at \(atFirstStop)")
        #expect(atSecondStop >= atFirstStop && atSecondStop < Self.total, "second stop at \(atSecondStop)")
        #expect(recordedAtSecondStop < Self.total, "the agent was still producing at the second stop")
        print("e2e: hub had \(atFirstStop) results at its SIGTERM, \(atSecondStop) at its SIGKILL; agent killed -9 and resumed at \(resumed ?? -1)")
        let store = try await offload { try HubStore(path: db) }
        let summary = try await store.summary()
        #expect(summary["results"] == .int(Self.total), "exactly \(Self.total) results: \(summary)")
        #expect(summary["result_orders"] == .int(Self.total), "one per order, none twice, none lost")
        let local = try await offload { try Journal(directory: dir.path + "/agent").status() }
        #expect(local.results == Self.total && local.pending == 0 && local.rejected == 0)
        for id in [0, 1, Self.total / 2, Self.total - 1] {
            #expect(try await store.listResults(orderID: "E2E-\(id)", limit: 10).count == 1)
        }
    }
}
