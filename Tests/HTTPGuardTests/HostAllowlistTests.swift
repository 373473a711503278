import HTTPGuard
import Testing

@Suite struct HostAllowlistTests {
    static let list = HostAllowlist.loopback(port: BoundPort(8080), extra: ["Bench-Hub.example"])

    @Test(arguments: ["127.0.0.1:8080", "localhost:8080", "LocalHost:8080", "localhost.:8080", "[::1]:8080", "bench-hub.example:8080"])
    func allowed(_ host: String) {
        #expect(Self.list.allows(host))
    }

    @Test(arguments: [
        "evil.example:8080",  // DNS rebinding: the attacker's name resolved to 127.0.0.1
        "127.0.0.1.nip.io:8080", "127.0.0.1:8081", "localhost", "127.0.0.1:0", "127.0.0.1:99999", "127.0.0.1:", "[::1]8080",
        "[::1", ":8080", "127.0.0.2:8080",
    ])
    func refused(_ host: String) {
        #expect(!Self.list.allows(host))
    }

    @Test func missingHostIsRefused() {
        #expect(!Self.list.allows(nil))
    }

    @Test func portKnownOnlyOnceBound() {
        let port = BoundPort(0)
        let list = HostAllowlist.loopback(port: port)
        #expect(list.allows("localhost:1234"))
        port.set(4321)
        #expect(!list.allows("localhost:1234"))
        #expect(list.allows("localhost:4321"))
    }

    @Test func defaultPortMayBeOmitted() {
        #expect(HostAllowlist.loopback(port: BoundPort(80)).allows("localhost"))
        #expect(HostAllowlist.loopback(port: BoundPort(443)).allows("localhost"))
    }
}
