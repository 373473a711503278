import NIOCore
import NIOSSL

/// The client's end of one SMTP connection on its event loop: turns bytes into replies and hands
/// each to the one command waiting for it, with a timeout per wait. After the 220 to STARTTLS it
/// puts TLS in front at once, and refuses a server that sent anything more in clear text
/// (a STARTTLS injection, CVE-2011-0411).
///
/// Touched only on its channel's event loop (every entry point is called there), hence
/// `@unchecked Sendable` to be handed to that loop from async code.
final class SMTPChannelHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// TLS to start once the server says 220 to STARTTLS.
    struct StartTLS {
        var context: NIOSSLContext
        var serverHostname: String?
    }

    private struct Waiter {
        var promise: EventLoopPromise<SMTPReply>
        var startTLS: StartTLS?
        var timeout: Scheduled<Void>?
    }

    private var parser = SMTPReplyParser()
    private var waiter: Waiter?
    /// Replies that came before anyone waited (the greeting, typically).
    private var early: [SMTPReply] = []
    private var failure: MailError?
    private var context: ChannelHandlerContext?
    private let serverName: String
    /// TLS from the first byte (smtps): a server that answers in clear text is told apart.
    private let implicitTLS: Bool

    init(serverName: String, implicitTLS: Bool = false) {
        self.serverName = serverName
        self.implicitTLS = implicitTLS
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Waits for the next reply: `promise` gets it, or fails after `timeout` (the connection is then closed).
    func expect(_ promise: EventLoopPromise<SMTPReply>, timeout: TimeAmount, startTLS: StartTLS? = nil, step: String) {
        if let failure { promise.fail(failure); return }
        if !early.isEmpty {
            promise.succeed(early.removeFirst())
            return
        }
        let loop = promise.futureResult.eventLoop
        let seconds = timeout.nanoseconds / 1_000_000_000
        let scheduled = loop.scheduleTask(in: timeout) { [self] in
            fail(MailError(.timeout, "\(serverName) did not answer \(step) within \(seconds) s.", kind: .transient))
        }
        waiter = Waiter(promise: promise, startTLS: startTLS, timeout: scheduled)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        let replies: [SMTPReply]
        do { replies = try parser.feed(bytes) } catch {
            fail(error)
            return
        }
        for (i, reply) in replies.enumerated() {
            guard let w = waiter else {
                early.append(reply)
                continue
            }
            waiter = nil
            w.timeout?.cancel()
            if let tls = w.startTLS, reply.code == 220 {
                guard i == replies.count - 1, parser.isEmpty, early.isEmpty else {
                    fail(MailError(.tls, "\(serverName) sent more after its 220 to STARTTLS, before TLS began (a STARTTLS injection); not going on.", kind: .permanent))
                    return
                }
                do {
                    let handler = try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname)
                    try context.pipeline.syncOperations.addHandler(handler, position: .first)
                } catch {
                    w.promise.fail(MailError(.tls, "Cannot start TLS with \(serverName): \(error).", kind: .permanent))
                    context.close(promise: nil)
                    return
                }
            }
            w.promise.succeed(reply)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? MailError {
            fail(error)
        } else if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            // BoringSSL's WRONG_VERSION_NUMBER: the first bytes were no TLS record, typically a
            // "220" greeting in clear text from a port that expects STARTTLS.
            if implicitTLS, "\(error)".uppercased().contains("WRONG_VERSION_NUMBER") {
                fail(MailError(.tls, "TLS with \(serverName) failed: it did not answer in TLS (\(error)). smtps:// is for servers that speak TLS from the first byte (port 465); for one that greets in clear text and offers STARTTLS (port 587 or 25) use smtp://HOST:PORT?starttls=required.", kind: .permanent))
                return
            }
            fail(MailError(.tls, "TLS with \(serverName) failed: \(error). If its certificate is from a private CA, give that CA with --smtp-ca-file.", kind: .permanent))
        } else {
            fail(MailError(.connectionLost, "The connection to \(serverName) failed: \(error).", kind: .transient))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(MailError(.connectionLost, "\(serverName) closed the connection.", kind: .transient))
        context.fireChannelInactive()
    }

    /// Fails the waiting command (and every later one) with `error` and closes the connection.
    private func fail(_ error: MailError) {
        if failure == nil { failure = error }
        if let w = waiter {
            waiter = nil
            w.timeout?.cancel()
            w.promise.fail(failure ?? error)
        }
        context?.close(promise: nil)
    }
}
