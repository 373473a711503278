import Labels
import Testing

struct ZPLTokenizerTests {
    /// Each command as "^XA" / "~DG" followed by its parameters in brackets.
    static func commands(_ bytes: [UInt8]) -> [String] {
        ZPLTokenizer(bytes).map { $0.name + "[" + String(decoding: bytes[$0.parameters], as: UTF8.self) + "]" }
    }

    static func commands(_ text: String) -> [String] { commands(Array(text.utf8)) }

    @Test(arguments: [
        // Caret and tilde commands, parameters up to the next prefix.
        ("^XA~SD20^FO10,20^FDhi^FS^XZ", ["^XA[]", "~SD[20]", "^FO[10,20]", "^FD[hi]", "^FS[]", "^XZ[]"]),
        // Lower-case codes are read as upper case.
        ("^xa^fo1,2^xz", ["^XA[]", "^FO[1,2]", "^XZ[]"]),
        // ^A takes its font letter as a parameter; ^A@ is a code of two.
        ("^A0N,30,30^ADN^A@N,20,20,E:ARIAL.TTF", ["^A[0N,30,30]", "^A[DN]", "^A@[N,20,20,E:ARIAL.TTF]"]),
        // CR and LF inside and after command codes, blanks after them and between commands.
        ("^X\r\nA\r\n^FO 10,10\r\n^F\nD hi^FS \n^XZ\r\n", ["^XA[\r\n]", "^FO[ 10,10\r\n]", "^FD[ hi]", "^FS[ \n]", "^XZ[\r\n]"]),
        // ^FX comments run to the next prefix, commas and all.
        ("^XA^FX a comment, with commas^FO1,1^XZ", ["^XA[]", "^FX[ a comment, with commas]", "^FO[1,1]", "^XZ[]"]),
        // ^FH: field data is kept raw (decoded by ZPLFieldHex).
        ("^FH^FD_5E_7E ok^FS", ["^FH[]", "^FD[_5E_7E ok]", "^FS[]"]),
        // ^CC changes the format prefix at once: ^ is then data, + starts commands.
        ("^XA^CC+\r\n+FO1,1+FDa^b+FS+XZ", ["^XA[]", "^CC[+\r\n]", "^FO[1,1]", "^FD[a^b]", "^FS[]", "^XZ[]"]),
        // ~CC does the same from a control command.
        ("~CC!!XA!FO1,1!XZ", ["~CC[!]", "^XA[]", "^FO[1,1]", "^XZ[]"]),
        // ^CT changes the control prefix: ~ is then data, # starts control commands.
        ("^CT#^XA#SD10^FO1,1^FDa~b^XZ", ["^CT[#]", "^XA[]", "~SD[10]", "^FO[1,1]", "^FD[a~b]", "^XZ[]"]),
        // A tilde in field data or a comment starts a control command, as on a printer.
        ("^FX note ~JA^XZ", ["^FX[ note ]", "~JA[]", "^XZ[]"]),
        // Text before the first prefix is not a command.
        ("junk\r\n^XA^XZ", ["^XA[]", "^XZ[]"]),
        // A prefix with nothing after it.
        ("^XA^", ["^XA[]", "^[]"]),
        // ~DG's hex payload ends at the next prefix.
        ("~DGR:A.GRF,2,1,FF00\r\n^XA", ["~DG[R:A.GRF,2,1,FF00\r\n]", "^XA[]"]),
        // :Z64: data is ASCII and ends the same way.
        ("~DGR:A.GRF,4,2,:Z64:eJz7/x8AAwAB/w==:1A2B^XA", ["~DG[R:A.GRF,4,2,:Z64:eJz7/x8AAwAB/w==:1A2B]", "^XA[]"]),
        // A ~DY with base64 data in a binary format is still ASCII.
        ("~DYR:LOGO,P,P,4,0,:B64://///w==:ABCD^XA", ["~DY[R:LOGO,P,P,4,0,:B64://///w==:ABCD]", "^XA[]"]),
    ])
    func commandsAreSplitAsAPrinterReadsThem(text: String, expected: [String]) {
        #expect(Self.commands(text) == expected)
    }

