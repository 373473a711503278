import Hummingbird
import NIOCore

/// The kiosk's request context: Hummingbird's, plus the peer's address, so that the bench's own
/// screen (a browser on this machine) needs no token (KioskAccess).
public struct KioskRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connected client's address.
    public let remoteAddress: SocketAddress?

    /// Creates the context for a request on `source`'s connection.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
