import HTTPGuard
import Testing

@Suite struct LoopbackTests {
    @Test(arguments: ["127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "[::1]", "0:0:0:0:0:0:0:1", "[::1%lo]",
                      "::ffff:127.0.0.1", "localhost", "LOCALHOST", "localhost."])
    func loopback(_ host: String) {
        #expect(isLoopback(host: host))
    }

    @Test(arguments: ["127.0.0.1.nip.io", "127.0.0.1.", "localhost.evil.example", "evil-localhost", "128.0.0.1", "10.0.0.1",
                      "0.0.0.0", "::", "::2", "::ffff:10.0.0.1", "127.1", "0x7f.0.0.1", "0177.0.0.1", "2130706433", "", "[::1",
                      "127.0.0.1:8080", " 127.0.0.1"])
    func notLoopback(_ host: String) {
        #expect(!isLoopback(host: host))
    }
}
