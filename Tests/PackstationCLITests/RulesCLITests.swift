import Foundation
import TestPeers
import Testing

/// Automation rules through the real `packstation-hub` binary: `serve --rules FILE`, orders
/// imported by another process are held, routed and re-prioritised as the rules say (what
/// stations get over HTTP); the file edited while the hub runs is reloaded, a bad one is refused
/// loudly and the rules in force stay; SIGHUP reloads; `rules check` and `rules dry-run` as the
/// admin sees them.
@Suite struct RulesCLITests {
    static let rules = """
        # Orders to the Canary Islands go by sea, express.
        [[rule]]
        name = "Islands"
        [rule.when]
        country = "ES"
        postcode = { ES = ["35", "38"] }
        [rule.then]
        carrier = "SEUR"
        service = "Islas"
        priority = "express"

        [[rule]]
        name = "Wholesale"
        [rule.when]
        channel = "b2b"
        [rule.then]
        station = "bench-b2b"
        notice = "Pallet label on every box"

        [[rule]]
        name = "Address check"
        [rule.when]
        flags = { any = ["address_check"] }
        [rule.then]
        hold = "Address to confirm with the customer"
        """

    static func order(_ id: String, postcode: String = "28013", channel: String? = nil, flags: [String] = []) -> String {
        let c = channel.map { #","channel":"\#($0)""# } ?? ""
        let f = flags.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"id":"\#(id)","status":"ready","payment":"captured","flags":[\#(f)]\#(c),"lines":[{"sku":"S-\#(id)","quantity":1}],"shipment":{"carrier":"DHL","service":"Express","from":{"name":"Shop","street":["x"],"city":"Getafe","country":"ES"},"to":{"name":"Ana","street":["y"],"city":"Madrid","postal_code":"\#(postcode)","country":"ES"}}}"#
    }

    /// `packstation-hub ARGUMENTS`: exit status, standard output and error.
    static func hub(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: HubProcess.binary)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// The ids of the queue a station gets over HTTP, and each order's JSON by id.
    static func queue(port: Int, token: String) throws -> (ids: [String], orders: [String: [String: Any]]) {
        let text = try MultiBoxCLITests.tool("/usr/bin/curl", ["-s", "--max-time", "5", "-H", "Authorization: Bearer \(token)", "http://127.0.0.1:\(port)/v1/orders/queue"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
        let orders = try #require(json["orders"] as? [[String: Any]])
        let ids = orders.compactMap { $0["id"] as? String }
        return (ids, Dictionary(uniqueKeysWithValues: orders.compactMap { o in (o["id"] as? String).map { ($0, o) } }))
    }

    /// Waits (up to 15 s) until `file` contains `text`; its contents.
    static func wait(for text: String, in file: String) -> String {
        let deadline = Date().addingTimeInterval(15)
        var contents = ""
        repeat {
            contents = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            if contents.contains(text) { return contents }
            usleep(50_000)
        } while Date() < deadline
        return contents
    }

    @Test func ordersImportedUnderRulesAreHeldRoutedAndRePrioritisedAndTheFileReloads() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hubProcess = try HubProcess(dir: dir)
        let db = hubProcess.db
        let bench1 = try hubProcess.addStation("bench-1")
        let b2b = try hubProcess.addStation("bench-b2b")
        let rulesFile = dir + "/rules.toml"
        try Self.rules.write(toFile: rulesFile, atomically: false, encoding: .utf8)

        let port = LoopbackPort.unused()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: HubProcess.binary)
        server.arguments = ["serve", "--db", db, "--port", "\(port)", "--rules", rulesFile]
        let outFile = dir + "/serve.out", errFile = dir + "/serve.err"
        FileManager.default.createFile(atPath: outFile, contents: nil)
        FileManager.default.createFile(atPath: errFile, contents: nil)
        server.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outFile))
        server.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
        try server.run()
        defer { if server.isRunning { server.terminate(); server.waitUntilExit() } }
        let deadline = Date().addingTimeInterval(30)
        while !LoopbackPort.isListening(port), server.isRunning, Date() < deadline { usleep(50_000) }
        try #require(LoopbackPort.isListening(port), "serve did not start: \(Self.wait(for: "", in: errFile))")
        #expect(Self.wait(for: "rules from", in: outFile).contains("rules from \(rulesFile): 3 rule(s); 0 open order(s) evaluated, 0 changed"))

        // Imported by another process while the hub serves: the rules in force apply.
        try hubProcess.importOrders([Self.order("PLAIN"), Self.order("ISL", postcode: "35001"), Self.order("B2B", channel: "b2b"), Self.order("ADDR", flags: ["address_check"])])
        let one = try Self.queue(port: port, token: bench1)
        #expect(one.ids == ["ISL", "PLAIN"], "express first; held and bench-b2b's orders are not served to bench-1")
        #expect(one.orders["ISL"]?["priority"] as? String == "express")
        #expect((one.orders["ISL"]?["shipment"] as? [String: Any])?["carrier"] as? String == "SEUR")
        let two = try Self.queue(port: port, token: b2b)
        #expect(two.ids == ["ISL", "B2B", "PLAIN"])
        #expect((two.orders["B2B"]?["rules"] as? [String: Any])?["notices"] as? [String] == ["Pallet label on every box"])
        let held = try MultiBoxCLITests.tool("/usr/bin/curl", ["-s", "-H", "Authorization: Bearer \(bench1)", "http://127.0.0.1:\(port)/v1/orders/lookup?barcode=ADDR"])
        #expect(held.contains(#""status":"on_hold""#) && held.contains(#""hold_reason":"Address to confirm with the customer""#), "\(held)")

        // The file edited while the hub runs: Islands no longer re-prioritises.
        try Self.rules.replacingOccurrences(of: "priority = \"express\"\n", with: "").write(toFile: rulesFile, atomically: false, encoding: .utf8)
        #expect(Self.wait(for: "rules reloaded", in: outFile).contains("rules reloaded from \(rulesFile) (the file changed): 3 rule(s); 4 open order(s) evaluated, 1 changed"))
        let after = try Self.queue(port: port, token: bench1).orders["ISL"]
        #expect(after?["priority"] == nil, "as imported: no priority given")
        #expect((after?["shipment"] as? [String: Any])?["carrier"] as? String == "SEUR")

        // A bad file is refused loudly; the rules in force stay.
        try (Self.rules + "\n[[rule]]\nname = \"Broken\"\n[rule.then]\npriority = \"urgent\"\n").write(toFile: rulesFile, atomically: false, encoding: .utf8)
        let refused = Self.wait(for: "the rules in force stay:", in: errFile)
        #expect(refused.contains("error: rules file \(rulesFile) refused (the file changed); the rules in force stay:\n\(rulesFile):29: then.priority must be one of standard, express, same_day, not \"urgent\""), "\(refused)")
        #expect(try Self.queue(port: port, token: bench1).ids == ["ISL", "PLAIN"])
        let shown = try Self.hub(["rules", "show", "--db", db])
        #expect(shown.out.contains("name = \"Islands\"") && !shown.out.contains("Broken"))

        // SIGHUP after the fix reloads it.
        try Self.rules.write(toFile: rulesFile, atomically: false, encoding: .utf8)
        kill(server.processIdentifier, SIGHUP)
        #expect(Self.wait(for: "(SIGHUP)", in: outFile).contains("rules reloaded from \(rulesFile) (SIGHUP): 3 rule(s)"))
        #expect(server.isRunning, "SIGHUP must reload, not end the hub")
        #expect(try Self.queue(port: port, token: bench1).orders["ISL"]?["priority"] as? String == "express")
    }

