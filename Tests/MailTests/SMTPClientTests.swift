import Foundation
import Testing
import TestPeers
@testable import Mail

/// The SMTP client against a real SMTP server (aiosmtpd, scripts/peers/smtp_sink.py) on loopback.
@Suite struct SMTPClientTests {
    static let from = try! MailAddress("avisos@tienda.example", name: "Tienda")

    func message(to: String = "cliente@example.com", text: String = "Hola José,\n\ntu pedido va en camino.\n") throws -> MailMessage {
        MailMessage(from: Self.from, to: [try MailAddress(to, name: "José Pérez")], subject: "Tu pedido está en camino", text: text,
                    html: "<p>Hola <b>José</b></p>", messageID: "notice-\(UUID().uuidString)@hub.test", date: Date())
    }

    func client(_ url: String, _ change: (inout SMTPConfiguration) -> Void = { _ in }) throws -> SMTPClient {
        var c = try SMTPConfiguration(url: url)
        c.commandTimeout = .seconds(5)
        c.endOfDataTimeout = .seconds(5)
        change(&c)
        return SMTPClient(configuration: c)
    }

    /// A private CA and a certificate for 127.0.0.1 signed by it, in a directory removed after `body`.
    func withCertificates(_ body: (_ certs: (ca: String, certificate: String, key: String)) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try await body(try SMTPSinkPeer.makeCertificates(in: dir))
    }

    @Test func aMessageArrivesWholeWithItsEnvelope() async throws {
        let sink = try await SMTPSinkPeer.start()
        let m = try message()
        let reply = try await client(sink.url).send(m)
        #expect(reply.code == 250)
        let got = sink.messages()
        try #require(got.count == 1, "\(sink.output())")
        #expect(got[0].mailFrom == "avisos@tienda.example")
        #expect(got[0].recipients == ["cliente@example.com"])
        #expect(got[0].raw == m.rendered())
        #expect(!got[0].tls)
        let parsed = try await ParsedMail.read(got[0].raw)
        #expect(parsed.subject == "Tu pedido está en camino")
        #expect(parsed.text == "Hola José,\n\ntu pedido va en camino.\n")
    }

    /// Runs every job of its tasks `delay` late: a cooperative pool kept busy by other work, as in
    /// a loaded hub (or the whole test suite on two cores).
    final class LateExecutor: TaskExecutor, @unchecked Sendable {
        let delay: Double
        init(delay: Double) { self.delay = delay }
        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }

    @Test func aSenderResumedLaterThanTheCommandTimeoutStillDelivers() async throws {
        // Each step's timeout runs on the connection's event loop, from the command to its reply
        // (or to the message's last byte written): a sender whose task resumes late does not
        // count the wait for the pool against the server. (Once the message's write timer was
        // cancelled only when the task resumed, and a late resumption cut the connection before
        // the final ".": 'the SMTP server closed the connection', seen amid the whole suite.)
        let sink = try await SMTPSinkPeer.start()
        let c = try client(sink.url) { $0.commandTimeout = .seconds(1) }
        let m = try message()
        let reply = try await withTaskExecutorPreference(LateExecutor(delay: 1.3)) { try await c.send(m) }
        #expect(reply.code == 250)
        #expect(sink.messages().count == 1)
    }

    @Test func linesStartingWithADotAreStuffedAndComeBackAsSent() async throws {
        let sink = try await SMTPSinkPeer.start()
        let raw = Array("Subject: dots\r\n\r\n.\r\n..two\r\n.three\r\nend\r\n".utf8)
        try await client(sink.url).send(rendered: raw, from: Self.from, to: [try MailAddress("c@example.com")])
        let got = sink.messages()
        try #require(got.count == 1)
        #expect(got[0].raw == raw)  // a lone "." did not end the message early, and no dot was lost
    }

