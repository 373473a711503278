import Foundation
import Testing
@testable import PackCore

/// Reading a scanned document in place: member lookups that start after the member found last,
/// and a token buffer that grows past its first guess.
@Suite struct JSONTapeNodeTests {
    typealias SplitMix64 = JSONTapeTests.SplitMix64

    /// Shuffles the members of every object, so fields are read in another order than written.
    static func shuffled(_ value: JSONValue, _ random: inout SplitMix64) -> JSONValue {
        switch value {
        case .object(let members): .object(members.map { ($0.0, shuffled($0.1, &random)) }.shuffled(using: &random))
        case .array(let elements): .array(elements.map { shuffled($0, &random) })
        default: value
        }
    }

    static func decodeInPlace(_ text: String) -> Result<Order, OrderError> {
        do { return .success(try Order.decode(from: Array(text.utf8))) } catch { return .failure(error) }
    }

    static func decodeTree(_ tree: JSONValue) -> Result<Order, OrderError> {
        do { return .success(try Order.decode(from: tree)) } catch { return .failure(error) }
    }

    /// Whatever the order of the members, and with names written as escapes (compared as
    /// strings, not bytes), the lookup finds what the tree finds: the same order, or the same
    /// problems in the same order.
    @Test func membersAreFoundInAnyOrderAndSpelling() throws {
        let seed = JSONTapeTests.seeds[0]
        let good = try JSONParser.parse(Array(seed.utf8))
        let badText = seed.replacingOccurrences(of: #""id":"SO-100000","#, with: "")
            .replacingOccurrences(of: #""quantity":2"#, with: #""quantity":"2""#)
            .replacingOccurrences(of: #""country":"PL""#, with: #""country":"Poland""#)
        let bad = try JSONParser.parse(Array(badText.utf8))
        let expectedGood = try #require(try? Self.decodeTree(good).get())
        guard case .failure(let expectedBad) = Self.decodeTree(bad) else {
            Issue.record("the broken order decoded")
            return
        }
        #expect(expectedBad.problems.map(\.description) == [
            "id: is required",
            #"lines[1].quantity: must be a number, found a string"#,
            #"shipment.to.country: must be a two-letter ISO 3166 code such as "DE", found "Poland""#,
        ])
        var random = SplitMix64(state: 99)
        for round in 0..<300 {
            for (tree, expected) in [(good, Result<Order, OrderError>.success(expectedGood)), (bad, .failure(expectedBad))] {
                var text = Self.shuffled(tree, &random).jsonText
                if round % 3 == 1 {
                    text = text.replacingOccurrences(of: #""sku":"#, with: #""\u0073ku":"#)
                        .replacingOccurrences(of: #""city":"#, with: #""c\u0069ty":"#)
                        .replacingOccurrences(of: #""payment":"#, with: #""paym\u0065nt":"#)
                }
                #expect(Self.decodeInPlace(text) == expected, "round \(round): \(text)")
            }
        }
    }

    /// A name canonically equal to a wanted one (KELVIN SIGN for K) is that member, as
    /// `String ==` and the duplicate check say; a name that differs only after the first
    /// byte, or only in length, is not.
    @Test func namesAreComparedAsStrings() throws {
        let order = #"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1}],"#
        #expect(Self.decodeInPlace(order + #""notez":"x","note":"y","notes":"z"}"#).map(\.notes) == .success("z"))
        let kelvin = try JSONDocument(parsing: Array(#"{"\u212Aey":1}"#.utf8))
        let found = try kelvin.tape.withRoot { root throws(OrderError) -> [Bool] in
            var object = root
            return [object.member("Key") != nil, object.member("key") != nil, object.member("Ke") != nil, object.member("Key") != nil]
        }
        #expect(found == [true, false, false, true])
    }

    /// Documents with far more tokens than the first guess (one per eight bytes) scan whole,
    /// and an error after the buffer grew points where the reference parser points.
    @Test func theTokenBufferGrows() throws {
        let count = 50_000
        let zeros = "[" + Array(repeating: "0", count: count).joined(separator: ",") + "]"
        #expect(try JSONParser.parse(Array(zeros.utf8)) == .array(Array(repeating: .number("0"), count: count)))
        let document = try JSONDocument(parsing: Array(zeros.utf8))
        #expect(document.elements(of: document.root)?.count == count)
        let broken = Array((zeros.dropLast() + ",x]").utf8)
        var found = "", expected = ""
        do { _ = try JSONParser.parse(broken) } catch { found = error.description }
        do { _ = try ReferenceJSONParser.parse(broken) } catch { expected = error.description }
        #expect(!found.isEmpty && found == expected)
    }
}
