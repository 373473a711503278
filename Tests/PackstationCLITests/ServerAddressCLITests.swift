import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A plain-http server beyond this machine, as the admin meets it: `doctor` fails with the fix,
/// `run` warns in its log and on the kiosk page; `server.allow_insecure = true` accepts it.
@Suite struct ServerAddressCLITests {
    @Test func doctorFailsOnAnInsecureServerAddressUnlessAllowed() throws {
        let dir = try RunCLITests.scratch()
        let file = dir + "/station.toml"
        try "[server]\nurl = \"http://127.0.0.1.nip.io:9\"\ntoken = \"t0ken\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let run = try CLI.run(["doctor", "--config", file, "--data-dir", dir + "/data"], environment: RunCLITests.noPrinters)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("FAIL server address: server.url is http://127.0.0.1.nip.io:9: plain http:// to 127.0.0.1.nip.io, another machine"), "\(run.stdout)")
        #expect(run.stdout.contains("fix: Serve the hub over TLS and set server.url to https://"), "\(run.stdout)")
        #expect(!run.stdout.contains("t0ken"))

        try "[server]\nurl = \"http://127.0.0.1.nip.io:9\"\ntoken = \"t0ken\"\nallow_insecure = true\n".write(toFile: file, atomically: true, encoding: .utf8)
        let allowed = try CLI.run(["doctor", "--config", file, "--data-dir", dir + "/data"], environment: RunCLITests.noPrinters)
        #expect(!allowed.stdout.contains("FAIL server address"), "\(allowed.stdout)")
        #expect(allowed.stdout.contains("warn server address: server.url is plain http:// to another machine; server.allow_insecure = true accepts"), "\(allowed.stdout)")

        try "[server]\nurl = \"http://127.0.0.1:9\"\ntoken = \"t0ken\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let local = try CLI.run(["doctor", "--config", file, "--data-dir", dir + "/data"], environment: RunCLITests.noPrinters)
        #expect(!local.stdout.contains("server address"), "loopback over http is fine: \(local.stdout)")
    }

    @Test func runWarnsInItsLogAndOnTheKiosk() async throws {
        let dir = try RunCLITests.scratch()
        let agent = Process()
        agent.executableURL = CLI.binary
        agent.arguments = ["run", "--scans-from", "-", "--orders", RunCLITests.orders, "--data-dir", dir + "/data", "--kiosk-listen", "127.0.0.1:0"]
        let input = Pipe()
        agent.standardInput = input
        let log = dir + "/agent.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        agent.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        agent.standardOutput = FileHandle.nullDevice
        agent.environment = ProcessInfo.processInfo.environment.merging(RunCLITests.noPrinters) { $1 }
            .merging(["PACKSTATION_SERVER_URL": "http://127.0.0.1.nip.io:9", "PACKSTATION_TOKEN": "1.secret", "PACKSTATION_KIOSK_IDLE_TIMEOUT_SECONDS": "1"]) { $1 }
        try agent.run()
        defer {
            kill(agent.processIdentifier, SIGKILL)
            agent.waitUntilExit()
        }
        var text = ""
        var url: String?
        let deadline = Date().addingTimeInterval(30)
        // Read after every wait, the last one included: a busy test process may resume this
        // loop only once the deadline has passed.
        repeat {
            try await Task.sleep(for: .milliseconds(50))
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            url = text.range(of: #"url=http://127\.0\.0\.1:\d+/"#, options: .regularExpression).map { String(text[$0].dropFirst(4)) }
        } while Date() < deadline && url == nil
        #expect(text.contains("warning") && text.contains("INSECURE SERVER URL"), "\(text)")
        #expect(text.contains("plain http:// to 127.0.0.1.nip.io") && !text.contains("1.secret"), "\(text)")
        let kiosk = try #require(url, "the kiosk never listened: \(text)")
        let (data, _) = try await URLSession.shared.data(from: URL(string: kiosk + "state")!)
        let state = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let warnings = try #require(state["warnings"] as? [String])
        #expect(warnings.count == 1 && warnings[0].contains("Insecure server address"), "\(state)")

        // kiosk.idle_timeout_seconds reaches the kiosk: an idle socket is closed after about 1 s.
        let port = try #require(Int(kiosk.split(separator: ":").last!.dropLast()))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        #expect(withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let start = Date()
        var byte: UInt8 = 0
        #expect(recv(fd, &byte, 1, 0) == 0, "the kiosk closed the idle connection")
        #expect(Date().timeIntervalSince(start) < 3, "closed after \(Date().timeIntervalSince(start)) s")
    }
}
