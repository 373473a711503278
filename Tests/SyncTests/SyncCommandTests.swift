import Foundation
import TestPeers
import Sync
import Testing

/// `packstation sync status` and `flush` as an admin runs them (the built binary).
@Suite struct SyncCommandTests {
    struct Outcome: Sendable {
        var status: Int32
        var out: String
        var err: String
    }

    static func packstation(_ args: [String], env: [String: String] = [:]) async throws -> Outcome {
        let bin = SyncEndToEndTests.binDirectory + "/packstation"
        try #require(FileManager.default.isExecutableFile(atPath: bin), "build first: swift build --build-tests (no \(bin))")
        return try await offload {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: bin)
            p.arguments = args
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PACKSTATION_") }
            environment.merge(env) { _, new in new }
            p.environment = environment
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile()
            let e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return Outcome(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
        }
    }

    @Test func statusAndFlushTellWhatIsWaitingAndWhy() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let empty = try await Self.packstation(["sync", "status", "--data-dir", dir.path])
        #expect(empty.status == 0 && empty.out.contains("Nothing waiting"))

        let journal = try Journal(directory: dir.path)
        for i in 0..<3 { try journal.recordResult(SyntheticResults.packed(orderID: "C-\(i)")) }
        let env = ["PACKSTATION_SERVER_URL": "http://127.0.0.1:\(LoopbackPort.unused())", "PACKSTATION_TOKEN": "1.topsecret"]
        let flush = try await Self.packstation(["sync", "flush", "--data-dir", dir.path], env: env)
        #expect(flush.status == 1)
        #expect(flush.err.contains("Cannot reach the server") && flush.out.contains("3 still waiting"))
        #expect(!(flush.out + flush.err).contains("topsecret"))

        let status = try await Self.packstation(["sync", "status"], env: ["PACKSTATION_DATA_DIR": dir.path])
        #expect(status.out.contains("3 waiting since"))
        #expect(status.out.contains("Last attempt failed"))
        let json = try await Self.packstation(["sync", "status", "--json", "--data-dir", dir.path])
        #expect(json.out.contains("\"pending\":3"))
    }

    @Test func aConfigurationErrorNamesTheKeyAndExitsOne() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let r = try await Self.packstation(["sync", "flush", "--data-dir", dir.path], env: ["PACKSTATION_SERVER_URL": "oms.example.com", "PACKSTATION_TOKEN": "1.topsecret"])
        #expect(r.status == 1)
        #expect(r.err.contains("server.url (PACKSTATION_SERVER_URL)"))
        #expect(!r.err.contains("topsecret"))
    }

    @Test func helpNeverShowsTheToken() async throws {
        let env = ["PACKSTATION_TOKEN": "1.topsecret"]
        for args in [["sync", "--help"], ["sync", "flush", "--help"], ["sync", "status", "--help"]] {
            let r = try await Self.packstation(args, env: env)
            #expect(r.status == 0)
            #expect(!(r.out + r.err).contains("topsecret"))
        }
    }
}
