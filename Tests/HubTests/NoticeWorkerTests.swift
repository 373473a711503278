import Foundation
import GRDB
@testable import Hub
import Logging
import Mail
import PackCore
import Testing
import TestPeers

/// Customer e-mails when an order ships, received by a real SMTP server (aiosmtpd) on loopback
/// and read back by Python's email package.
@Suite struct NoticeWorkerTests {
    /// A hub store in a temporary directory and a notice worker pointed at `smtpURL`.
    struct Bench {
        let dir: String
        let store: HubStore
        let worker: NoticeWorker

        init(smtpURL: String, change: (inout NoticeConfiguration) throws -> Void = { _ in }) throws {
            dir = NSTemporaryDirectory() + "notices-\(UUID().uuidString)"
            store = try HubStore(path: dir + "/hub.sqlite")
            var smtp = try SMTPConfiguration(url: smtpURL)
            smtp.commandTimeout = .seconds(10)
            smtp.endOfDataTimeout = .seconds(10)
            var c = try NoticeConfiguration(smtp: smtp, from: try MailAddress("avisos@tienda.example", name: "Tienda Ñandú"))
            c.retryDelay = .milliseconds(200)
            try change(&c)
            worker = NoticeWorker(store: store, configuration: c, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        }

        func remove() { try? FileManager.default.removeItem(atPath: dir) }

        /// Imports an order with this customer and shipment, then moves it packed → shipped.
        func ship(_ id: String, name: String? = "José Pérez", email: String? = "cliente@example.com", language: String? = nil,
                  carrier: String = "UPS", tracking: String = "1Z999AA10123456784", city: String = "Sevilla", recipient: String = "Ana") throws {
            var customer: [(String, JSONValue)] = []
            if let name { customer.append(("name", .string(name))) }
            if let email { customer.append(("email", .string(email))) }
            if let language { customer.append(("language", .string(language))) }
            let order: JSONValue = .object([
                ("id", .string(id)), ("status", "ready"), ("payment", "captured"), ("priority", "standard"),
                ("lines", [.object([("sku", "S"), ("description", "Thing"), ("quantity", 1), ("barcodes", ["4006381333931"])])]),
                ("shipment", .object([
                    ("carrier", .string(carrier)), ("service", "Express"), ("tracking", .string(tracking)),
                    ("from", .object([("name", "Shop"), ("street", ["1 Main St"]), ("city", "Madrid"), ("country", "ES")])),
                    ("to", .object([("name", .string(recipient)), ("street", ["2 Calle"]), ("city", .string(city)), ("country", "ES")])),
                ])),
                ("customer", .object(customer)),
            ])
            _ = try store.importOrders(OrderImport.parse(Array((order.jsonText + "\n").utf8), name: "orders.jsonl"))
            _ = try store.moveOrder(id, to: .packed, source: "test")
            _ = try store.moveOrder(id, to: .shipped, source: "test")
        }

        func notices() throws -> [HubStore.Notice] { try store.listNotices().reversed() }

        /// Steps the worker until `done` or 90 s pass (amid the whole suite on 2 cores a step can
        /// take seconds; the loop ends as soon as `done` holds).
        func run(until done: () throws -> Bool) async throws {
            let deadline = Date().addingTimeInterval(90)
            while try !done(), Date() < deadline {
                _ = await worker.step()
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    @Test func eachCustomerGetsOneEMailInTheirLanguageWithTheTrackingLink() async throws {
        let sink = try await SMTPSinkPeer.start()
        let bench = try Bench(smtpURL: sink.url)
        defer { bench.remove() }
        try bench.ship("ES-1", email: "es@example.com", language: "es", carrier: "Correos", tracking: "PQ4F6P0703673180128001L")
        try bench.ship("EN-1", name: "Zoë Smith", email: "en@example.com", language: "en-GB", carrier: "UPS", tracking: "1Z999AA10123456784")
        try bench.ship("MX-1", name: "Guadalupe Núñez", email: "mx@example.com", language: "es-MX", carrier: "DHL Express", tracking: "JD014600006281234567")
        try bench.ship("NONE-1", name: nil, email: "none@example.com", language: nil, carrier: "SEUR", tracking: "A/B 42", recipient: "Pat Doe")
        try await bench.run { try bench.notices().allSatisfy { $0.state == "sent" } && bench.notices().count == 4 }
        let got = await sink.waitForMessages(4, seconds: 60)
        try #require(got.count == 4, "\(sink.output()) \((try? bench.notices()) ?? [])")
        let byRecipient = Dictionary(uniqueKeysWithValues: got.map { ($0.recipients.first ?? "", $0) })
        let expected: [(to: String, subject: String, greeting: String, link: String)] = [
            ("es@example.com", "Tu pedido ES-1 está en camino", "Hola José Pérez:",
             "https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number=PQ4F6P0703673180128001L"),
            ("en@example.com", "Your order EN-1 is on its way", "Hello Zoë Smith,", "https://www.ups.com/track?tracknum=1Z999AA10123456784"),
            ("mx@example.com", "Tu pedido MX-1 está en camino", "Hola Guadalupe Núñez:", "https://www.dhl.com/global-en/home/tracking.html?tracking-id=JD014600006281234567"),
            ("none@example.com", "Your order NONE-1 is on its way", "Hello Pat Doe,", "https://www.seur.com/livetracking/?segOnlineIdentificador=A%2FB%2042"),
        ]
        for e in expected {
            let m = try #require(byRecipient[e.to], "no message to \(e.to)")
            let parsed = try await ParsedMail.read(m.raw)
            #expect(parsed.subject == e.subject)
            #expect(parsed.text.contains(e.greeting), "\(parsed.text)")
            #expect(parsed.text.contains(e.link), "\(parsed.text)")
            let html = try #require(parsed.html)
            #expect(html.contains("href=\"\(e.link.replacingOccurrences(of: "&", with: "&amp;"))\""), "\(html)")
            #expect(parsed.fromName == "Tienda Ñandú")
            #expect(parsed.defects.isEmpty && parsed.longestLine <= 78)
            #expect(m.mailFrom == "avisos@tienda.example")
        }
        let languages = Dictionary(uniqueKeysWithValues: try bench.notices().map { ($0.orderID, $0.language ?? "") })
        #expect(languages == ["ES-1": "es", "EN-1": "en", "MX-1": "es", "NONE-1": "en"])
        // Nothing more is sent however often the worker runs.
        for _ in 0..<3 { _ = await bench.worker.step() }
        #expect(sink.messages().count == 4)
    }

    @Test func markupInNamesAndAddressesStaysTextInTheHTMLPart() async throws {
        let sink = try await SMTPSinkPeer.start()
        let bench = try Bench(smtpURL: sink.url)
        defer { bench.remove() }
        let name = "<script>alert(1)</script> & \"Tom\""
        try bench.ship("X<b>1", name: name, language: "en", city: "<img src=x onerror=alert(2)>", recipient: "<i>R</i>")
        try await bench.run { try bench.notices().first?.state == "sent" }
        let m = try #require(await sink.waitForMessages(1).first)
        let parsed = try await ParsedMail.read(m.raw)
        let html = try #require(parsed.html)
        #expect(!html.contains("<script>") && !html.contains("<b>1") && !html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Tom&quot;") || html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"Tom\""), "\(html)")
        #expect(html.contains("X&lt;b&gt;1"))
        // The text part and the subject carry them as they are: text, not markup.
        #expect(parsed.text.contains("Hello \(name),"))
        #expect(parsed.subject == "Your order X<b>1 is on its way")
        #expect(parsed.to.first?["name"] == name)
    }

    @Test func aServerThatAnswers451ThenAcceptsGetsOneMessage() async throws {
        let sink = try await SMTPSinkPeer.start(dataReplies: [451])
        let bench = try Bench(smtpURL: sink.url)
        defer { bench.remove() }
        try bench.ship("R-1", language: "es")
        _ = await bench.worker.step()
        let first = try #require(try bench.notices().first)
        #expect(first.state == "pending" && first.attempts == 1 && first.lastCode == 451)
        #expect(first.lastError?.contains("451") == true)
        try await bench.run { try bench.notices().first?.state == "sent" }
        let done = try #require(try bench.notices().first)
        #expect(done.state == "sent" && done.attempts == 2)
        try await Task.sleep(for: .milliseconds(300))
        #expect(sink.messages().count == 1)
    }

    @Test func a550IsPermanentAndShownWithTheServersWords() async throws {
        let sink = try await SMTPSinkPeer.start(rcptReplies: ["gone@example.com": 550])
        let bench = try Bench(smtpURL: sink.url)
        defer { bench.remove() }
        try bench.ship("P-1", email: "gone@example.com", language: "en")
        try await bench.run { try bench.notices().first?.state == "failed" }
        let n = try #require(try bench.notices().first)
        #expect(n.state == "failed" && n.attempts == 1 && n.lastCode == 550)
        #expect(n.lastError?.contains("550 Mailbox unavailable") == true && n.lastError?.contains("RCPT TO:<gone@example.com>") == true)
        // Not tried again by itself…
        for _ in 0..<3 { _ = await bench.worker.step() }
        #expect(try bench.notices().first?.attempts == 1)
        #expect(sink.messages().isEmpty)
        // …but on request, and a sent notice cannot be retried.
        #expect(try bench.store.retryNotices(ids: []) == [n.id])
        #expect(try bench.notices().first?.state == "pending")
    }

    @Test func aNonASCIIAddressGoesWholeWhereSMTPUTF8IsOfferedAndFailsForGoodWhereNot() async throws {
        // A server that offers SMTPUTF8: the customer gets it, the envelope and To header whole.
        let utf8 = try await SMTPSinkPeer.start(smtpUTF8: true)
        let good = try Bench(smtpURL: utf8.url)
        defer { good.remove() }
        try good.ship("U-1", email: "josé.núñez@correo.ejemplo.es", language: "es")
        try await good.run { try good.notices().first?.state == "sent" }
        #expect(try good.notices().first?.state == "sent")
        let got = utf8.messages()
        try #require(got.count == 1, "\(utf8.output())")
        #expect(got[0].recipients == ["josé.núñez@correo.ejemplo.es"] && got[0].smtpUTF8)
        #expect(try await ParsedMail.read(got[0].raw).to.first?["address"] == "josé.núñez@correo.ejemplo.es")

        // One that does not: failed at the first attempt with why, never retried, nothing sent.
        let ascii = try await SMTPSinkPeer.start()
        let bad = try Bench(smtpURL: ascii.url)
        defer { bad.remove() }
        try bad.ship("U-2", email: "josé@ejemplo.es", language: "es")
        try await bad.run { try bad.notices().first?.state == "failed" }
        let n = try #require(try bad.notices().first)
        #expect(n.state == "failed" && n.attempts == 1 && n.lastCode == nil)
        #expect(n.lastError?.hasPrefix("The address 'josé@ejemplo.es' has non-ASCII characters and the SMTP server 127.0.0.1:\(ascii.port) does not offer SMTPUTF8") == true, "\(n.lastError ?? "")")
        for _ in 0..<3 { _ = await bad.worker.step() }
        #expect(try bad.notices().first?.attempts == 1)
        #expect(ascii.messages().isEmpty)
    }

    /// Run on its own by scripts/test.sh (PACKSTATION_ALONE_TESTS=1): amid the whole suite on 2
    /// cores it twice failed to reach its third attempt within 90 s (fresh-clone runs, 00:00 UTC
    /// 2026-12-05); why is not known yet (a port from LoopbackPort.unused() taken by another
    /// suite's server is one suspect).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PACKSTATION_ALONE_TESTS"] == "1", "run alone by scripts/test.sh"))
    func noServerIsRetriedWithBackoffThenFailed() async throws {
        let bench = try Bench(smtpURL: "smtp://127.0.0.1:\(LoopbackPort.unused())") { $0.maximumAttempts = 3 }
        defer { bench.remove() }
        try bench.ship("D-1", language: "en")
        try await bench.run { try bench.notices().first?.state == "failed" }
        let n = try #require(try bench.notices().first)
        #expect(n.state == "failed" && n.attempts == 3, "\(n)")
        #expect(n.lastError?.contains("Cannot connect") == true && n.lastError?.contains("Gave up after 3 attempts") == true)
        #expect(bench.worker.retryDelay(afterAttempt: 1) == 0.2 && bench.worker.retryDelay(afterAttempt: 3) == 0.8)
    }

    @Test func anOrderWithoutEMailIsSkippedVisibly() async throws {
        let sink = try await SMTPSinkPeer.start()
        let bench = try Bench(smtpURL: sink.url)
        defer { bench.remove() }
        try bench.ship("N-1", email: nil)
        _ = await bench.worker.step()
        let n = try #require(try bench.notices().first)
        #expect(n.state == "skipped" && n.lastError?.contains("no customer e-mail") == true)
        #expect(sink.messages().isEmpty)
    }

    @Test func aNoticeCutOffAfterTheFinalDotIsNeverSentAgainByItself() async throws {
        // The server takes the whole message and then says nothing: the worker records the
        // notice as `sending` before the final '.', and a hub that dies there (here: the
        // answer never comes) leaves it `unknown`, not pending.
        let sink = try await SMTPSinkPeer.start(stall: 3)
        let bench = try Bench(smtpURL: sink.url) { $0.smtp.endOfDataTimeout = .seconds(1) }
        defer { bench.remove() }
        try bench.ship("K-1", language: "es")
        _ = await bench.worker.step()
        let n = try #require(try bench.notices().first)
        #expect(n.state == "unknown" && n.lastError?.contains("may have been delivered") == true)
        // The server had stored it (its 250 came too late): sending again would deliver it twice.
        #expect(await sink.waitForMessages(1, seconds: 10).count == 1)
        for _ in 0..<3 { _ = await bench.worker.step() }
        #expect(sink.messages().count == 1)
        #expect(try bench.notices().first?.attempts == 1)
    }

    @Test func aRestartTurnsSendingIntoUnknownAndAttemptingIntoPending() async throws {
        let bench = try Bench(smtpURL: "smtp://127.0.0.1:1")
        defer { bench.remove() }
        try bench.ship("A-1", language: "es")
        try bench.ship("B-1", language: "es")
        _ = try await bench.store.enqueueNotices(now: Date()) { _, _ in .init(recipient: "x@example.com", language: "es") }
        let ids = try bench.notices().map(\.id)
        #expect(try await bench.store.claimNotice(ids[0], now: Date()))
        #expect(try await bench.store.claimNotice(ids[1], now: Date()))
        try await bench.store.markNoticeSending(ids[1], now: Date())
        // What a kill -9 leaves; the next start recovers it.
        let reopened = try HubStore(path: bench.dir + "/hub.sqlite")
        #expect(try reopened.recoverNotices(now: Date()) == 1)
        let states = try reopened.listNotices().reversed().map(\.state)
        #expect(Array(states) == ["pending", "unknown"])
        #expect(try reopened.retryNotices(ids: [ids[1]]) == [ids[1]])
        #expect { try reopened.retryNotices(ids: [ids[1]]) } throws: { ($0 as? HubError)?.code == "notice_not_retryable" }
    }

    @Test func theServiceSendsAsSoonAsAnOrderShips() async throws {
        let sink = try await SMTPSinkPeer.start()
        let bench = try Bench(smtpURL: sink.url) { $0.pollInterval = .seconds(60) }
        defer { bench.remove() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(executorPreference: FixtureServer.executors[0]) { try await bench.worker.run() }
            try await Task.sleep(for: .milliseconds(300))
            let start = ContinuousClock.now
            try bench.ship("S-1", language: "en")
            let got = await sink.waitForMessages(1, seconds: 20)
            #expect(got.count == 1)
            // Woken by the event, not by the 60 s poll.
            #expect(ContinuousClock.now - start < .seconds(30))
            group.cancelAll()
        }
    }

    @Test func oldShipmentsAreNotAnnouncedWhenNoticesAreTurnedOnLate() async throws {
        let sink = try await SMTPSinkPeer.start()
        let bench = try Bench(smtpURL: sink.url) { $0.maximumEventAge = .seconds(3600) }
        defer { bench.remove() }
        try bench.ship("OLD-1", language: "es")
        _ = try await bench.store.enqueueNotices(now: Date().addingTimeInterval(7200)) { event, order in
            NoticeWorker.plan(event: event, order: order, configuration: bench.worker.configuration, now: Date().addingTimeInterval(7200))
        }
        #expect(try bench.notices().first?.state == "skipped")
        #expect(try bench.notices().first?.lastError?.contains("not announced") == true)
    }
}