    @Test func a451IsTransientAndTheNextAttemptIsTheOneMessageReceived() async throws {
        let sink = try await SMTPSinkPeer.start(dataReplies: [451])
        let c = try client(sink.url)
        let m = try message()
        await #expect { try await c.send(m) } throws: { e in
            let e = e as? MailError
            return e?.kind == .transient && e?.replyCode == 451 && e?.message.contains("451") == true && e?.message.contains("temporary") == true
        }
        #expect(sink.messages().isEmpty)
        try await c.send(m)
        #expect(sink.messages().count == 1)
    }

    @Test func a550ToTheRecipientIsPermanentAndNamesTheAddress() async throws {
        let sink = try await SMTPSinkPeer.start(rcptReplies: ["nobody@example.com": 550])
        await #expect { try await client(sink.url).send(message(to: "nobody@example.com")) } throws: { e in
            let e = e as? MailError
            return e?.kind == .permanent && e?.replyCode == 550 && e?.message.contains("RCPT TO:<nobody@example.com>") == true
        }
        #expect(sink.messages().isEmpty)
    }

    @Test func startTLSWithAPrivateCAEncryptsTheMessage() async throws {
        try await withCertificates { certs in
            let sink = try await SMTPSinkPeer.start(tls: (certs.certificate, certs.key), requireTLS: true, auth: "shop:s3cret")
            try await client(sink.url + "?starttls=required") { $0.caFile = certs.ca; $0.username = "shop"; $0.password = "s3cret" }.send(message())
            let got = sink.messages()
            try #require(got.count == 1, "\(sink.output())")
            #expect(got[0].tls)
            #expect(got[0].auth == "shop")

            // The same server without the CA: its certificate is not trusted, nothing is sent.
            await #expect { try await client(sink.url) { $0.username = "shop"; $0.password = "s3cret" }.send(message()) } throws: { e in
                let e = e as? MailError
                return e?.code == .tls && e?.kind == .permanent && e?.message.contains("--smtp-ca-file") == true
            }
            // A wrong password: 535, permanent, and the password is not in the message.
            await #expect { try await client(sink.url) { $0.caFile = certs.ca; $0.username = "shop"; $0.password = "wrong-pw" }.send(message()) } throws: { e in
                let e = e as? MailError
                return e?.code == .auth && e?.replyCode == 535 && e?.kind == .permanent && e?.message.contains("wrong-pw") == false
            }
            #expect(sink.messages().count == 1)
        }
    }

    @Test func smtpsWithAPrivateCAIsTLSFromTheFirstByte() async throws {
        try await withCertificates { certs in
            let sink = try await SMTPSinkPeer.start(tls: (certs.certificate, certs.key), implicitTLS: true, auth: "shop:s3cret")
            #expect(sink.smtpsURL.hasPrefix("smtps://"))
            let m = try message()
            let reply = try await client(sink.smtpsURL) { $0.caFile = certs.ca; $0.username = "shop"; $0.password = "s3cret" }.send(m)
            #expect(reply.code == 250)
            let got = sink.messages()
            try #require(got.count == 1, "\(sink.output())")
            // TLS before the greeting (no STARTTLS on this server), a modern version, the login inside it.
            #expect(got[0].tls && got[0].tlsMode == "implicit")
            #expect(got[0].tlsVersion == "TLSv1.2" || got[0].tlsVersion == "TLSv1.3", "\(got[0].tlsVersion ?? "none")")
            #expect(got[0].auth == "shop")
            #expect(got[0].raw == m.rendered())

            // Without the CA the server's certificate is not trusted: permanent, and nothing is sent.
            await #expect { try await client(sink.smtpsURL) { $0.username = "shop"; $0.password = "s3cret" }.send(message()) } throws: { e in
                let e = e as? MailError
                return e?.code == .tls && e?.kind == .permanent && e?.message.contains("--smtp-ca-file") == true
            }
            // A client speaking plain SMTP to the TLS port hears no greeting: a timeout, not a message in clear.
            await #expect { try await client(sink.url) { $0.commandTimeout = .seconds(1) }.send(message()) } throws: { e in
                let e = e as? MailError
                return e?.code == .timeout && e?.kind == .transient
            }
            #expect(sink.messages().count == 1)
        }
    }

    @Test func smtpsToAServerThatSpeaksPlainTextFirstSaysSo() async throws {
        // The common mistake: smtps:// to a submission port (587) that greets in clear text and
        // offers STARTTLS. The error says TLS failed and what to use instead; nothing is sent.
        try await withCertificates { certs in
            let sink = try await SMTPSinkPeer.start(tls: (certs.certificate, certs.key))
            await #expect { try await client(sink.smtpsURL) { $0.caFile = certs.ca }.send(message()) } throws: { e in
                let e = e as? MailError
                return e?.code == .tls && e?.kind == .permanent && e?.message.contains("?starttls=required") == true
            }
            #expect(sink.messages().isEmpty)
        }
    }

    @Test func aNonASCIIAddressArrivesWholeAtAServerOfferingSMTPUTF8() async throws {
        let sink = try await SMTPSinkPeer.start(smtpUTF8: true)
        let m = try message(to: "josé.núñez@correo.ejemplo.es")
        try await client(sink.url).send(m)
        let got = sink.messages()
        try #require(got.count == 1, "\(sink.output())")
        #expect(got[0].smtpUTF8, "MAIL FROM asked for SMTPUTF8")
        #expect(got[0].recipients == ["josé.núñez@correo.ejemplo.es"])
        #expect(got[0].raw == m.rendered())
        // The address is in the To header as UTF-8, whole; the name beside it as an encoded-word.
        let parsed = try await ParsedMail.read(got[0].raw)
        #expect(parsed.to.first?["address"] == "josé.núñez@correo.ejemplo.es", "\(parsed.to)")
        #expect(parsed.to.first?["name"] == "José Pérez", "\(parsed.to)")
    }

    @Test func aNonASCIIAddressToAServerWithoutSMTPUTF8IsRefusedForGood() async throws {
        let sink = try await SMTPSinkPeer.start()
        await #expect { try await client(sink.url).send(message(to: "josé@ejemplo.es")) } throws: { e in
            let e = e as? MailError
            return e?.code == .badAddress && e?.kind == .permanent && e?.replyCode == nil
                && e?.message == "The address 'josé@ejemplo.es' has non-ASCII characters and the SMTP server 127.0.0.1:\(sink.port) does not offer SMTPUTF8 (RFC 6531), so it cannot carry it; nothing was sent. Use a server that offers SMTPUTF8, or an ASCII address."
        }
        #expect(sink.messages().isEmpty)
        // An ASCII address to the same server still goes.
        try await client(sink.url).send(message())
        #expect(sink.messages().count == 1)
    }

    @Test func requiredTLSRefusesAServerWithoutSTARTTLS() async throws {
        let sink = try await SMTPSinkPeer.start()
        await #expect { try await client(sink.url + "?starttls=required").send(message()) } throws: { e in
            let e = e as? MailError
            return e?.code == .tls && e?.kind == .permanent && e?.message.contains("does not offer STARTTLS") == true
        }
        #expect(sink.messages().isEmpty)
    }

    @Test func aLoginOverLoopbackWithoutTLSWorks() async throws {
        let sink = try await SMTPSinkPeer.start(auth: "shop:pw")
        try await client(sink.url) { $0.username = "shop"; $0.password = "pw" }.send(message())
        #expect(sink.messages().first?.auth == "shop")
    }

    @Test func noServerIsATransientConnectError() async throws {
        await #expect { try await client("smtp://127.0.0.1:\(LoopbackPort.unused())").send(message()) } throws: { e in
            let e = e as? MailError
            return e?.code == .connect && e?.kind == .transient && e?.message.contains("Cannot connect") == true
        }
    }

    @Test func aServerThatNeverGreetsTimesOut() async throws {
        // Listening (the kernel completes the handshake) but never accepting nor speaking.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        listen(fd, 4)
        let port = Int(UInt16(bigEndian: addr.sin_port))
        // The 1 s asked for, not the default minute: the error says which (a wall-clock bound is
        // no proof amid the whole suite, where the test's own continuation may wait for the pool).
        await #expect { try await client("smtp://127.0.0.1:\(port)") { $0.commandTimeout = .seconds(1) }.send(message()) } throws: { e in
            let e = e as? MailError
            return e?.code == .timeout && e?.kind == .transient && e?.message.contains("did not answer with its greeting within 1 s") == true
        }
    }

    @Test func noReplyToTheEndOfTheMessageIsAnUnknownOutcome() async throws {
        let sink = try await SMTPSinkPeer.start(stall: 4)
        await #expect { try await client(sink.url) { $0.endOfDataTimeout = .seconds(1) }.send(message()) } throws: { e in
            let e = e as? MailError
            return e?.kind == .unknownOutcome && e?.message.contains("may have been delivered") == true
        }
    }

    @Test func aFailureBeforeTheFinalDotDeliversNothing() async throws {
        struct Stop: Error {}
        let sink = try await SMTPSinkPeer.start()
        await #expect(throws: Stop.self) { try await client(sink.url).send(message()) { throw Stop() } }
        try await Task.sleep(for: .milliseconds(300))
        #expect(sink.messages().isEmpty)
    }
}
