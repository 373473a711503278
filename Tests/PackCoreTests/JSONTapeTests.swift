import Foundation
import Testing
@testable import PackCore

/// The one-pass scanner against the recursive parser it replaced (`ReferenceJSONParser`), and
/// duplicate member names found in linear work.
@Suite struct JSONTapeTests {
    /// Deterministic, so a failing case can be replayed from its seed and round.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds: [String] = [
        #"{"id":"SO-100000","barcodes":["ORD-100000","TOTE-0000"],"status":"ready","payment":"captured","priority":"standard","value":{"amount":"555.84","currency":"EUR"},"flags":["gift","fragile"],"lines":[{"sku":"BOOK-42","description":"Paperback, 42 pages","quantity":1,"barcodes":["4000000000006"],"dimensions_mm":{"length":200,"width":130,"height":15},"weight_g":210},{"sku":"HS","quantity":2,"serialized":true,"barcodes":["4006381333931"]}],"shipment":{"carrier":"DHL","service":"Paket","tracking":"JJD000390000000000000","from":{"name":"Northwind Fulfilment","street":["Hafenstra\u00dfe 12"],"city":"Hamburg","postal_code":"20457","country":"DE","phone":"+49 40 123456"},"to":{"name":"Łukasz Żółkiewski","street":["ul. Długa 5/7","Hinterhaus 0"],"city":"Gdańsk","postal_code":"80-827","country":"PL"},"packages":1,"label":{"format":"zpl","data":"XlhBXlha"}},"notes":"Customer asked: \"no plastic filler\".\nLeave at the back door.","gift_message":"Happy birthday! \u2764 \ud83d\ude00"}"#,
        "\u{FEFF}[1, -2.50, 1e3, 0.5E-7, true, false, null, \"\", {}, [], {\"a\": [{\"b\": null}]}]\r\n",
        #"{"é":1,"e\u0301":2}"#,
        #"{"a":1,"\u0061":2,"K":"\u212A"}"#,
        "{\n  \"text\": \"tab\\tquote\\\" slash\\/ back\\\\ \\b\\f\\r \\uD834\\uDD1E\",\n  \"n\": -0\n}",
    ]

    static let interesting: [UInt8] = Array(#""\{}[],:0-e.u+ "#.utf8) + [0x00, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF]

    static func mutate(_ input: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...3, using: &random) where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: bytes[at] = interesting.randomElement(using: &random)!
            case 1: bytes.remove(at: at)
            case 2: bytes.insert(interesting.randomElement(using: &random)!, at: at)
            case 3: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + Int.random(in: 1...12, using: &random))], at: at)
            default: bytes.removeSubrange(at...)
            }
        }
        return bytes
    }

    static func outcome(_ parse: () throws(JSONSyntaxError) -> JSONValue) -> String {
        do { return "value \(try parse())" } catch { return "error \(error)" }
    }

    @Test(arguments: 0..<seeds.count)
    func agreesWithTheReferenceParserOnMutatedDocuments(seed: Int) {
        var random = SplitMix64(state: UInt64(seed) &* 7919)
        let original = Array(Self.seeds[seed].utf8)
        var errors = 0
        for round in 0..<1_500 {
            let bytes = round == 0 ? original : Self.mutate(original, &random)
            let expected = Self.outcome { () throws(JSONSyntaxError) in try ReferenceJSONParser.parse(bytes) }
            let found = Self.outcome { () throws(JSONSyntaxError) in try JSONParser.parse(bytes) }
            #expect(found == expected, "seed \(seed) round \(round): \(String(decoding: bytes, as: UTF8.self))")
            if expected.hasPrefix("error") { errors += 1 }
        }
        // The mutations must reach the error paths, or the comparison proves little.
        #expect(errors > 300)
    }

    @Test func ordersDecodedInPlaceEqualOrdersDecodedFromTheTree() {
        var random = SplitMix64(state: 42)
        let original = Array(Self.seeds[0].utf8)
        var decoded = 0
        for round in 0..<1_500 {
            let bytes = round == 0 ? original : Self.mutate(original, &random)
            let expected: Result<Order, OrderError>
            do {
                let tree = try ReferenceJSONParser.parse(bytes)
                do { expected = .success(try Order.decode(from: tree)) } catch { expected = .failure(error) }
            } catch {
                expected = .failure(OrderError(problems: [.init(path: "$", message: "is not JSON: \(error)")]))
            }
            let found: Result<Order, OrderError>
            do { found = .success(try Order.decode(from: bytes)) } catch { found = .failure(error) }
            #expect(found == expected, "round \(round): \(String(decoding: bytes, as: UTF8.self))")
            if case .success = found { decoded += 1 }
        }
        #expect(decoded > 50)
    }

    /// Names checked to add each member of a `members`-member object (all names distinct).
    func nameChecks(members: Int) throws -> Int {
        let text = "{" + (0..<members).map { "\"member\($0)\":\($0)" }.joined(separator: ",") + "}"
        var statistics = JSONTape.Statistics()
        _ = try JSONTape(Array(text.utf8), statistics: &statistics)
        return statistics.nameChecks
    }

    @Test func duplicateNamesAreFoundInLinearWork() throws {
        let small = try nameChecks(members: 40_000)
        let large = try nameChecks(members: 160_000)
        // Four times the members, four times the work (the linear scan per member did 16 times).
        #expect(Double(large) / Double(small) < 4.4, "\(small) → \(large)")
        #expect(large < 3 * 160_000, "\(large) name checks for 160,000 members")
    }

    @Test func aDuplicateAfterManyMembersIsRefusedWithItsLineAndColumn() {
        let members = (0..<160_000).map { "\"member\($0)\": \($0)" }
        let text = "{\n" + members.joined(separator: ",\n") + ",\n\"member7\": true\n}"
        #expect {
            try JSONParser.parse(text)
        } throws: { error in
            (error as? JSONSyntaxError)?.description == "line 160002, column 16: member \"member7\" appears twice"
        }
    }

    @Test(arguments: [
        ("{\"\u{E9}\":1,\"e\u{301}\":2}", "e\u{301}"),  // NFC and NFD
        (#"{"a":1,"\u0061":2}"#, "a"),
        ("{\"K\":1,\"\\u212A\":2}", "\u{212A}"),  // the Kelvin sign is K
    ])
    func namesAreComparedAsStringsCompareThem(text: String, name: String) {
        // Canonically equivalent names are one name, in small objects and in hashed large ones.
        for padding in [0, 40] {
            let padded = text.replacingOccurrences(of: "{", with: "{" + (0..<padding).map { "\"f\($0)\":0," }.joined())
            let expected = "line 1, column \(padded.utf8.count): member \"\(name)\" appears twice"
            #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(padded) }
            do { _ = try JSONParser.parse(padded) } catch { #expect(error.description == expected) }
            do { _ = try ReferenceJSONParser.parse(padded) } catch { #expect(error.description == expected) }
        }
    }
}
