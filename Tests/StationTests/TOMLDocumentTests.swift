import Foundation
import Station
import Testing

/// station.toml's reader against TOML v1.0.0 (toml.io): examples written from the
/// specification's rules for each part of the language the reader takes, valid and invalid.
@Suite struct TOMLDocumentTests {
    /// The document flattened to `dotted.key = value` lines, values typed: `"s"`, `1`, `1.5`,
    /// `true`, `[…]`, `{…}`; arrays of tables as `key[0].x`.
    static func flat(_ text: String) throws -> [String] {
        var out: [String] = []
        func render(_ v: TOMLDocument.Value) -> String {
            switch v {
            case .string(let s): s.debugDescription
            case .integer(let n): "\(n)"
            case .float(let d): "\(d)f"
            case .bool(let b): "\(b)"
            case .array(let items): "[" + items.map(render).joined(separator: ", ") + "]"
            case .table(let t): "{" + t.entries.map { "\($0.key) = \(render($0.value))" }.joined(separator: ", ") + "}"
            case .tables(let list): "[" + list.map { render(.table($0)) }.joined(separator: ", ") + "]"
            }
        }
        func walk(_ table: TOMLDocument.Table, _ prefix: String) {
            for (key, value, _) in table.entries {
                let name = prefix + key
                switch value {
                case .table(let t): walk(t, name + ".")
                case .tables(let list): for (n, t) in list.enumerated() { walk(t, "\(name)[\(n)].") }
                default: out.append("\(name) = \(render(value))")
                }
            }
        }
        walk(try TOMLDocument(parsing: text).root, "")
        return out
    }

    // MARK: valid documents

