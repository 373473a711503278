import Foundation
import Testing
@testable import Station

/// The configuration refuses what would expose the station: a kiosk beyond loopback without a
/// token, a malformed token; and knows a plain-http server beyond this machine when it sees one.
@Suite struct SecureDefaultsTests {
    static func load(_ env: [String: String]) throws(StationError) -> StationConfiguration {
        try StationConfiguration.load(environment: env, searchPath: [])
    }

    /// Loopback by parsing the URL's host, never by its first characters.
    @Test(arguments: [
        ("http://10.0.0.5:8080", true), ("http://hub.example", true), ("HTTP://Hub.Example:80/", true),
        ("http://127.0.0.1.nip.io:8080", true), ("http://127.0.0.1@hub.example/", true), ("http://127.1:8080", true),
        ("http://[::2]:8080", true), ("http://0x7f.0.0.1/", true),
        ("http://127.0.0.1:8080", false), ("http://127.9.8.7", false), ("http://localhost:8080", false), ("http://[::1]:8080", false),
        ("https://10.0.0.5:8443", false), ("https://127.0.0.1.nip.io", false),
    ])
    func aPlainHTTPServerBeyondThisMachineIsAProblem(url: String, insecure: Bool) throws {
        let config = try Self.load(["PACKSTATION_SERVER_URL": url, "PACKSTATION_TOKEN": "1.abc"])
        #expect((config.insecureServerWarning != nil) == insecure, "\(url): \(config.insecureServerWarning ?? "no warning")")
        if insecure {
            let warning = try #require(config.insecureServerWarning)
            #expect(warning.contains("unencrypted") && warning.contains("https://") && warning.contains("server.allow_insecure = true"))
            let allowed = try Self.load(["PACKSTATION_SERVER_URL": url, "PACKSTATION_TOKEN": "1.abc", "PACKSTATION_SERVER_ALLOW_INSECURE": "true"])
            #expect(allowed.insecureServerWarning == nil && allowed.allowInsecureServer)
        }
    }

    @Test func noServerNoWarning() throws {
        #expect(try Self.load([:]).insecureServerWarning == nil)
    }

    @Test(arguments: ["0.0.0.0:8470", "[::]:8470", "192.168.1.20:8470", "127.0.0.1.nip.io:8470"])
    func aKioskBeyondLoopbackNeedsAToken(listen: String) throws {
        #expect { try Self.load(["PACKSTATION_KIOSK_LISTEN": listen]) } throws: { error in
            let e = error as? StationError
            return e?.code == "config.kiosk.listen" && e!.message.contains("kiosk.token is not set") && e!.message.contains("?token=TOKEN")
        }
        let config = try Self.load(["PACKSTATION_KIOSK_LISTEN": listen, "PACKSTATION_KIOSK_TOKEN": "0123456789abcdef0123"])
        #expect(config.kioskToken == "0123456789abcdef0123")
        #expect(config.describe().contains("kiosk.token = <redacted>  # PACKSTATION_KIOSK_TOKEN"), "the token is never printed")
    }

    @Test(arguments: ["127.0.0.1:8470", "localhost:8470", "[::1]:8470", "127.0.0.2:0"])
    func aKioskOnLoopbackNeedsNone(listen: String) throws {
        #expect(try Self.load(["PACKSTATION_KIOSK_LISTEN": listen]).kioskToken == nil)
    }

    @Test(arguments: ["short", "has space in it 0123", "ümlaut-0123456789abc", "semi;colon0123456789", "quote\"0123456789abcdef"])
    func aTokenThatCannotTravelInAnAddressIsRefused(token: String) {
        #expect { try Self.load(["PACKSTATION_KIOSK_TOKEN": token]) } throws: { error in
            (error as? StationError)?.code == "config.kiosk.token" && (error as? StationError)?.message.contains("openssl rand -hex 16") == true
        }
    }

    @Test func theKiosksTimeoutsAndLimitAreConfigurableWithinBounds() throws {
        let defaults = try Self.load([:]).kioskLimits
        #expect(defaults.headTimeout == 10 && defaults.idleTimeout == 15 && defaults.maximumConnections == 256, "defaults of 15 s or less")
        let set = try Self.load(["PACKSTATION_KIOSK_HEAD_TIMEOUT_SECONDS": "2", "PACKSTATION_KIOSK_IDLE_TIMEOUT_SECONDS": "3", "PACKSTATION_KIOSK_MAX_CONNECTIONS": "9"]).kioskLimits
        #expect(set.headTimeout == 2 && set.idleTimeout == 3 && set.maximumConnections == 9)
        for (key, value) in [("PACKSTATION_KIOSK_HEAD_TIMEOUT_SECONDS", "0"), ("PACKSTATION_KIOSK_IDLE_TIMEOUT_SECONDS", "-1"), ("PACKSTATION_KIOSK_MAX_CONNECTIONS", "0")] {
            #expect { try Self.load([key: value]) } throws: { error in
                (error as? StationError)?.message.contains("must be 1 to") == true && (error as? StationError)?.message.contains(key) == true
            }
        }
    }
}
