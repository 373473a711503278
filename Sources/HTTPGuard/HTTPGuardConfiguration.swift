import NIOCore

/// The limits one HTTP server puts on its connections (the hub and the kiosk share them).
///
/// - `headTimeout`: from the first byte of a request to the end of its head (request line and
///   headers). A client that trickles a head byte by byte (slowloris) is closed when it runs out,
///   however steadily the bytes come.
/// - `idleTimeout`: how long a connection may sit without a byte while no request is under way
///   (a new connection before its first byte, a kept-alive one between requests), and the
///   longest pause between two pieces of a request body.
/// - `maximumConnections`: connections held open at once. When a new one would go over, the
///   connection that has waited longest for a request head (idle, or trickling one) is closed to
///   make room, so idle sockets cannot lock out clients that send requests; when every connection
///   is busy with a request, new ones wait in the listen backlog.
public struct HTTPGuardConfiguration: Sendable, Hashable {
    /// Time allowed from a request's first byte to the end of its head.
    public var headTimeout: TimeAmount
    /// Time allowed without a byte while no request is under way, or between body pieces.
    public var idleTimeout: TimeAmount
    /// Connections held open at once (see ``effectiveMaximumConnections(openFileLimit:)``).
    public var maximumConnections: Int

    /// Creates a configuration; the defaults are 10 s for a head, 15 s idle and 4,096 connections.
    public init(headTimeout: TimeAmount = .seconds(10), idleTimeout: TimeAmount = .seconds(15), maximumConnections: Int = 4096) {
        self.headTimeout = headTimeout
        self.idleTimeout = idleTimeout
        self.maximumConnections = maximumConnections
    }

    /// The maximum to enforce under an open-file limit: every connection is a descriptor, and
    /// the process needs some for itself (the database and its journal, the listening socket,
    /// logs), so the maximum stays 64 below the limit.
    public func effectiveMaximumConnections(openFileLimit: Int) -> Int {
        max(1, min(maximumConnections, openFileLimit - 64))
    }
}
