import Foundation
import Station
import Testing

/// The dock's and the kiosk language's keys of station.toml: read with their defaults, and a bad
/// value refused with the key named and what it must be.
@Suite struct StationConfigurationDockTests {
    @Test func refreshAndLanguageAreRead() throws {
        let c = try StationConfigurationPackerTests.load("[station]\ndock_refresh_seconds = 15\n\n[kiosk]\nlanguage = \"es\"\n")
        #expect(c.dockRefreshSeconds == 15 && c.kioskLanguage == "es")
        let defaults = try StationConfigurationPackerTests.load("")
        #expect(defaults.dockRefreshSeconds == 60 && defaults.kioskLanguage == "en")
        let env = try StationConfiguration.load(file: nil, environment: ["PACKSTATION_KIOSK_LANGUAGE": "es", "PACKSTATION_STATION_DOCK_REFRESH_SECONDS": "3600"], searchPath: [])
        #expect(env.kioskLanguage == "es" && env.dockRefreshSeconds == 3600)
    }

    @Test(arguments: [
        ("[station]\ndock_refresh_seconds = 4\n", "station.dock_refresh_seconds", "must be 5 to 3600 seconds, not 4"),
        ("[station]\ndock_refresh_seconds = 3601\n", "station.dock_refresh_seconds", "must be 5 to 3600 seconds, not 3601"),
        ("[station]\ndock_refresh_seconds = \"60\"\n", "station.dock_refresh_seconds", "must be"),
        ("[kiosk]\nlanguage = \"fr\"\n", "kiosk.language", "must be en or es, not 'fr'"),
        ("[kiosk]\nlanguage = \"ES\"\n", "kiosk.language", "must be en or es, not 'ES'"),
    ])
    func aBadValueIsNamed(text: String, key: String, message: String) {
        do {
            _ = try StationConfigurationPackerTests.load(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.contains(key) && error.message.contains(message), "\(error.message)")
        }
    }
}
