import Foundation
@testable import Hub
import PackCore
import Testing
import TestPeers

/// `packstation-hub serve --smtp` killed with -9 in the middle of sending a notice, and started
/// again: the customer gets the e-mail once, never twice (docs/notices.md, "never twice").
@Suite struct NoticeKillTests {
    static var hubBinary: String {
        if let dir = ProcessInfo.processInfo.environment["PACKSTATION_BIN_DIR"] { return dir + "/packstation-hub" }
        // The test bundle sits next to the products it was built with.
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("packstation-hub").path
    }

    /// A database with one order to notify, and the hub binary serving it.
    struct Hub {
        let dir: String
        let db: String
        let store: HubStore
        let sink: SMTPSinkPeer

        init(sink: SMTPSinkPeer) throws {
            try #require(FileManager.default.isExecutableFile(atPath: NoticeKillTests.hubBinary), "build first: swift build --build-tests (no \(NoticeKillTests.hubBinary))")
            dir = NSTemporaryDirectory() + "notice-kill-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            db = dir + "/hub.sqlite"
            store = try HubStore(path: db)
            self.sink = sink
            let order = #"{"id":"K-1","status":"ready","payment":"captured","priority":"standard","lines":[{"sku":"S","description":"T","quantity":1,"barcodes":["4006381333931"]}],"shipment":{"carrier":"Correos","service":"Paq 24","tracking":"PQ4F6P0703673180128001L","from":{"name":"Shop","street":["1"],"city":"Madrid","country":"ES"},"to":{"name":"Ana","street":["2"],"city":"Sevilla","country":"ES"}},"customer":{"name":"Ana Núñez","email":"ana@example.es","language":"es-ES"}}"#
            _ = try store.importOrders(OrderImport.parse(Array((order + "\n").utf8), name: "orders.jsonl"))
        }

        /// `packstation-hub serve` with notices to the sink.
        func serve() throws -> SpawnedProcess {
            try SpawnedProcess([NoticeKillTests.hubBinary, "serve", "--db", db, "--port", "0", "--smtp", sink.url,
                                "--mail-from", "Tienda <avisos@tienda.example>", "--notice-retry", "0.2"], output: dir + "/hub.log")
        }

        /// The order ships (from this process: the hub finds the event by polling, within 5 s).
        func ship() throws {
            _ = try store.moveOrder("K-1", to: .packed, source: "test")
            _ = try store.moveOrder("K-1", to: .shipped, source: "test")
        }

        func notice() throws -> HubStore.Notice? { try store.listNotices().first }

        /// Waits up to `seconds` for `condition`.
        func wait(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try condition() { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return try condition()
        }

        /// `packstation-hub notices ARGUMENTS --db DB`: its output.
        func notices(_ arguments: [String]) throws -> String {
            let out = dir + "/notices-\(UUID().uuidString).txt"
            let p = try SpawnedProcess([NoticeKillTests.hubBinary, "notices"] + arguments + ["--db", db], output: out)
            try #require(p.exitCode == 0, "notices \(arguments) failed: \((try? String(contentsOfFile: out, encoding: .utf8)) ?? "")")
            return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }

        func log() -> String { (try? String(contentsOfFile: dir + "/hub.log", encoding: .utf8)) ?? "" }
        func remove() { try? FileManager.default.removeItem(atPath: dir) }
    }

    @Test func killedAfterTheWholeMessageWentItIsUnknownAndNotSentAgain() async throws {
        // The server stores the message and answers 20 s late: the hub waits with the row `sending`.
        let sink = try await SMTPSinkPeer.start(stall: 20)
        let hub = try Hub(sink: sink)
        defer { hub.remove() }
        let first = try hub.serve()
        try hub.ship()
        #expect(await sink.waitForMessages(1, seconds: 60).count == 1, "\(hub.log())")
        #expect(try hub.notice()?.state == "sending")
        kill(first.pid, SIGKILL)
        first.wait()

        let second = try hub.serve()
        defer { second.stop(grace: 5) }
        #expect(try await hub.wait(60) { try hub.notice()?.state == "unknown" }, "\(hub.log())")
        // Past two polls of the outbox: nothing more goes out.
        try await Task.sleep(for: .seconds(11))
        #expect(sink.messages().count == 1)
        let n = try #require(try hub.notice())
        #expect(n.state == "unknown" && n.attempts == 1)
        let listed = try hub.notices(["list", "--state", "unknown"])
        #expect(listed.contains("\(n.id)\tK-1\tunknown\t1\tana@example.es\tes\t") && listed.contains("may have been delivered"), "\(listed)")
    }

    @Test func killedBeforeTheFinalDotItIsSentOnceAfterTheRestart() async throws {
        // The first RCPT is answered 30 s late: the hub is mid-conversation, the row `attempting`.
        let sink = try await SMTPSinkPeer.start(rcptStall: 30)
        let hub = try Hub(sink: sink)
        defer { hub.remove() }
        let first = try hub.serve()
        try hub.ship()
        #expect(try await hub.wait(60) { try hub.notice()?.state == "attempting" }, "\(hub.log())")
        try await Task.sleep(for: .milliseconds(500))  // into the RCPT wait
        kill(first.pid, SIGKILL)
        first.wait()
        #expect(sink.messages().isEmpty)

        let second = try hub.serve()
        defer { second.stop(grace: 5) }
        #expect(try await hub.wait(60) { try hub.notice()?.state == "sent" }, "\(hub.log())")
        try await Task.sleep(for: .seconds(2))
        let got = sink.messages()
        #expect(got.count == 1)
        #expect(try hub.notice()?.attempts == 2)
        let parsed = try await ParsedMail.read(try #require(got.first).raw)
        #expect(parsed.subject == "Tu pedido K-1 está en camino")
        #expect(parsed.text.contains("https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number=PQ4F6P0703673180128001L"))
        let listed = try hub.notices(["list", "--json"])
        #expect(listed.contains(#""state":"sent""#) && listed.contains(#""server_reply":"250 OK: queued as 0001""#), "\(listed)")
    }
}