    @Test func checkAndDryRunAsTheAdminSeesThem() throws {
        let dir = try RunCLITests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hubProcess = try HubProcess(dir: dir)
        _ = try hubProcess.addStation("bench-b2b")
        try hubProcess.importOrders([Self.order("PLAIN"), Self.order("ISL", postcode: "38400"), Self.order("B2B", channel: "b2b")])
        let file = dir + "/rules.toml"
        try Self.rules.write(toFile: file, atomically: false, encoding: .utf8)

        let check = try Self.hub(["rules", "check", file, "--db", hubProcess.db])
        #expect(check.status == 0)
        #expect(check.out == """
            \(file): 3 rule(s), no problems
              line 3: "Islands" when country, postcode -> carrier, priority
              line 13: "Wholesale" when channel -> station, notice
              line 21: "Address check" when flags -> hold

            """)

        let dry = try Self.hub(["rules", "dry-run", file, "--db", hubProcess.db])
        #expect(dry.status == 0, "\(dry.err)")
        #expect(dry.out == """
            * B2B\tWholesale: station: bench-b2b; notice: Pallet label on every box
            * ISL\tIslands: carrier: DHL Express -> SEUR Islas; priority: standard -> express

            """)
        #expect(dry.err.hasPrefix("3 open order(s), 2 matched by a rule, 2 would change from what is recorded now; "))
        #expect(dry.err.contains("  Islands: 1 order(s)\n  Wholesale: 1 order(s)\n  Address check: 0 order(s)\n"))
        // Nothing changed: the queue is as imported.
        #expect(try hubProcess.command(["queue"]).split(separator: "\n").map { $0.split(separator: "\t")[1] } == ["standard", "standard", "standard"])

        let bad = dir + "/bad.toml"
        try "[[rule]]\nname = \"x\"\n[rule.when]\ncountry = \"Spain\"\n[rule.then]\nstation = \"bench-9\"\n".write(toFile: bad, atomically: false, encoding: .utf8)
        let refused = try Self.hub(["rules", "check", bad])
        #expect(refused.status == 1)
        #expect(refused.err == "error: \(bad) has 1 problem(s); nothing was changed.\n\(bad):4: when.country: \"Spain\" is not a two-letter ISO 3166 code in capitals, such as \"ES\"\n")
        let unknown = try Self.hub(["rules", "check", bad.replacingOccurrences(of: "bad", with: "rules"), "--db", hubProcess.db])
        #expect(unknown.status == 0)
        try Self.rules.replacingOccurrences(of: "bench-b2b", with: "bench-9").write(toFile: file, atomically: false, encoding: .utf8)
        let station = try Self.hub(["rules", "check", file, "--db", hubProcess.db])
        #expect(station.status == 1)
        #expect(station.err == "error: \(file): the rules route orders to 'bench-9', which the hub \(hubProcess.db) does not have; add it with `packstation-hub station add NAME` or fix the rule.\n")
        let start = try Self.hub(["serve", "--db", hubProcess.db, "--port", "0", "--rules", file])
        #expect(start.status == 1)
        #expect(start.err.hasPrefix("error: --rules \(file) refused; the hub did not start:\n\(file): the rules route orders to 'bench-9'"))
    }
}
