import Foundation
import NIOCore
import NIOPosix

extension HubClient {
    /// Whether the server's port refuses connections right now (a TCP connect answered by a
    /// reset or an unreachable host within `timeout`): the server is down, not slow. A connect
    /// that succeeds or times out says nothing for sure, so it is false.
    ///
    /// AsyncHTTPClient retries a refused connection until the request's deadline, so a lookup
    /// alone would wait its whole timeout to learn what this learns in a millisecond.
    func refusesConnections(timeout: Duration = .milliseconds(250)) async -> Bool {
        guard let url = URL(string: configuration.serverURL), let host = url.host else { return false }
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(timeout.milliseconds))
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            try? await channel.close()
            return false
        } catch let error as NIOConnectionError {
            return error.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == ECONNREFUSED || ($0.error as? IOError)?.errnoCode == EHOSTUNREACH || ($0.error as? IOError)?.errnoCode == ENETUNREACH }
        } catch let error as IOError {
            return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode)
        } catch {
            return false
        }
    }
}