    static let strings: [(String, [String])] = [
        // Basic strings: every escape the specification lists.
        (#"s = "b\b t\t n\n f\f r\r q\" bs\\ u\u00E9 U\U0001F600 \u0000""#,
         [#"s = "b\u{08} t\t n\n f\u{0C} r\r q\" bs\\ ué U😀 \0""#]),
        (#"s = "tab\#tinside, 'single' quotes, # not a comment" # a comment"#, [#"s = "tab\tinside, \'single\' quotes, # not a comment""#]),
        (#"empty = """#, [#"empty = """#]),
        // Literal strings: no escapes.
        (#"winpath = 'C:\Users\nodejs\templates'"#, [#"winpath = "C:\\Users\\nodejs\\templates""#]),
        (#"quoted = 'Tom "Dubs" Preston-Werner'"#, [#"quoted = "Tom \"Dubs\" Preston-Werner""#]),
        ("regex = '<\\i\\c*\\s*>'", [#"regex = "<\\i\\c*\\s*>""#]),
        ("empty = ''", [#"empty = """#]),
        // Multi-line basic strings: the first line end is dropped, a line-ending backslash
        // eats the whitespace after it, one or two quotes may sit anywhere, CRLF reads as LF.
        ("s = \"\"\"\nRoses are red\nViolets are blue\"\"\"", [#"s = "Roses are red\nViolets are blue""#]),
        ("s = \"\"\"\r\nRoses are red\r\nViolets are blue\r\n\"\"\"", [#"s = "Roses are red\nViolets are blue\n""#]),
        ("s = \"\"\"\nThe quick brown \\\n\n\n  fox jumps over \\\n    the lazy dog.\"\"\"", [#"s = "The quick brown fox jumps over the lazy dog.""#]),
        ("s = \"\"\"\\\n       The quick brown \\\n       fox.\\\n       \"\"\"", [#"s = "The quick brown fox.""#]),
        ("s = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"", [#"s = "Here are two quotation marks: \"\". Simple enough.""#]),
        ("s = \"\"\"Here are three quotation marks: \"\"\\\".\"\"\"", [#"s = "Here are three quotation marks: \"\"\".""#]),
        ("s = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"", [#"s = "\"This,\" she said, \"is just a pointless statement.\"""#]),
        ("s = \"\"\"\\b\\f\\u00E9 \\\"\"\"\"", [#"s = "\u{08}\u{0C}é \"""#]),
        // Multi-line literal strings.
        ("regex2 = '''I [dw]on't need \\d{2} apples'''", [#"regex2 = "I [dw]on\'t need \\d{2} apples""#]),
        ("lines = '''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''",
         [#"lines = "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n""#]),
        ("s = ''''That,' she said, 'is still pointless.''''", [#"s = "\'That,\' she said, \'is still pointless.\'""#]),
        ("s = '''Here are fifteen apostrophes: '''''", [#"s = "Here are fifteen apostrophes: \'\'""#]),
    ]

    static let numbers: [(String, [String])] = [
        ("a = +99\nb = 42\nc = 0\nd = -17\ne = -0\nf = +0", ["a = 99", "b = 42", "c = 0", "d = -17", "e = 0", "f = 0"]),
        ("a = 1_000\nb = 5_349_221\nc = 53_49_221\nd = 1_2_3_4_5", ["a = 1000", "b = 5349221", "c = 5349221", "d = 12345"]),
        ("max = 9_223_372_036_854_775_807\nmin = -9223372036854775808", ["max = 9223372036854775807", "min = -9223372036854775808"]),
        ("a = 0xDEADBEEF\nb = 0xdeadbeef\nc = 0xdead_beef\nd = 0o01234567\ne = 0o755\nf = 0b11010110\ng = 0x00",
         ["a = 3735928559", "b = 3735928559", "c = 3735928559", "d = 342391", "e = 493", "f = 214", "g = 0"]),
        ("a = +1.0\nb = 3.1415\nc = -0.01\nd = 5e+22\ne = 1e06\nf = -2E-22\ng = 6.626e-34\nh = 224_617.445_991_228\ni = 0.0\nj = -0e0",
         ["a = 1.0f", "b = 3.1415f", "c = -0.01f", "d = 5e+22f", "e = 1000000.0f", "f = -2e-22f", "g = 6.626e-34f", "h = 224617.445991228f", "i = 0.0f", "j = -0.0f"]),
        ("a = inf\nb = +inf\nc = -inf", ["a = inff", "b = inff", "c = -inff"]),
        ("yes = true\nno = false", ["yes = true", "no = false"]),
    ]

    static let arrays: [(String, [String])] = [
        ("integers = [ 1, 2, 3 ]\ncolors = [ \"red\", \"yellow\", \"green\" ]", ["integers = [1, 2, 3]", #"colors = ["red", "yellow", "green"]"#]),
        ("nested = [ [ 1, 2 ], [3, 4, 5] ]\nmixed = [ [ 1, 2 ], [\"a\", \"b\", \"c\"] ]", ["nested = [[1, 2], [3, 4, 5]]", #"mixed = [[1, 2], ["a", "b", "c"]]"#]),
        ("strings = [ \"all\", 'strings', \"\"\"are the same\"\"\", '''type''' ]", [#"strings = ["all", "strings", "are the same", "type"]"#]),
        ("numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]", ["numbers = [0.1f, 0.2f, 0.5f, 1, 2, 5]"]),
        ("empty = []\nspaced = [ ]\nbroken = [\n]", ["empty = []", "spaced = []", "broken = []"]),
        // Over several lines, with comments and a trailing comma, as scanner lists are written.
        ("devices = [\n  \"0c2e:0b61\", # the left bench\n  \"name=Honeywell\",\n]", [#"devices = ["0c2e:0b61", "name=Honeywell"]"#]),
        ("a = [ # first\n  1 # one\n  , 2 # two\n\n  # nothing\n  ,\n]", ["a = [1, 2]"]),
        ("a = [\r\n  \"x\",\r\n  \"y\"\r\n]", [#"a = ["x", "y"]"#]),
        ("a = [\"\"\"\nmulti\nline\"\"\", '''\nlit''']", [#"a = ["multi\nline", "lit"]"#]),
        ("points = [ { x = 1, y = 2 }, { x = 7, y = 8 } ]", ["points = [{x = 1, y = 2}, {x = 7, y = 8}]"]),
    ]

    static let tables: [(String, [String])] = [
        ("name = { first = \"Tom\", last = \"Preston-Werner\" }\npoint = { x = 1, y = 2 }\nanimal = { type.name = \"pug\" }\nnothing = {}",
         [#"name.first = "Tom""#, #"name.last = "Preston-Werner""#, "point.x = 1", "point.y = 2", #"animal.type.name = "pug""#]),
        ("key = \"v\"\nbare_key = 1\nbare-key = 2\n1234 = 3\n\"127.0.0.1\" = 4\n\"character encoding\" = 5\n\"ʎǝʞ\" = 6\n'key2' = 7\n'quoted \"value\"' = 8\n\"\" = 9",
         [#"key = "v""#, "bare_key = 1", "bare-key = 2", "1234 = 3", "127.0.0.1 = 4", "character encoding = 5", "ʎǝʞ = 6", "key2 = 7", "quoted \"value\" = 8", " = 9"]),
        ("name = \"Orange\"\nphysical.color = \"orange\"\nphysical.shape = \"round\"\nsite.\"google.com\" = true\nfruit . flavor = 1",
         [#"name = "Orange""#, #"physical.color = "orange""#, #"physical.shape = "round""#, "site.google.com = true", "fruit.flavor = 1"]),
        ("3.14159 = \"pi\"", [#"3.14159 = "pi""#]),
        ("apple.type = \"fruit\"\norange.type = \"fruit\"\napple.skin = \"thin\"", [#"apple.type = "fruit""#, #"apple.skin = "thin""#, #"orange.type = "fruit""#]),
        ("[table-1]\nkey1 = \"some string\"\n\n[table-2]\nkey1 = 456", [#"table-1.key1 = "some string""#, "table-2.key1 = 456"]),
        ("[dog.\"tater.man\"]\ntype.name = \"pug\"\n[a.b.c]\nx = 1\n[ d.e.f ]\ny = 2\n[ g .  h  . i ]\nz = 3\n[ j . \"ʞ\" . 'l' ]\nw = 4",
         [#"dog.tater.man.type.name = "pug""#, "a.b.c.x = 1", "d.e.f.y = 2", "g.h.i.z = 3", "j.ʞ.l.w = 4"]),
        // A super-table named on the way to a deeper header may be defined afterwards.
        ("[x.y.z.w]\na = 1\n[x]\nb = 2", ["x.y.z.w.a = 1", "x.b = 2"]),
        ("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true",
         [#"fruit.apple.color = "red""#, "fruit.apple.taste.sweet = true", "fruit.apple.texture.smooth = true"]),
        ("[[products]]\nname = \"Hammer\"\nsku = 738594937\n\n[[products]]  # empty table within the array\n\n[[products]]\nname = \"Nail\"\ncolor = \"gray\"",
         [#"products[0].name = "Hammer""#, "products[0].sku = 738594937", #"products[2].name = "Nail""#, #"products[2].color = "gray""#]),
        ("[[fruits]]\nname = \"apple\"\n[fruits.physical]\ncolor = \"red\"\n[[fruits.varieties]]\nname = \"red delicious\"\n[[fruits.varieties]]\nname = \"granny smith\"\n[[fruits]]\nname = \"banana\"\n[[fruits.varieties]]\nname = \"plantain\"",
         [#"fruits[0].name = "apple""#, #"fruits[0].physical.color = "red""#, #"fruits[0].varieties[0].name = "red delicious""#, #"fruits[0].varieties[1].name = "granny smith""#,
          #"fruits[1].name = "banana""#, #"fruits[1].varieties[0].name = "plantain""#]),
        // Comments and whitespace anywhere a line allows them; CRLF line ends.
        ("# This is a full-line comment\n  \t# indented\nkey = \"value\"  # a comment with \"quotes\", = signs and [brackets]\n\t other\t=\t1\t\n[t] # header comment\n#",
         [#"key = "value""#, "other = 1"]),
        ("[server]\r\nurl = \"http://hub:8080\"\r\n\r\n[[bench]]\r\nname = \"bench-1\"\r\nscanners = [\r\n  \"0c2e:0b61\",\r\n]\r\n",
         [#"server.url = "http://hub:8080""#, #"bench[0].name = "bench-1""#, #"bench[0].scanners = ["0c2e:0b61"]"#]),
    ]

    @Test(arguments: strings + numbers + arrays + tables)
    func validDocumentsReadAsTheSpecificationSays(text: String, expected: [String]) throws {
        #expect(try Self.flat(text) == expected, "\(text.debugDescription)")
    }

    @Test func nanIsAFloatAndTheEmptyDocumentIsEmpty() throws {
        let doc = try TOMLDocument(parsing: "a = nan\nb = +nan\nc = -nan")
        for key in ["a", "b", "c"] {
            guard case .float(let d) = doc.root[key] else { Issue.record("\(key) is not a float"); continue }
            #expect(d.isNaN)
        }
        for text in ["", "\n", "# only a comment", "\r\n\r\n  \t\n"] { #expect(try Self.flat(text) == []) }
    }

    @Test func everyValueKnowsItsLineAfterMultiLineValues() throws {
        let doc = try TOMLDocument(parsing: "a = [\n1,\n2,\n]\nb = \"\"\"\nx\ny\"\"\"\n[t]\nc = '''\n'''\nd = 1")
        #expect(doc.root.line(of: "a") == 1)
        #expect(doc.root.line(of: "b") == 5)
        #expect(doc.root.line(of: "t") == 8)
        guard case .table(let t) = doc.root["t"] else { Issue.record("t is not a table"); return }
        #expect(t.line(of: "c") == 9)
        #expect(t.line(of: "d") == 11)
    }
}
