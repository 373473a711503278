import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Hummingbird's HTTP/1.1 child channel with the guard's timeouts and connection limit.
/// Wrap it in HummingbirdTLS's `TLSChannel` for HTTPS (the timeouts then also bound the handshake).
public struct GuardedHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    public typealias Value = HTTP1Channel.Value

    /// The application's responder.
    public let responder: HTTPChannelHandler.Responder
    /// The timeouts.
    public let configuration: HTTPGuardConfiguration
    /// The connection limit shared by every connection of the server.
    public let limiter: ConnectionLimiter

    /// Creates the channel setup for one server.
    public init(responder: @escaping HTTPChannelHandler.Responder, configuration: HTTPGuardConfiguration, limiter: ConnectionLimiter) {
        self.responder = responder
        self.configuration = configuration
        self.limiter = limiter
    }

    /// Adds the byte observer first, then Hummingbird's HTTP/1.1 pipeline with the part observer.
    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let guardian = ConnectionGuard(configuration: configuration, limiter: limiter)
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RawBytesObserver(guardian))
        }.flatMap {
            self.http1(observing: guardian).setup(channel: channel, logger: logger)
        }
    }

    /// Serves the connection's requests.
    public func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }

    private func http1(observing guardian: ConnectionGuard?) -> HTTP1Channel {
        // Hummingbird's own idle timeout stays off: the guard keeps the clocks.
        HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: guardian.map { [RequestPartObserver($0)] } ?? []))
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with the guard's timeouts and connection limit; give the same limiter's
    /// `availableConnections` to `ApplicationConfiguration.availableConnectionsDelegate`.
    public static func guardedHTTP1(configuration: HTTPGuardConfiguration, limiter: ConnectionLimiter) -> HTTPServerBuilder {
        .init { responder in GuardedHTTP1Channel(responder: responder, configuration: configuration, limiter: limiter) }
    }
}
