import Foundation
import Testing

/// `packstation run` against the built hub on 127.0.0.1 when the hub refuses an order to the
/// station (docs/sync.md, "Authorization"): the packer is told not to pack it, even when an
/// earlier prefetch cached it; nothing opens and no result is recorded.
@Suite struct OrderRefusalCLITests {
    static var hubBinary: String { CLI.binary.deletingLastPathComponent().appendingPathComponent("packstation-hub").path }

    /// Runs a packstation-hub command; its standard output, trimmed.
    static func hub(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: hubBinary)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "packstation-hub \(arguments) failed")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func listening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }

    static func order(_ id: String, status: String = "ready") -> String {
        #"{"id":"\#(id)","barcodes":["ORD-\#(id)"],"status":"\#(status)","payment":"captured","lines":[{"sku":"S-\#(id)","quantity":1,"barcodes":["4006381333931"]}]}"#
    }

    @Test func anOrderTheHubRefusesIsBlockedAtTheBenchEvenWhenCached() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.hubBinary), "build first: swift build --build-tests (no \(Self.hubBinary))")
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/hub.sqlite"
        let token = try Self.hub(["station", "add", "bench-a", "--db", db])
        _ = try Self.hub(["station", "add", "bench-b", "--db", db])
        // Both orders are ready for any station when the bench prefetches its queue...
        try [Self.order("THEIRS"), Self.order("GONE")].joined(separator: "\n").write(toFile: dir + "/orders.jsonl", atomically: true, encoding: .utf8)
        _ = try Self.hub(["import", dir + "/orders.jsonl", "--db", db])
        let port = Self.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.hubBinary)
        server.arguments = ["serve", "--db", db, "--port", "\(port)"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let deadline = Date().addingTimeInterval(30)
        while !Self.listening(port), Date() < deadline { usleep(50_000) }
        let env = RunCLITests.noPrinters.merging(["PACKSTATION_SERVER_URL": "http://127.0.0.1:\(port)", "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-a"]) { $1 }
        let prefetch = try CLI.run(["sync", "prefetch", "--data-dir", dir + "/data"], environment: env)
        #expect(prefetch.stdout.contains("Cached 2 queued order(s)"), "\(prefetch.stdout)\(prefetch.stderr)")
        // ...then one goes to another station and the other is cancelled.
        try Self.order("THEIRS").write(toFile: dir + "/theirs.jsonl", atomically: true, encoding: .utf8)
        _ = try Self.hub(["import", dir + "/theirs.jsonl", "--db", db, "--station", "bench-b"])
        try Self.order("GONE", status: "cancelled").write(toFile: dir + "/gone.jsonl", atomically: true, encoding: .utf8)
        _ = try Self.hub(["import", dir + "/gone.jsonl", "--db", db])

        try "ORD-THEIRS\n4006381333931\nORD-GONE\n4006381333931\n".write(toFile: dir + "/scans.txt", atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", "--scans-from", dir + "/scans.txt", "--data-dir", dir + "/data", "--exit-when-done", "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let verdicts = run.stderr.split(separator: "\n").filter { $0.contains("verdict=") }
        #expect(verdicts.count == 4, "\(run.stderr)")
        #expect(verdicts.first?.contains("verdict=order_blocked") == true && verdicts.first?.contains("verdict.reason=other_station") == true, "\(verdicts)")
        #expect(verdicts.dropFirst(2).first?.contains("verdict=order_blocked") == true && verdicts.dropFirst(2).first?.contains("verdict.reason=cancelled") == true, "\(verdicts)")
        #expect(verdicts.allSatisfy { !$0.contains("order_opened") && !$0.contains("order_complete") }, "nothing opened: \(verdicts)")
        let status = try CLI.run(["sync", "status", "--json", "--data-dir", dir + "/data"])
        #expect(status.stdout.contains("\"results\":0") && status.stdout.contains("\"pending\":0"), "no result recorded: \(status.stdout)")
    }

    @Test func aStationNameThatIsNotTheTokensIsReportedAndItsResultKeptAside() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.hubBinary), "build first: swift build --build-tests (no \(Self.hubBinary))")
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/hub.sqlite"
        let token = try Self.hub(["station", "add", "bench-a", "--db", db])
        try Self.order("ANY").write(toFile: dir + "/orders.jsonl", atomically: true, encoding: .utf8)
        _ = try Self.hub(["import", dir + "/orders.jsonl", "--db", db])
        let port = Self.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.hubBinary)
        server.arguments = ["serve", "--db", db, "--port", "\(port)"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let deadline = Date().addingTimeInterval(30)
        while !Self.listening(port), Date() < deadline { usleep(50_000) }
        // The agent calls itself bench-x, but the token is bench-a's.
        let env = RunCLITests.noPrinters.merging(["PACKSTATION_SERVER_URL": "http://127.0.0.1:\(port)", "PACKSTATION_TOKEN": token, "PACKSTATION_STATION_NAME": "bench-x"]) { $1 }
        try "ORD-ANY\n4006381333931\n".write(toFile: dir + "/scans.txt", atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", "--scans-from", dir + "/scans.txt", "--data-dir", dir + "/data", "--exit-when-done", "--kiosk-listen", "127.0.0.1:0"], environment: env)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("The server refused 1 result(s) or event(s) of this run"), "\(run.stderr)")
        #expect(run.stderr.contains("station.name is not the name the server knows this token by"), "\(run.stderr)")
        let status = try CLI.run(["sync", "status", "--data-dir", dir + "/data"])
        #expect(status.stdout.contains("pack result for order ANY"), "\(status.stdout)")
        #expect(status.stdout.contains("station_mismatch") && status.stdout.contains("Set the agent's station.name to 'bench-a'"), "\(status.stdout)")
    }
}
