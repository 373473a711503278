import Foundation
import Sync
import Testing

@Suite struct SyncConfigurationTests {
    static let base = ["PACKSTATION_SERVER_URL": "https://oms.example.com", "PACKSTATION_TOKEN": "7.s3cr3t-token-value"]

    @Test(arguments: [
        (["PACKSTATION_SERVER_URL": "ftp://x"], "server.url"),
        (["PACKSTATION_SERVER_URL": "not a url"], "server.url"),
        (["PACKSTATION_TOKEN": "has space"], "server.token"),
        (["PACKSTATION_CA_FILE": "/nonexistent/ca.pem"], "server.ca_file"),
        (["PACKSTATION_CLIENT_CERT": "/etc/hostname"], "server.client_key"),
        (["PACKSTATION_CLIENT_KEY": "/etc/hostname"], "server.client_cert"),
        (["PACKSTATION_SYNC_BATCH_SIZE": "0"], "sync.batch_size"),
        (["PACKSTATION_SYNC_BATCH_SIZE": "many"], "sync.batch_size"),
        (["PACKSTATION_TOKEN_FILE": "/nonexistent/token"], "server.token_file"),
    ])
    func aWrongKeyIsNamed(overrides: [String: String], key: String) {
        var env = Self.base.merging(overrides) { _, new in new }
        if overrides["PACKSTATION_TOKEN_FILE"] != nil { env["PACKSTATION_TOKEN"] = nil }
        let error = #expect(throws: SyncError.self) { try SyncConfiguration.fromEnvironment(env) }
        #expect(error?.message.contains("Configuration key \(key) (") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("s3cr3t") == false)
    }

    @Test func missingServerAndTokenSayWhatToSet() {
        let noURL = #expect(throws: SyncError.self) { try SyncConfiguration.fromEnvironment([:]) }
        #expect(noURL?.message.contains("PACKSTATION_SERVER_URL") == true)
        let noToken = #expect(throws: SyncError.self) { try SyncConfiguration.fromEnvironment(["PACKSTATION_SERVER_URL": "http://127.0.0.1:1"]) }
        #expect(noToken?.message.contains("PACKSTATION_TOKEN") == true)
    }

    @Test func theTokenNeverPrints() throws {
        let config = try SyncConfiguration.fromEnvironment(Self.base)
        #expect(config.token.value == "7.s3cr3t-token-value")
        for text in [config.description, "\(config)", String(reflecting: config), String(describing: config.token), "\(Mirror(reflecting: config).children.map { "\($0.value)" })"] {
            #expect(!text.contains("s3cr3t"), "\(text)")
        }
    }

    @Test func theTokenComesFromAFile() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let file = dir.path + "/token"
        try "9.abcdef\n".write(toFile: file, atomically: true, encoding: .utf8)
        let config = try SyncConfiguration.fromEnvironment(["PACKSTATION_SERVER_URL": "http://127.0.0.1:8080/", "PACKSTATION_TOKEN_FILE": file])
        #expect(config.token.value == "9.abcdef")
        #expect(config.serverURL == "http://127.0.0.1:8080")
    }

    @Test func aCAFileThatHoldsNoCertificateIsNamed() throws {
        let config = try SyncConfiguration(serverURL: "https://127.0.0.1:1", token: Secret("1.x"), caFile: "/etc/hostname")
        let error = #expect(throws: SyncError.self) { try HubClient(configuration: config) }
        #expect(error?.message.contains("server.ca_file") == true)
    }
}
