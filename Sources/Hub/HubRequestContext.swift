import Hummingbird
import Synchronization

/// The request context of the hub's routes: what the middlewares found out before the handler
/// runs (the authenticated station, the bounded body).
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The station whose token came with the request (set by the station authentication).
    public var station: HubStore.Station?
    /// The integration whose token came with the request (set by `IntegrationAuthentication`).
    public var integration: HubStore.Integration?
    /// The request body, read by `JSONBody` within its route's limit.
    public var body: [UInt8] = []
    /// Where the exchange recorder wants the request body (only when recording).
    var recordedBody: RecordedBody?

    /// Creates the context for a request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Hummingbird's own limit for bodies it collects; the hub's routes read theirs through
    /// `JSONBody` with a limit per route.
    public var maxUploadSize: Int { 8 << 20 }

    /// The authenticated station; only routes behind `StationAuthentication` ask.
    func requireStation() throws(HubError) -> HubStore.Station {
        guard let station else { throw HubError(401, "missing_token", "Send the station's token as 'Authorization: Bearer TOKEN'.") }
        return station
    }
}

/// The request body as read, for the exchange recorder.
final class RecordedBody: Sendable {
    let bytes = Mutex<[UInt8]?>(nil)
}
