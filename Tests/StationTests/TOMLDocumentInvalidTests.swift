import Foundation
import Station
import Testing

/// Documents TOML v1.0.0 forbids: each is refused with the line at fault and a message that
/// says what to write instead; and station.toml errors as the admin sees them.
@Suite struct TOMLDocumentInvalidTests {
    /// (document, the line named, a part of the message)
    static let numbers: [(String, Int, String)] = [
        ("a = 1__0", 1, "'1__0' is not a value: an underscore in a number must sit between two digits"),
        ("a = _1", 1, "'_1' is not a value: an underscore in a number must sit between two digits; remove the one at the start"),
        ("a = 1_", 1, "remove the one at the end"),
        ("a = 1_000_", 1, "remove the one at the end"),
        ("a = 0x_1", 1, "remove the one at the start"),
        ("a = 0xg", 1, "'g' is not a hex digit"),
        ("a = 0o8", 1, "'8' is not an octal digit"),
        ("a = 0b102", 1, "'2' is not a binary digit"),
        ("a = 0123", 1, "a decimal number cannot start with 0"),
        ("a = -01", 1, "a decimal number cannot start with 0"),
        ("a = 9223372036854775808", 1, "larger than a 64-bit integer"),
        ("a = 0xFFFFFFFFFFFFFFFFF", 1, "larger than a 64-bit integer"),
        ("a = .7", 1, "a number needs a digit before its point, e.g. 0.7"),
        ("a = 7.", 1, "a number needs a digit after its point, e.g. 7.0"),
        ("a = 3.e+20", 1, "a digit after its point"),
        ("a = 1e", 1, "an exponent needs digits"),
        ("a = 1.2.3", 1, "'.' is not a decimal digit"),
        ("a = 1_.5", 1, "remove the one at the end"),
        ("a = 1._5", 1, "remove the one at the start"),
        ("a = 1979-05-27", 1, "dates and times are not used in station.toml; write 1979-05-27 as a string"),
        ("a = 07:32:00", 1, "dates and times are not used"),
        ("a = TRUE", 1, "strings need quotes, e.g. \"TRUE\""),
        ("a = zebra1", 1, "strings need quotes, e.g. \"zebra1\""),
        ("\n\nprinter.dpi = 2O3", 3, "'O' is not a decimal digit"),
    ]