    @Test func binaryPayloadsAreSkippedByTheirDeclaredSizeEvenWithPrefixesInside() {
        // ~DY format B: four binary bytes, two of them ^ and ~.
        let dy = Array("~DYR:LOGO,B,G,4,2,".utf8) + [0x5E, 0x7E, 0x00, 0xFF] + Array("^XA^XZ".utf8)
        let commands = Array(ZPLTokenizer(dy))
        #expect(commands.map(\.name) == ["~DY", "^XA", "^XZ"])
        #expect(commands[0].parameters == 3..<22)
        #expect(commands[1].offset == 22)
        // ^GF format B inside a format.
        let gf = Array("^XA^FO0,0^GFB,4,4,2,".utf8) + [0x5E, 0x5E, 0x7E, 0x7E] + Array("^FS^XZ".utf8)
        #expect(ZPLTokenizer(gf).map(\.name) == ["^XA", "^FO", "^GF", "^FS", "^XZ"])
        // A binary payload cut off takes the rest of the stream (the document refuses it).
        let cut = Array("~DYR:LOGO,B,G,400,2,".utf8) + [0x5E, 0x7E] + Array("^XA^XZ".utf8)
        #expect(ZPLTokenizer(cut).map(\.name) == ["~DY"])
    }

    @Test func theSyntaxInForceIsReported() {
        var tokenizer = ZPLTokenizer(Array("^CC+~CT#+CD;".utf8))
        while tokenizer.next() != nil {}
        #expect(tokenizer.syntax == ZPLSyntax(caret: UInt8(ascii: "+"), tilde: UInt8(ascii: "#"), delimiter: UInt8(ascii: ";")))
        // A prefix cannot become the other prefix, a line end or a blank.
        var refused = ZPLTokenizer(Array("^CC~^CC\n^CT^".utf8))
        while refused.next() != nil {}
        #expect(refused.syntax == .standard)
    }

    @Test(arguments: [
        ("_5E_7E ok", UInt8(ascii: "_"), "^~ ok"),
        ("\\41\\4a", UInt8(ascii: "\\"), "AJ"),
        // An indicator without two hex digits is kept.
        ("100_ _4", UInt8(ascii: "_"), "100_ _4"),
        ("_4", UInt8(ascii: "_"), "_4"),
    ])
    func fieldHexIsDecoded(data: String, indicator: UInt8, expected: String) {
        #expect(String(decoding: ZPLFieldHex.decode(Array(data.utf8)[...], indicator: indicator), as: UTF8.self) == expected)
    }

    @Test(arguments: [
        "^", "~", "^C", "^CC", "~CT", "^CD", "~DY", "~DYR:A,B,G,", "~DYR:A,B,G,99999999999999999999999999,1,",
        "^GFB,-5,1,1,", "^GFC,999999999999999999,1,1,x", "^A", "^A@", "\r\n^\r\n", "^XA^CC^^XZ",
    ])
    func oddInputsNeverTrap(text: String) {
        var tokenizer = ZPLTokenizer(Array(text.utf8))
        var count = 0
        while let command = tokenizer.next() {
            #expect(command.parameters.upperBound <= text.utf8.count)
            count += 1
        }
        #expect(count <= text.utf8.count)
    }

    @Test func workIsLinearInTheInput() {
        // Every construct that scans ahead: headers of binary payloads, prefix changes, long fields.
        let chunk = "^XA^FO10,10^A0N,30,30^FDsome field data, commas^FS~DYR:X,B,G,3,1,abc^GFA,2,2,1,FFFF^CC^^FX c~CT~^XZ\r\n~DGR:L.GRF,2,1,FF00\r\n~DYR:A,B,G,"
        func steps(_ copies: Int) -> Int {
            var tokenizer = ZPLTokenizer(Array(String(repeating: chunk, count: copies).utf8))
            while tokenizer.next() != nil {}
            return tokenizer.steps
        }
        let small = steps(500), large = steps(2000)
        #expect(small > 500 * chunk.utf8.count / 2)
        // Four times the input takes four times the work (a quadratic scan would take sixteen).
        #expect(Double(large) / Double(small) < 4.1)
    }
}
