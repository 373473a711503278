import NIOCore
import NIOPosix
import NIOSSL

/// Sends messages to one SMTP server (RFC 5321): one connection per message, EHLO (HELO when
/// refused), STARTTLS and AUTH PLAIN/LOGIN as configured, MAIL/RCPT/DATA, every step under a
/// timeout. Replies become ``MailError``s: 4xx transient, 5xx permanent, and a connection lost
/// after the end of the message `unknownOutcome` (it may have been delivered).
public struct SMTPClient: Sendable {
    /// The server and how to talk to it.
    public let configuration: SMTPConfiguration

    /// Creates a client.
    public init(configuration: SMTPConfiguration) {
        self.configuration = configuration
    }

    /// Sends `message` to its recipients and returns the server's reply to the end of the message
    /// (e.g. `250 queued as …`). `beforeEnd` runs once the whole message has been written but
    /// before the final "." that commits it: a sender records "about to be sent" there, so that a
    /// crash before it leaves nothing delivered (the server drops an unfinished message). If
    /// `beforeEnd` throws, the connection is closed without the "." and that error is thrown.
    @discardableResult
    public func send(_ message: MailMessage, beforeEnd: @Sendable () async throws -> Void = {}) async throws -> SMTPReply {
        try await send(rendered: message.rendered(), from: message.from, to: message.to, beforeEnd: beforeEnd)
    }

