import Foundation
import GRDB
import Hub
import PackCore
import Testing

/// A hub database written before keys were scoped per station (migration "v1" only) opens with
/// its results kept, and from then on follows the new rules.
@Suite struct HubMigrationTests {
    @Test func aVersionOneDatabaseKeepsItsResultsAndScopesKeysPerStation() async throws {
        let dir = NSTemporaryDirectory() + "packstation-hub-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/hub.sqlite"
        let item = HubAuthorizationTests.packResult("ANY", key: "k-1")
        let body = try #require(try JSONParser.parse(item)["body"])
        try Self.writeVersionOne(path: path, result: body.jsonText)
        let store = try HubStore(path: path)
        let server = FixtureServer(HubServer(api: HubAPI(store: store), host: "127.0.0.1", port: 0))
        defer { server.stop() }
        let port = await server.port()
        #expect(try await store.summary()["results"] == .int(1))
        #expect(try await store.listResults(orderID: "ANY", limit: 10).first?["station"] == "bench-1")
        // Its pack time counts in the packers' table, which reads what later migrations derived from it.
        let packers = try store.listPackerResults()
        #expect(packers.count == 1 && packers.first?["results"] == .int(1) && packers.first?["mean_pack_seconds"] == .number("60.0"), "\(packers)")
        func post(_ item: String, token: String) async -> (Int, JSONValue?) {
            let r = await HTTPTestClient.send(port: port, "POST", "/v1/results", headers: [("Authorization", "Bearer " + token), ("Content-Type", "application/json")], body: Array(HubAuthorizationTests.batch(item).utf8))
            return (r.status, try? JSONParser.parse(r.body))
        }
        // The old result got its digest: sent again it is a duplicate, changed it is a reused key.
        let again = await post(item, token: "1.secret")
        #expect(again.0 == 200 && again.1?["duplicates"] == .int(1))
        let changed = await post(HubAuthorizationTests.packResult("ANY", key: "k-1", outcome: "short_shipped"), token: "1.secret")
        #expect(changed.0 == 409 && changed.1?["error"]?["code"] == "key_reused")
        let tokenA = try store.addStation(name: "bench-a")
        // The same key from another station is a result of its own now.
        let item2 = HubAuthorizationTests.packResult("ANY", key: "k-1", station: "bench-a")
        let other = await post(item2, token: tokenA)
        #expect(other.0 == 200 && other.1?["stored"] == .int(1), "\(String(describing: other.1))")
        #expect(try await store.summary()["results"] == .int(2))
    }

    /// The v1 schema as the hub wrote it, with one station (token 1.secret), one packed order
    /// and its result.
    static func writeVersionOne(path: String, result body: String) throws {
        // The v1 schema as the hub wrote it, with one station, one order and one result.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1');
                CREATE TABLE stations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, token_sha256 TEXT NOT NULL, created_at REAL NOT NULL, last_seen REAL, status TEXT);
                CREATE TABLE orders (id TEXT PRIMARY KEY, body TEXT NOT NULL, status TEXT NOT NULL, station_id INTEGER REFERENCES stations(id), imported_at REAL NOT NULL, packed_at REAL, packed_outcome TEXT);
                CREATE TABLE order_barcodes (barcode TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE);
                CREATE TABLE results (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, station_id INTEGER NOT NULL REFERENCES stations(id), type TEXT NOT NULL, order_id TEXT, body TEXT NOT NULL, received_at REAL NOT NULL);
                CREATE INDEX results_order ON results(order_id);
                CREATE TABLE label_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, station_id INTEGER NOT NULL REFERENCES stations(id), orders TEXT NOT NULL, total INTEGER NOT NULL, printed INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'queued', updated_at REAL NOT NULL);
                """)
            try db.execute(sql: "INSERT INTO stations (name, token_sha256, created_at) VALUES ('bench-1', ?, 0)", arguments: [try Self.sha256("1.secret")])
            try db.execute(sql: "INSERT INTO orders (id, body, status, imported_at, packed_at, packed_outcome) VALUES ('ANY', ?, 'ready', 0, 1, 'packed')", arguments: [HubFixture.order("ANY")])
            try db.execute(sql: "INSERT INTO results (key, station_id, type, order_id, body, received_at) VALUES ('k-1', 1, 'pack_result', 'ANY', ?, 1)", arguments: [body])
        }
        try queue.close()
    }

    /// SHA-256 in hex, by coreutils (the hub's own is internal).
    static func sha256(_ text: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }
}
