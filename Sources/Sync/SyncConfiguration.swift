import Foundation

/// How the agent reaches the central server.
///
/// Keys (environment variable in brackets):
/// - `server.url` (`PACKSTATION_SERVER_URL`): `http://` or `https://host[:port]`, required.
/// - `server.token` (`PACKSTATION_TOKEN`, or `server.token_file` / `PACKSTATION_TOKEN_FILE`):
///   the station's bearer token; secret, never printed.
/// - `server.ca_file` (`PACKSTATION_CA_FILE`): PEM CA bundle to trust instead of the system CAs.
/// - `server.client_cert` / `server.client_key` (`PACKSTATION_CLIENT_CERT` / `PACKSTATION_CLIENT_KEY`):
///   PEM client certificate and key, both or neither.
/// - `sync.batch_size` (`PACKSTATION_SYNC_BATCH_SIZE`): entries per request, 1...1000, default 500.
/// - `sync.prefetch_interval_seconds` (`PACKSTATION_SYNC_PREFETCH_INTERVAL_SECONDS`): how often
///   the order cache asks the server for changes, 5...3600, default 60.
/// - `sync.order_cache_max` (`PACKSTATION_SYNC_ORDER_CACHE_MAX`): the most orders the offline
///   cache keeps, 100...1,000,000, default 50,000.
public struct SyncConfiguration: Sendable, CustomStringConvertible {
    /// The server's base URL, e.g. `https://oms.example.com`.
    public var serverURL: String
    /// The station's bearer token (secret).
    public var token: Secret
    /// A PEM CA bundle trusted instead of the system CAs.
    public var caFile: String?
    /// A PEM client certificate.
    public var clientCertificate: String?
    /// The PEM key of the client certificate.
    public var clientKey: String?
    /// Outbox entries per request.
    public var batchSize: Int
    /// Per-request timeout.
    public var requestTimeout: Duration
    /// How often the order cache is brought up to date.
    public var prefetchInterval: Duration = .seconds(60)
    /// The most orders the offline cache keeps.
    public var orderCacheMaximum = 50_000

    /// Creates a configuration, checking every key.
    public init(serverURL: String, token: Secret, caFile: String? = nil, clientCertificate: String? = nil, clientKey: String? = nil, batchSize: Int = 500, requestTimeout: Duration = .seconds(30)) throws(SyncError) {
        self.serverURL = serverURL.hasSuffix("/") ? String(serverURL.dropLast()) : serverURL
        self.token = token
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.batchSize = batchSize
        self.requestTimeout = requestTimeout
        try validate()
    }

    private func validate() throws(SyncError) {
        guard let url = URL(string: serverURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw Self.keyError("server.url", "must be http://host[:port] or https://host[:port], not '\(serverURL)'")
        }
        guard !token.value.isEmpty, !token.value.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw Self.keyError("server.token", "is empty or contains spaces; run `packstation-hub station add NAME` on the server and use the token it prints")
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw Self.keyError("server.ca_file", "names \(caFile), which does not exist or cannot be read")
        }
        switch (clientCertificate, clientKey) {
        case (nil, nil): break
        case (.some, nil): throw Self.keyError("server.client_key", "is missing: a client certificate needs its key")
        case (nil, .some): throw Self.keyError("server.client_cert", "is missing: a client key needs its certificate")
        case (.some(let cert), .some(let key)):
            if !FileManager.default.isReadableFile(atPath: cert) { throw Self.keyError("server.client_cert", "names \(cert), which does not exist or cannot be read") }
            if !FileManager.default.isReadableFile(atPath: key) { throw Self.keyError("server.client_key", "names \(key), which does not exist or cannot be read") }
        }
        guard (1...1000).contains(batchSize) else { throw Self.keyError("sync.batch_size", "must be between 1 and 1000, not \(batchSize)") }
        let interval = prefetchInterval.components.seconds
        guard (5...3600).contains(interval) else { throw Self.keyError("sync.prefetch_interval_seconds", "must be between 5 and 3600, not \(interval)") }
        guard (100...1_000_000).contains(orderCacheMaximum) else { throw Self.keyError("sync.order_cache_max", "must be between 100 and 1000000, not \(orderCacheMaximum)") }
    }

    static func keyError(_ key: String, _ text: String) -> SyncError {
        SyncError(code: "config.\(key)", message: "Configuration key \(key) (\(environmentName[key] ?? key)) \(text).")
    }

    static let environmentName = [
        "server.url": "PACKSTATION_SERVER_URL", "server.token": "PACKSTATION_TOKEN", "server.token_file": "PACKSTATION_TOKEN_FILE",
        "server.ca_file": "PACKSTATION_CA_FILE", "server.client_cert": "PACKSTATION_CLIENT_CERT",
        "server.client_key": "PACKSTATION_CLIENT_KEY", "sync.batch_size": "PACKSTATION_SYNC_BATCH_SIZE",
        "sync.prefetch_interval_seconds": "PACKSTATION_SYNC_PREFETCH_INTERVAL_SECONDS", "sync.order_cache_max": "PACKSTATION_SYNC_ORDER_CACHE_MAX",
    ]

    /// Reads the configuration from environment variables (see the type's keys).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(SyncError) -> SyncConfiguration {
        guard let url = env["PACKSTATION_SERVER_URL"], !url.isEmpty else {
            throw keyError("server.url", "is not set; set it to the central server's address, e.g. https://oms.example.com")
        }
        var token = env["PACKSTATION_TOKEN"]
        if token == nil, let file = env["PACKSTATION_TOKEN_FILE"] {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw keyError("server.token_file", "names \(file), which does not exist or cannot be read")
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let token else { throw keyError("server.token", "is not set; set PACKSTATION_TOKEN or PACKSTATION_TOKEN_FILE") }
        var batch = 500
        if let text = env["PACKSTATION_SYNC_BATCH_SIZE"] {
            guard let n = Int(text) else { throw keyError("sync.batch_size", "must be a whole number, not '\(text)'") }
            batch = n
        }
        var configuration = try SyncConfiguration(
            serverURL: url, token: Secret(token), caFile: env["PACKSTATION_CA_FILE"], clientCertificate: env["PACKSTATION_CLIENT_CERT"],
            clientKey: env["PACKSTATION_CLIENT_KEY"], batchSize: batch)
        if let text = env["PACKSTATION_SYNC_PREFETCH_INTERVAL_SECONDS"] {
            guard let n = Int(text) else { throw keyError("sync.prefetch_interval_seconds", "must be a whole number of seconds, not '\(text)'") }
            configuration.prefetchInterval = .seconds(n)
        }
        if let text = env["PACKSTATION_SYNC_ORDER_CACHE_MAX"] {
            guard let n = Int(text) else { throw keyError("sync.order_cache_max", "must be a whole number, not '\(text)'") }
            configuration.orderCacheMaximum = n
        }
        try configuration.validate()
        return configuration
    }

    public var description: String {
        "SyncConfiguration(server.url: \(serverURL), server.token: \(token), server.ca_file: \(caFile ?? "system CAs"), server.client_cert: \(clientCertificate ?? "none"), sync.batch_size: \(batchSize))"
    }
}

/// A secret string (a token) that prints as `<redacted>` in logs, errors and descriptions.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself; read it only to send it.
    public let value: String
    /// Wraps a secret.
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