    /// Sends an already rendered message (RFC 5322 text) with this envelope.
    @discardableResult
    func send(rendered: [UInt8], from: MailAddress, to: [MailAddress], beforeEnd: @Sendable () async throws -> Void = {}) async throws -> SMTPReply {
        let c = configuration
        let name = "The SMTP server \(c.host):\(c.port)"
        guard !to.isEmpty else { throw MailError(.badAddress, "The message has no recipient.", kind: .permanent) }
        let body = DotStuffing.stuff(rendered)
        let tlsContext = try makeTLSContext()
        let sni = Self.isIPAddress(c.host) ? nil : c.host
        let handler = SMTPChannelHandler(serverName: name, implicitTLS: c.tls == .implicit)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.nanoseconds(Int64(c.connectTimeout.components.seconds) * 1_000_000_000))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if c.tls == .implicit, let tlsContext {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: sni))
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: c.host, port: c.port).get()
        } catch {
            throw MailError(.connect, "Cannot connect to the SMTP server \(c.host):\(c.port) (\(error)). Check that it runs and that --smtp names it.", kind: .transient)
        }
        let connection = Connection(channel: channel, handler: handler, configuration: c)
        do {
            let reply = try await converse(connection, from: from, to: to, body: body, tlsContext: tlsContext, sni: sni, beforeEnd: beforeEnd)
            _ = try? await connection.command("QUIT", step: "QUIT", timeout: .seconds(5))
            channel.close(promise: nil)
            return reply
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    private func converse(_ connection: Connection, from: MailAddress, to recipients: [MailAddress], body: [UInt8], tlsContext: NIOSSLContext?, sni: String?,
                          beforeEnd: @Sendable () async throws -> Void) async throws -> SMTPReply {
        let c = configuration
        try await connection.expectPositive(connection.command(nil, step: "with its greeting"), step: "its greeting", want: 220)
        var extensions = try await hello(connection)
        var encrypted = c.tls == .implicit
        if !encrypted, c.tls != .never, extensions.startTLS, let tlsContext {
            let reply = try await connection.command("STARTTLS", step: "STARTTLS", startTLS: .init(context: tlsContext, serverHostname: sni))
            try connection.expectPositive(reply, step: "STARTTLS", want: 220)
            encrypted = true
            extensions = try await hello(connection)
        }
        if c.tls == .required && !encrypted {
            throw MailError(.tls, "The SMTP server \(c.host):\(c.port) does not offer STARTTLS, and --smtp asks for ?starttls=required; nothing was sent. Use a server with TLS, or ?starttls=when-offered.", kind: .permanent)
        }
        if let user = c.username {
            try await authenticate(connection, user: user, password: c.password ?? "", extensions: extensions, encrypted: encrypted)
        }
        if let maximum = extensions.maximumSize, body.count > maximum {
            throw MailError(.tooLarge, "The message is \(body.count) bytes and the SMTP server \(c.host):\(c.port) takes at most \(maximum).", kind: .permanent)
        }
        let international = from.isInternational || recipients.contains { $0.isInternational }
        if international && !extensions.smtpUTF8, let address = ([from] + recipients).first(where: \.isInternational) {
            throw MailError(.badAddress, "The address '\(address.address)' has non-ASCII characters and the SMTP server \(c.host):\(c.port) does not offer SMTPUTF8 (RFC 6531), so it cannot carry it; nothing was sent. Use a server that offers SMTPUTF8, or an ASCII address.", kind: .permanent)
        }
        var mail = "MAIL FROM:<\(from.address)>"
        if extensions.maximumSize != nil { mail += " SIZE=\(body.count)" }
        if international { mail += " SMTPUTF8" }
        try connection.expectPositive(await connection.command(mail, step: "MAIL FROM"), step: "MAIL FROM:<\(from.address)>")
        for to in recipients {
            try connection.expectPositive(await connection.command("RCPT TO:<\(to.address)>", step: "RCPT TO"), step: "RCPT TO:<\(to.address)>")
        }
        try connection.expectPositive(await connection.command("DATA", step: "DATA"), step: "DATA", want: 354)
        try await connection.write(body, step: "the message")
        try await beforeEnd()
        let end: SMTPReply
        do {
            end = try await connection.command(".", step: "the end of the message", timeout: c.endOfDataTimeout)
        } catch let e as MailError where e.code == .timeout || e.code == .connectionLost {
            throw MailError(e.code, "\(e.message) The whole message had been sent: it may have been delivered.", kind: .unknownOutcome)
        }
        try connection.expectPositive(end, step: "the end of the message")
        return end
    }

    /// EHLO, or HELO when the server does not know EHLO (500/502); what the server offers.
    private func hello(_ connection: Connection) async throws -> SMTPExtensions {
        let reply = try await connection.command("EHLO \(configuration.heloName)", step: "EHLO")
        if reply.isPositive { return SMTPExtensions(ehlo: reply) }
        if reply.code == 500 || reply.code == 502 {
            try connection.expectPositive(await connection.command("HELO \(configuration.heloName)", step: "HELO"), step: "HELO")
            return SMTPExtensions()
        }
        try connection.expectPositive(reply, step: "EHLO")
        return SMTPExtensions()
    }

    private func authenticate(_ connection: Connection, user: String, password: String, extensions: SMTPExtensions, encrypted: Bool) async throws {
        let c = configuration
        guard encrypted || c.isLoopback else {
            throw MailError(.auth, "Not sending the SMTP password to \(c.host):\(c.port) in clear text: the connection has no TLS. Use smtps://, or a server that offers STARTTLS.", kind: .permanent)
        }
        let failed = { (reply: SMTPReply) in
            MailError(.auth, "The SMTP server \(c.host):\(c.port) refused the login of '\(user)': \(reply). Check --smtp-user and --smtp-password-file.", replyCode: reply.code)
        }
        if extensions.authMechanisms.contains("PLAIN") {
            let token = Base64.encode(Array("\0\(user)\0\(password)".utf8))
            let reply = try await connection.command("AUTH PLAIN \(token)", step: "AUTH PLAIN", secret: true)
            guard reply.code == 235 else { throw failed(reply) }
        } else if extensions.authMechanisms.contains("LOGIN") {
            var reply = try await connection.command("AUTH LOGIN", step: "AUTH LOGIN")
            guard reply.code == 334 else { throw failed(reply) }
            reply = try await connection.command(Base64.encode(Array(user.utf8)), step: "AUTH LOGIN (user)", secret: true)
            guard reply.code == 334 else { throw failed(reply) }
            reply = try await connection.command(Base64.encode(Array(password.utf8)), step: "AUTH LOGIN (password)", secret: true)
            guard reply.code == 235 else { throw failed(reply) }
        } else {
            let offered = extensions.authMechanisms.sorted().joined(separator: " ")
            throw MailError(.auth, "The SMTP server \(c.host):\(c.port) offers no login this client speaks (PLAIN or LOGIN)\(offered.isEmpty ? ", or none at all: drop --smtp-user" : "; it offers \(offered)").", kind: .permanent)
        }
    }

    private func makeTLSContext() throws -> NIOSSLContext? {
        let c = configuration
        guard c.tls != .never else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let caFile = c.caFile { tls.trustRoots = .file(caFile) }
        do { return try NIOSSLContext(configuration: tls) } catch {
            throw MailError(.tls, "Cannot set up TLS for the SMTP server (\(error)); check --smtp-ca-file \(c.caFile ?? "").", kind: .permanent)
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || (host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." })
    }

    /// One open connection: commands and their replies.
    struct Connection: Sendable {
        let channel: any Channel
        let handler: SMTPChannelHandler
        let configuration: SMTPConfiguration

        /// Sends `line` (none: only waits, for the greeting) and waits for the reply.
        func command(_ line: String?, step: String, timeout: Duration? = nil, startTLS: SMTPChannelHandler.StartTLS? = nil, secret: Bool = false) async throws -> SMTPReply {
            // Errors name the step, never the line: with `secret` it holds credentials.
            let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
            let amount = TimeAmount.nanoseconds(Int64((timeout ?? configuration.commandTimeout).components.seconds) * 1_000_000_000
                + (timeout ?? configuration.commandTimeout).components.attoseconds / 1_000_000_000)
            let channel = self.channel, handler = self.handler
            channel.eventLoop.execute {
                handler.expect(promise, timeout: amount, startTLS: startTLS, step: step)
                if let line {
                    var buffer = channel.allocator.buffer(capacity: line.utf8.count + 2)
                    buffer.writeString(line + "\r\n")
                    channel.writeAndFlush(buffer, promise: nil)
                }
            }
            return try await promise.futureResult.get()
        }

        /// Writes the dot-stuffed message; the connection is closed if the server does not take
        /// it within the command timeout.
        func write(_ bytes: [UInt8], step: String) async throws {
            let seconds = configuration.commandTimeout.components.seconds
            let timeout = channel.eventLoop.scheduleTask(in: .seconds(seconds)) { [channel] in channel.close(promise: nil) }
            // Cancelled on the event loop as the write completes, not when this task resumes: on
            // a busy pool the resumption can come seconds later, and the close would then cut a
            // connection whose write had long finished (the "." then finds it closed).
            let written = channel.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { _ in timeout.cancel() }
            channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: written)
            do {
                try await written.futureResult.get()
            } catch {
                throw MailError(.connectionLost, "Writing \(step) to the SMTP server \(configuration.host):\(configuration.port) failed or took over \(seconds) s (\(error)); nothing was delivered.", kind: .transient)
            }
        }

        /// Throws the reply as an error unless it is `want` (any 2xx when nil).
        func expectPositive(_ reply: SMTPReply, step: String, want: Int? = nil) throws {
            if want.map({ reply.code == $0 }) ?? reply.isPositive { return }
            let what = (400..<500).contains(reply.code) ? "a temporary refusal; try again later" : "a permanent refusal"
            throw MailError(.reply, "The SMTP server \(configuration.host):\(configuration.port) answered \(reply) to \(step) (\(what)).", replyCode: reply.code)
        }
    }
}
