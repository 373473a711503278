import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// One connection's timeouts and its place in the limiter, shared by the two handlers that see
/// the connection: ``RawBytesObserver`` (bytes, before HTTP decoding: a trickled head is seen
/// before it is whole) and ``RequestPartObserver`` (decoded heads and ends, response ends).
/// Lives on the channel's event loop only.
// Unchecked: Hummingbird hands its per-connection handlers over in @Sendable closures, but the
// guard is only ever touched on its channel's event loop (setup, handlers, its own timer).
final class ConnectionGuard: @unchecked Sendable {
    private var timeouts: ConnectionTimeouts
    private let limiter: ConnectionLimiter
    private var channel: (any Channel)?
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var expiry: ConnectionTimeouts.Expiry?

    init(configuration: HTTPGuardConfiguration, limiter: ConnectionLimiter) {
        self.timeouts = ConnectionTimeouts(headTimeout: configuration.headTimeout, idleTimeout: configuration.idleTimeout, now: .now())
        self.limiter = limiter
    }

    func start(_ context: ChannelHandlerContext) {
        guard channel == nil else { return }
        channel = context.channel
        timeouts = ConnectionTimeouts(headTimeout: timeouts.headTimeout, idleTimeout: timeouts.idleTimeout, now: .now())
        limiter.register(context.channel, now: .now())
        schedule(context.eventLoop)
    }

    func stop() {
        timer?.cancel()
        timer = nil
        if let channel { limiter.unregister(channel, expiry: expiry) }
        channel = nil
    }

    func update(_ eventLoop: any EventLoop, _ event: (inout ConnectionTimeouts) -> Void) {
        let waitingBefore = timeouts.isWaitingForRequest
        event(&timeouts)
        if let channel, timeouts.isWaitingForRequest != waitingBefore {
            limiter.setWaiting(channel, since: timeouts.isWaitingForRequest ? .now() : nil)
        }
        schedule(eventLoop)
    }

    /// One timer per connection, set for the earliest deadline; a deadline that moved later is
    /// found when the timer fires (cheaper than rescheduling for every byte of a body).
    private func schedule(_ eventLoop: any EventLoop) {
        guard let deadline = timeouts.deadline, channel != nil else { return }
        if let timerDeadline, timerDeadline <= deadline, timer != nil { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            timerDeadline = nil
            if let reason = timeouts.expired(now: .now()) {
                expiry = reason
                channel?.close(promise: nil)
            } else {
                schedule(eventLoop)
            }
        }
    }
}

/// First in the pipeline (after TLS): notes that bytes arrived, before the HTTP decoder has
/// anything to say about them.
final class RawBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let guardian: ConnectionGuard

    init(_ guardian: ConnectionGuard) {
        self.guardian = guardian
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { guardian.start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        guardian.start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        guardian.stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        guardian.stop()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guardian.update(context.eventLoop) { $0.bytesReceived(now: .now()) }
        context.fireChannelRead(data)
    }
}

/// After the HTTP decoder: notes request heads and ends and response ends.
final class RequestPartObserver: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let guardian: ConnectionGuard

    init(_ guardian: ConnectionGuard) {
        self.guardian = guardian
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: guardian.update(context.eventLoop) { $0.headReceived(now: .now()) }
        case .end: guardian.update(context.eventLoop) { $0.requestEnded() }
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            guardian.update(context.eventLoop) { $0.responseEnded(now: .now()) }
        }
        context.write(data, promise: promise)
    }
}