    static let strings: [(String, Int, String)] = [
        (#"a = "\x41""#, 1, #"unknown escape \x in a string; the escapes are \b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX"#),
        (#"a = "C:\Users""#, 1, "\\U takes 8 hex digits of a Unicode scalar value (not a surrogate, at most 10FFFF), e.g. \\U0001F600; for a backslash write \\\\ (or use a 'literal string')"),
        (#"a = "\uD800""#, 1, "takes 4 hex digits of a Unicode scalar value (not a surrogate"),
        (#"a = "\U00110000""#, 1, "takes 8 hex digits"),
        (#"a = "\u12""#, 1, "\\u takes 4 hex digits"),
        (#"a = "\u12G4""#, 1, "\\u takes 4 hex digits"),
        ("a = \"no end\nb = 1", 1, "a string is not closed on its line; close it with \", or use \"\"\" for a multi-line string"),
        ("a = 'no end", 1, "a string is not closed on its line; close it with '"),
        ("\na = \"\"\"\nnever\nclosed", 2, "a string opened here is never closed; close it with \"\"\""),
        ("a = '''x''''''", 1, "unexpected text after the value of a"),
        ("a = \"bell\u{07}\"", 1, "a control character (byte 7) in a string; write it as an escape like \\u0007"),
        ("a = 'del\u{7F}'", 1, "\\u007F"),
        ("a = \"trailing \\ \"", 1, "a backslash before a space or line end is only for multi-line strings"),
        ("a = \"\"\"x \\ y\"\"\"", 1, "only a line end may follow a backslash"),
        ("\"\"\"key\"\"\" = 1", 1, "a key cannot be a multi-line string"),
    ]

    static let structure: [(String, Int, String)] = [
        ("= \"no key\"", 1, "'=' cannot start a key"),
        ("key = # no value", 1, "a value is missing after key ="),
        ("key =", 1, "a value is missing after key ="),
        ("key \"value\"", 1, "expected '=' after the key key"),
        ("first = \"Tom\" last = \"Preston-Werner\"", 1, "unexpected text after the value of first; write one key = value or [table] per line"),
        ("a.b.c", 1, "expected '=' after the key a.b.c"),
        ("ke y = 1", 1, "expected '=' after the key ke"),
        ("a. = 1", 1, "'=' cannot start a key"),
        ("[a", 1, "the table header [a ends with ]"),
        ("[[a]", 1, "the table header [[a ends with ]]"),
        ("[]", 1, "']' cannot start a key"),
        ("[a] b = 1", 1, "unexpected text after a table header"),
        ("a = 1\rb = 2", 1, "a carriage return (CR) not followed by a line feed"),
        ("# comment with a bell \u{07}", 1, "a control character (byte 7) in a comment"),
        // Arrays.
        ("a = [ 1, 2", 1, "the array a is not closed; end it with ']'"),
        ("a = [\n 1,\n 2\n", 4, "the array a is not closed"),
        ("a = [1 2]", 1, "expected ',' or ']' after a value in the array a"),
        ("a = [,]", 1, "',' is not a value"),
        ("a = [1,,2]", 1, "',' is not a value"),
        // Inline tables stay on one line, without a trailing comma, and are complete.
        ("a = { x = 1, }", 1, "an inline table has no comma after its last value"),
        ("a = { x = 1\n, y = 2 }", 1, "expected ',' or '}' in the inline table a"),
        ("a = { x = 1, x = 2 }", 1, "a.x is set twice (first on line 1)"),
        ("type = { name = \"Nail\" }\ntype.edible = false", 2, "type is an inline table (line 1) and cannot be added to"),
        ("[product]\ntype = { name = \"Nail\" }\n[product.type]", 3, "table [product.type] is defined twice: first as an inline table on line 2"),
        ("a = {}\n[a.b]", 2, "a is an inline table (line 1) and cannot be added to"),
        // Nesting is bounded, so no document can exhaust the stack.
        ("a = " + String(repeating: "[", count: 100_000), 1, "arrays and inline tables nest more than 64 deep in a; use fewer"),
        ("a = " + String(repeating: "{b=", count: 65) + "1" + String(repeating: "}", count: 65), 1, "nest more than 64 deep in"),
        (Array(repeating: "k", count: 100_000).joined(separator: ".") + " = 1", 1, "a key has more than 64 dotted parts"),
    ]

    static let duplicates: [(String, Int, String)] = [
        ("name = \"Tom\"\nname = \"Pradyun\"", 2, "name is set twice (first on line 1); remove one"),
        ("spelling = \"favorite\"\n\"spelling\" = \"favourite\"", 2, "spelling is set twice"),
        ("fruit.apple = 1\nfruit.apple.smooth = true", 2, "fruit.apple is an integer (line 1), not a table"),
        ("[fruit]\n\n[fruit]", 3, "table [fruit] is defined twice: first on line 1; put all its keys under one [fruit] header"),
        ("[fruit]\napple = \"red\"\n[fruit.apple]", 3, "[fruit.apple] names a string (line 2), not a table"),
        ("[fruit]\napple.color = \"red\"\n[fruit.apple]", 3, "table [fruit.apple] is defined twice: first by dotted keys on line 2"),
        ("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4, "a.b is a table already (line 1); set its keys under its [a.b] header instead of with a dotted key"),
        ("[a.b.c.d]\nz = 9\n[a]\nb.c.d.k.t = 1", 4, "a.b is a table already"),
        ("a.b = 1\n[a]", 2, "table [a] is defined twice: first by dotted keys on line 1"),
        ("[[fruits]]\nname = \"apple\"\n[fruits]", 3, "[fruits] names an array of tables (line 1), not a table"),
        ("fruits = []\n[[fruits]]", 2, "[[fruits]] names an array (line 1), not an array of tables"),
        ("[a]\n[[a]]", 2, "[[a]] names a table (line 1), not an array of tables"),
        ("[[a]]\nb.c = 1\n[[a]]\nb.c = 1\nb.c = 2", 5, "a.b.c is set twice (first on line 4)"),
        ("[\"a.b\"]\nx = 1\n[a.b]\nx = 2\n['a.b']", 5, "table [\"a.b\"] is defined twice: first on line 1"),
        ("[[bench]]\nname = \"a\"\nbench.x = 1\n[[bench]]\nname = \"b\"\nname = \"c\"", 6, "bench.name is set twice (first on line 5)"),
    ]

    @Test(arguments: numbers + strings + structure + duplicates)
    func invalidDocumentsNameTheLineAndWhatToWrite(text: String, line: Int, message: String) {
        let error = #expect(throws: TOMLDocument.SyntaxError.self, "\(text.debugDescription)") { try TOMLDocument(parsing: text) }
        #expect(error?.line == line, "\(text.debugDescription): \(error?.description ?? "")")
        #expect(error?.message.contains(message) == true, "\(text.debugDescription): \(error?.description ?? "")")
    }

    /// A station.toml written to a scratch file.
    static func load(_ text: String) throws -> (path: String, result: Result<StationConfiguration, StationError>) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("toml-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/station.toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, Result { () throws(StationError) in try StationConfiguration.load(file: path, environment: [:], searchPath: []) })
    }

    @Test func aStationFileWithMultiLineArraysAndCRLFLoads() throws {
        let text = "# station.toml\r\n[station]\r\nname = \"bench-7\"\r\nsupervisor_badges = [\r\n  \"BADGE-1\",  # Ana\r\n  'BADGE-2',\r\n]\r\n\r\n[scanner]\r\ndevices = [\r\n  \"0c2e:0b61,layout=de\",\r\n  \"name=Honeywell\", # the left bench\r\n]\r\n"
        let (_, result) = try Self.load(text)
        let config = try result.get()
        #expect(config.values["station.supervisor_badges"]?.raw == .strings(["BADGE-1", "BADGE-2"]))
        #expect(config.values["station.supervisor_badges"]?.origin.hasSuffix("station.toml:4") == true)
        #expect(config.values["scanner.devices"]?.raw == .strings(["0c2e:0b61,layout=de", "name=Honeywell"]))
        #expect(config.stationName == "bench-7")
    }

    @Test func theShippedExampleLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
        let config = try StationConfiguration.load(file: root + "/examples/station.toml", environment: [:], searchPath: [])
        #expect(config.file?.hasSuffix("examples/station.toml") == true)
    }

    @Test func aSyntaxErrorInStationTomlNamesTheFileAndLine() throws {
        let (path, result) = try Self.load("[station]\nname = \"bench-7\"\n\n[printer]\ndpi = 2__03\n")
        guard case .failure(let error) = result else { Issue.record("loaded"); return }
        #expect(error.code == "config.syntax")
        #expect(error.message.hasPrefix("\(path):5: '2__03' is not a value: an underscore in a number must sit between two digits"), "\(error.message)")
    }
}
