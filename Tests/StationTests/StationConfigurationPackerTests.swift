import Foundation
import Station
import Testing

/// The packer keys of station.toml: badges with names, a prefix, require_packer, the idle
/// timeout; a bad value names the key and the line and says how to write it.
@Suite struct StationConfigurationPackerTests {
    static func load(_ text: String) throws(StationError) -> StationConfiguration {
        let file = NSTemporaryDirectory() + "packer-\(UUID().uuidString).toml"
        try? text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try StationConfiguration.load(file: file, environment: [:], searchPath: [])
    }

    @Test func badgesPrefixRequireAndTimeoutAreRead() throws {
        let c = try Self.load("[station]\npacker_badges = [\"B-7=Ana Silva\", \"B-8\"]\npacker_badge_prefix = \"PK-\"\nrequire_packer = true\npacker_idle_minutes = 5\n")
        #expect(c.packerBadges == ["B-7": "Ana Silva", "B-8": "B-8"])
        #expect(c.packerBadgePrefix == "PK-" && c.requirePacker && c.packerIdleMinutes == 5)
        let defaults = try Self.load("")
        #expect(defaults.packerBadges.isEmpty && defaults.packerBadgePrefix == nil && !defaults.requirePacker && defaults.packerIdleMinutes == 30)
    }

    @Test(arguments: [
        ("[station]\npacker_badges = [\"=Ana\"]\n", "station.packer_badges", "has \"=Ana\"; write \"BADGE\" or \"BADGE=Name\""),
        ("[station]\npacker_badges = [\"B-7=\"]\n", "station.packer_badges", "has \"B-7=\"; write \"BADGE\" or \"BADGE=Name\""),
        ("[station]\npacker_badges = [\"B-7=Ana\", \"B-7=Ben\"]\n", "station.packer_badges", "lists badge B-7 twice"),
        ("[station]\nsupervisor_badges = [\"S-1\"]\npacker_badges = [\"S-1\"]\n", "station.packer_badges", "also in station.supervisor_badges"),
        ("[station]\npacker_badge_prefix = \"\"\n", "station.packer_badge_prefix", "must not be empty; remove the key for no prefix"),
        ("[station]\npacker_badge_prefix = \"cmd:x\"\n", "station.packer_badge_prefix", "must not start with CMD:"),
        ("[station]\npacker_idle_minutes = -1\n", "station.packer_idle_minutes", "must be 0 (never) to 1440, not -1"),
        ("[station]\nrequire_packer = \"yes\"\n", "station.require_packer", "must be"),
    ])
    func aBadPackerKeyIsNamed(text: String, key: String, message: String) {
        do {
            _ = try Self.load(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.contains(key) && error.message.contains(message), "\(error.message)")
        }
    }
}
