import Foundation
import Labels
import Testing

struct ZPLDocumentTests {
    static func document(_ text: String, policy: ZPLPolicy = .carrier) throws -> ZPLDocument {
        try ZPLDocument(Array(text.utf8), policy: policy)
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static func kinds(_ document: ZPLDocument) -> [String] {
        document.segments.map {
            switch $0.kind {
            case .printingFormat(let label): "label \(label)"
            case .settingsFormat: "settings"
            case .storedFormat(let name): "stored \(name)"
            case .download(let name): "download \(name)"
            case .hostCommand(let code): "host \(code)"
            }
        }
    }

    @Test(arguments: [
        // A field prints when it has data and an origin; graphics print on their own.
        ("^XA^FO10,10^FDhi^FS^XZ", 1),
        ("^XA^FT10,10^FVhi^FS^XZ", 1),
        ("^XA^FO10,10^SN001,1,Y^FS^XZ", 1),
        ("^XA^FO0,0^GB100,100,2^FS^XZ", 1),
        ("^XA^GC50,2^XZ", 1), ("^XA^GD50,50^XZ", 1), ("^XA^GE50,50^XZ", 1),
        ("^XA^GFA,2,2,1,FFFF^XZ", 1),
        ("^XA^XGR:LOGO.GRF,1,1^FS^XZ", 1),
        ("^XA^ILR:FORM.GRF^XZ", 1),
        ("^XA^FO5,5^IMR:ICON.GRF^FS^XZ", 1),
        // Settings-only formats print nothing.
        ("^XA^MCY^XZ", 0),
        ("^XA^PW812^LL1218^XZ", 0),
        ("^XA^XZ", 0),
        ("^XA^FO10,10^FS^XZ", 0),
        ("^XA^FDno origin^FS^XZ", 0),
        ("^XA^FX only a comment ^FO1,1^XZ", 0),
    ])
    func aFormatPrintsWhenItHasAFieldOrAGraphic(text: String, labels: Int) throws {
        let document = try Self.document(text)
        #expect(document.labels.count == labels)
        #expect(Self.kinds(document) == [labels == 1 ? "label 0" : "settings"])
    }

    @Test(arguments: [
        ("^XA^FO1,1^FDa^FS^XZ", 1),
        ("^XA^FO1,1^FDa^FS^PQ2^XZ", 2),
        ("^XA^FO1,1^FDa^FS^PQ3,0,1,Y^XZ", 3),
        ("^XA^PQ 4 ^FO1,1^FDa^FS^XZ", 4),
        // The last ^PQ counts; absent, zero or not a number prints one.
        ("^XA^PQ9^FO1,1^FDa^FS^PQ2^XZ", 2),
        ("^XA^FO1,1^FDa^FS^PQ0^XZ", 1),
        ("^XA^FO1,1^FDa^FS^PQ,0,0^XZ", 1),
        ("^XA^FO1,1^FDa^FS^PQ123456789^XZ", 99_999_999),
        // ^CD changes the delimiter ^PQ is read with.
        ("^XA^CD;^FO1;1^FDa^FS^PQ5;0;0;N^XZ", 5),
    ])
    func quantityIsReadFromPQ(text: String, quantity: Int) throws {
        let document = try Self.document(text)
        #expect(document.labels.map(\.quantity) == [quantity])
        #expect(document.labelCount == quantity)
    }

    @Test func labelsAreCountedAcrossFormatsWithCopies() throws {
        let document = try Self.document("^XA^MCY^XZ\r\n^XA^FO1,1^FDa^FS^PQ2^XZ\r\n^XA^PW812^XZ\r\n^XA^FO1,1^FDb^FS^XZ\r\n")
        #expect(Self.kinds(document) == ["settings", "label 0", "settings", "label 1"])
        #expect(document.labelCount == 3)
        #expect(Self.text(document.bytes(of: 1)) == "^XA^FO1,1^FDb^FS^XZ\r\n")
    }

    @Test func graphicsDownloadedBetweenLabelsAreAcceptedAndTheLatestIsSentAgain() throws {
        let first = "~DGR:A.GRF,2,1,FFFF\r\n", second = "~DGR:A.GRF,2,1,0000\r\n"
        let label = "^XA^FO0,0^XGR:A.GRF,1,1^FS^XZ\r\n"
        let document = try Self.document(first + label + second + label)
        #expect(Self.kinds(document) == ["download R:A.GRF", "label 0", "download R:A.GRF", "label 1"])
        #expect(document.labels.map(\.needs) == [["R:A.GRF"], ["R:A.GRF"]])
        #expect(Self.text(document.preamble(before: 0)) == first)
        #expect(Self.text(document.preamble(before: 1)) == second)
    }

    @Test func namesAreNormalised() throws {
        let document = try Self.document("^XA^XGlogo^FS^XGE:Seal.grf^FS^XGR:LOGO.GRF^FS^XZ")
        #expect(document.labels[0].needs == ["R:LOGO.GRF", "E:SEAL.GRF"])
    }

    @Test func storedFormatsAreRecalledWithWhatTheyNeed() throws {
        let logo = "~DGR:LOGO.GRF,2,1,FFFF\r\n"
        let stored = "^XA^DFR:SHIP.ZPL^FS^FO10,10^XGR:LOGO.GRF^FS^FO1,1^A0N,20,20^FN1^FS^PQ2^XZ\r\n"
        let recall = "^XA^XFR:SHIP.ZPL^FS^FN1^FDabc^FS^XZ\r\n"
        let document = try Self.document(logo + stored + recall + recall)
        #expect(Self.kinds(document) == ["download R:LOGO.GRF", "stored R:SHIP.ZPL", "label 0", "label 1"])
        #expect(document.labels.map(\.needs) == [["R:SHIP.ZPL", "R:LOGO.GRF"], ["R:SHIP.ZPL", "R:LOGO.GRF"]])
        // The stored format's ^PQ applies to each recall.
        #expect(document.labelCount == 4)
        #expect(Self.text(document.preamble(before: 1)) == logo + stored)
        // A recall with no field of its own prints nothing when the stored format has no field either.
        let empty = try Self.document("^XA^DFR:SET.ZPL^FS^PW812^XZ^XA^XFR:SET.ZPL^FS^XZ")
        #expect(empty.labels.isEmpty)
        // A format stored on the printer beforehand is taken to print.
        #expect(try Self.document("^XA^XFE:FORM.ZPL^FS^FN1^FDa^FS^XZ").labels.count == 1)
    }

    @Test func imagesSavedWithISAreDefinitionsAndNeverPrintTwice() throws {
        let save = "^XA^FO1,1^FDstatic^FS^ISR:IMG.GRF,N^XZ"
        let recall = "^XA^ILR:IMG.GRF^FO1,100^FDvariable^FS^XZ"
        let document = try Self.document(save + recall)
        #expect(Self.kinds(document) == ["download R:IMG.GRF", "label 0"])
        #expect(Self.text(document.preamble(before: 0)) == save)
        // A format that saves itself and prints is sent again told not to print.
        let printing = try Self.document("^XA^FO1,1^FDx^FS^ISR:IMG.GRF,Y^XZ" + recall)
        #expect(printing.labels.count == 2)
        #expect(Self.text(printing.preamble(before: 1)) == "^XA^FO1,1^FDx^FS^ISR:IMG.GRF,N^XZ")
    }

    @Test func thePreambleHoldsEachDistinctSettingsFormatOnceInStreamOrder() throws {
        let a = "^XA^MCY^XZ\n", b = "^XA^PW812^LL1218^XZ\n", label = "^XA^FO1,1^FDa^FS^XZ\n"
        let document = try Self.document(a + label + b + label + a + label)
        #expect(Self.text(document.preamble(before: 0)) == a)
        #expect(Self.text(document.preamble(before: 1)) == a + b)
        // `a` last occurs after `b`, so it comes after it.
        #expect(Self.text(document.preamble(before: 2)) == b + a)
        // Host commands and labels before are not part of it.
        let host = try Self.document("~SD20\n" + label + label)
        #expect(host.preamble(before: 1).isEmpty)
    }

    @Test func thePreambleRestoresTheCommandCharacters() throws {
        let document = try Self.document("~DGR:A.GRF,2,1,FFFF\n^CC+\n+XA+FO0,0+XGR:A.GRF+FS+XZ\n~CT#\n+XA+FO0,0+XGR:A.GRF+FS+XZ")
        #expect(Self.text(document.preamble(before: 0)) == "~DGR:A.GRF,2,1,FFFF\n~CC+")
        #expect(Self.text(document.preamble(before: 1)) == "~DGR:A.GRF,2,1,FFFF\n~CC+~CT#")
        #expect(Self.text(document.bytes(of: 1, quantity: 3)) == "+XA+FO0,0+XGR:A.GRF+FS+PQ3+XZ")
    }

    /// Found by FuzzZPLDocument: a settings format that recalls a stored format (which prints
    /// nothing) is not sent again before a later label, since it would print without that definition.
    @Test func aSettingsFormatThatRecallsAStoredFormatIsNotInThePreamble() throws {
        let text = "^XA^DFR:SHIP.ZPL^FS^PW812^XZ\r\n^XA^XFR:SHIP.ZPL^FS^XZ\r\n^XA^MCY^XZ^XA^FO1,1^FDa^FS^XZ"
        let document = try Self.document(text)
        #expect(Self.kinds(document) == ["stored R:SHIP.ZPL", "settings", "settings", "label 0"])
        let preamble = Self.text(document.preamble(before: 0))
        #expect(preamble == "^XA^MCY^XZ", "\(preamble)")
        #expect(try Self.document(preamble + Self.text(document.bytes(of: 0))).labelCount == 1)
    }

    /// Found by FuzzZPLDocument: a file that made a digit a prefix or the delimiter would have
    /// the new quantity's digits read as commands (`^CT3`: "^PQ3" printed one label, not three).
    @Test(arguments: [
        ("^CT3^XA^FO1,1^FDa^FS^XZ", 3), ("~CC3 3XA3FO1,13FDa3FS3XZ", 13), ("^CD3^XA^FO1,1^FDa^FS^PQ2^XZ", 3),
        ("^CC5 5XA5FO1,15FDa5FS5PQ25XZ", 15), ("^CT5^XA^FO1,1^FDa^FS^PQ2,0,1,Y^XZ", 5),
        // The digits written in place of the ^PQ's are read with the syntax there, not with the
        // one a later ~CD, ^CC or ~CT sets before ^XZ.
        ("^CD3^XA^FO1^FDa^FS^PQ2~CD,^XZ", 3), ("^XA^FO1,1^FDa^FS^PQ2~CD3^XZ", 3),
        ("^CC3 3XA3FO1,13FDa3FS3PQ23CC^ ^XZ", 3), ("^XA^FO1,1^FDa^FS^PQ2^CC7 7XZ", 17),
    ])
    func aQuantityIsWrittenEvenWhenItsDigitsAreCommandCharacters(text: String, quantity: Int) throws {
        let document = try Self.document(text)
        try #require(document.labels.count == 1)
        let preamble = document.preamble(before: 0)
        let again = try Self.document(Self.text(preamble + document.bytes(of: 0, quantity: quantity)))
        #expect(again.labels.count == 1 && again.labelCount == quantity, "\(Self.text(document.bytes(of: 0, quantity: quantity)))")
    }

    /// Found by FuzzZPLDocument: a format that prints and saves an image with `^IS`, where `~CD`
    /// then changes the delimiter, was sent again before a later label with the new delimiter
    /// and "N" after the image's name. Read with the delimiter in force at `^IS`, that saved an
    /// image of another name and printed the format: a label nobody counts before the resumed one.
    @Test(arguments: [
        ("^XA^FO1,1^FDstatic^FS^ISR:IMG.GRF~CD;^XZ\n", "^XA^ILR:IMG.GRF^FO1;100^FDvariable^FS^XZ\n",
         "^XA^FO1,1^FDstatic^FS^ISR:IMG.GRF,N~CD;^XZ\n"),
        ("^XA^CD;^FO1;1^FDs^FS^ISR:IMG.GRF;Y~CD,^XZ", "^XA^ILR:IMG.GRF^XZ", "^XA^CD;^FO1;1^FDs^FS^ISR:IMG.GRF;N~CD,^XZ"),
        // The fuzzer's input (docs/fuzzing.md): the delimiter becomes F, so "R:IMG.GRF" is recalled as "R:IMG.GR".
        ("^XA^FO1,1^FDstatic^FS^ISR:IMG.GR~CDF,N^XZ", "^XA^ILR:IMG.GRF^FO1,100^FDvariable^S^MG.GR~CDF,N^XZCTZ",
         "^XA^FO1,1^FDstatic^FS^ISR:IMG.GR,N~CDF,N^XZ"),
        // N is the format prefix there: the flag is written n, which the printer reads alike
        // (and ~CCN puts the printer back in the syntax the format was written in).
        ("^CCN\nNXANFO1,1NFDsNFSNISR:IMG.GRF,YNXZ\n", "NXANILR:IMG.GRFNXZ", "~CCNNXANFO1,1NFDsNFSNISR:IMG.GRF,nNXZ\n"),
    ])
    func anImageSavedByAPrintingFormatIsSentAgainWithoutPrinting(save: String, recall: String, resent: String) throws {
        let document = try Self.document(save + recall)
        #expect(document.labels.count == 2)
        let preamble = document.preamble(before: 1)
        #expect(Self.text(preamble) == resent)
        let alone = try Self.document(Self.text(preamble + document.bytes(of: 1)))
        #expect(Self.kinds(alone).filter { !$0.hasPrefix("host ~C") } == ["download \(document.labels[1].needs[0])", "label 0"])
        #expect(alone.labels.map(\.needs) == [document.labels[1].needs] && alone.labelCount == 1)
    }

    /// Found by FuzzZPLDocument: a format that recalls a stored format and is then stored under
    /// the same name needs the earlier definition; sent alone, the later label lost it (its
    /// preamble looked up what the stored format recalls as of the label, which is itself).
    @Test func aFormatStoredAgainUnderANameItRecallsIsSentWithTheEarlierDefinition() throws {
        let first = "^XA^DFR:SHIP.ZPL^FS^FO10,60^XGR:OLD.GRF^FS^XZ\r\n"
        let again = "^XA^XFR:SHIP.ZPL^FS^DFR:SHIP.ZPL^FS^FO10,60^XGR:LOGO.GRF^FS^XZ\r\n"
        let label = "^XA^XFR:SHIP.ZPL^FS^FN2^FDsecond^FS^XZ"
        let document = try Self.document(first + again + label)
        #expect(Self.kinds(document) == ["stored R:SHIP.ZPL", "stored R:SHIP.ZPL", "label 0"])
        #expect(document.labels[0].needs == ["R:SHIP.ZPL", "R:LOGO.GRF", "R:OLD.GRF"])
        #expect(Self.text(document.preamble(before: 0)) == first + again)
        let alone = try Self.document(Self.text(document.preamble(before: 0) + document.bytes(of: 0)))
        #expect(alone.labels.map(\.needs) == [document.labels[0].needs])
    }

    /// Found by FuzzZPLDocument: a file whose `~CTP` made P the control prefix had `^PQ3`
    /// added to a label sent alone, which the printer reads as `^` and `~Q3`: one label, not
    /// three. Commands written into a file use a case of each letter that is no prefix there.
    @Test(arguments: [
        ("~CTP^XA^FO1,1^FDa^FS^XZ", "^XA^FO1,1^FDa^FS^pQ3^XZ"),
        ("~CTQ^XA^FO1,1^FDa^FS^XZ", "^XA^FO1,1^FDa^FS^Pq3^XZ"),
    ])
    func commandsWrittenIntoAFileAvoidItsPrefixes(text: String, three: String) throws {
        let document = try Self.document(text)
        #expect(Self.text(document.bytes(of: 0, quantity: 3)) == three)
        #expect(try Self.document(Self.text(document.preamble(before: 0) + document.bytes(of: 0, quantity: 3))).labelCount == 3)
    }

    /// Changing the command characters back goes step by step, each command readable where it
    /// stands: the caret made C, then the tilde T, then the delimiter D.
    @Test func thePreambleRestoresAnySyntaxTheFileCanReach() throws {
        let text = "~DGR:A.GRF,2,1,FFFF\n^CCC\n~CTTCXACFO0,0CXGR:A.GRFCFSCXZ\n"
        let document = try Self.document(text + "TCDDCXACFO0D0CXGR:A.GRFCFSCXZ")
        let preamble = document.preamble(before: 1)
        #expect(Self.text(preamble).hasPrefix("~DGR:A.GRF,2,1,FFFF\n"))
        let alone = try Self.document(Self.text(preamble + document.bytes(of: 1)))
        #expect(alone.labels.count == 1 && alone.labels[0].needs == ["R:A.GRF"], "\(Self.text(preamble))")
        // A swap of the two prefixes goes through a spare character.
        let swapped = try Self.document("~DGR:A.GRF,2,1,FFFF\n~CC#~CT^#CC~~XA~FO0,0~XGR:A.GRF~FS~XZ")
        let back = swapped.preamble(before: 0)
        #expect(try Self.document(Self.text(back + swapped.bytes(of: 0))).labels.map(\.needs) == [["R:A.GRF"]], "\(Self.text(back))")
    }

    @Test func aFileThatMakesThePrefixesOneLetterIsRefused() {
        #expect {
            try Self.document("^CCc~CTC\ncXAcFO1,1cFDacFScXZ")
        } throws: { error in
            guard let error = error as? LabelError else { return false }
            return error.code == "carrier.zpl_unresendable" && error.message.contains("~CT at byte 4 makes the command characters 'c' and 'C'") && error.message.contains("Ask the sender")
        }
    }

    @Test func anImageSaveThatCouldNotBeSentAgainWithoutPrintingIsRefused() {
        // ^CC and ~CD made N the prefix and n the delimiter: no byte says "do not print" after ^IS.
        #expect {
            try Self.document("^CCN~CDn\nNXANFO1n1NFDsNFSNISR:IMG.GRFnYNXZ\nNXANILR:IMG.GRFNXZ")
        } throws: { error in
            guard let error = error as? LabelError else { return false }
            return error.code == "carrier.zpl_unresendable" && error.message.contains("^IS at byte 25 saves R:IMG.GRF") && error.message.contains("Ask the sender")
        }
        // The same format without ^IS is read as usual.
        #expect((try? Self.document("^CCN~CDn\nNXANFO1n1NFDsNFSNXZ"))?.labels.count == 1)
    }

    @Test(arguments: [
        ("^XA^FO1,1^FDa^FS^PQ2,0,1,Y^XZ\r\n", 5, "^XA^FO1,1^FDa^FS^PQ5,0,1,Y^XZ\r\n"),
        ("^XA^FO1,1^FDa^FS^PQ2^XZ", 12, "^XA^FO1,1^FDa^FS^PQ12^XZ"),
        ("^XA^FO1,1^FDa^FS^XZ\n", 3, "^XA^FO1,1^FDa^FS^PQ3^XZ\n"),
        ("^XA^FO1,1^FDa^FS^PQ^XZ", 2, "^XA^FO1,1^FDa^FS^PQ2^XZ"),
    ])
    func quantityIsRewritten(text: String, quantity: Int, expected: String) throws {
        let document = try Self.document(text)
        #expect(Self.text(document.bytes(of: 0)) == text)
        #expect(Self.text(document.bytes(of: 0, quantity: quantity)) == expected)
        #expect(try Self.document(expected).labelCount == quantity)
    }

    @Test(arguments: [
        // Hex with Zebra's compression: rows of 2 bytes; ',' zeros a row, ':' repeats it.
        "~DGR:A.GRF,8,2,,:FFFF:\n",
        // g = 20, G..Y = 1..19: 'gF' is 20 F digits, ',' the rest of the row, '!' a row of ones.
        "~DGR:A.GRF,40,20,gF,!\n",
        "~DGR:A.GRF,4,2,:Z64:eJz7/5+BAQAG/QH/:1A2B\n",
        "~DGR:A.GRF,4,2,:B64://8AAA==:ABCD\n",
        "~DGR:A.GRF,4,2,\r\nFF\r\nFF\r\n0000\r\n",
        "~DYR:LOGO,A,G,2,1,FF00\n",
        "~DTR:CODES,2,00FF\n",
    ])
    func wellFormedDownloadsAreAccepted(text: String) throws {
        let document = try Self.document(text + "^XA^FO0,0^XGR:A.GRF^FS^XZ")
        #expect(document.labels.count == 1)
        #expect(Self.text(Array(document.bytes[document.segments[0].range])) == text)
    }

    @Test(arguments: [
        ("^XA^FO1,1^FDone^FS", "carrier.zpl_truncated", "format opened by ^XA at byte 0 never ends with ^XZ"),
        ("^XA^FDone^FS\n^XA^FDtwo^XZ", "carrier.zpl_unclosed", "^XA at byte 13 before the ^XZ that ends the format opened at byte 0"),
        ("^XA^XZ\n^FDone^XZ", "carrier.zpl_unopened", "^XZ at byte 13 without a ^XA before it"),
        // Downloads whose data does not match the size they declare.
        ("~DGR:A.GRF,4,2,FFFF\n^XA^XZ", "carrier.zpl_payload", "~DG at byte 0 (R:A.GRF) declares 4 bytes but its data holds 2"),
        ("~DGR:A.GRF,2,2,FFFFFF\n^XA^XZ", "carrier.zpl_payload", "declares 2 bytes but its data holds more"),
        ("^XA^XZ~DGR:A.GRF,4,2,FF^FF00", "carrier.zpl_payload", "~DG at byte 6 (R:A.GRF) declares 4 bytes but its data holds 1"),
        ("~DGR:A.GRF,4,2,FFZF\n^XA^XZ", "carrier.zpl_payload", "holds 'Z' in its hex data"),
        ("~DGR:A.GRF,4,2", "carrier.zpl_payload", "~DG at byte 0 is cut off before its data"),
        ("~DGR:A.GRF,four,2,FF", "carrier.zpl_payload", "has no number for its total bytes"),
        ("~DGR:A.GRF,0,0,", "carrier.zpl_payload", "declares 0 bytes in rows of 0 bytes"),
        ("~DGR:A.GRF,4,2,:Z64:eJz7/5+BAQA", "carrier.zpl_payload", "11 characters of base64 data, not a whole number of groups of four"),
        ("~DGR:A.GRF,4,2,:Z64:eJz7/5+BAQAG/QH/:1A", "carrier.zpl_payload", "ends its base64 data with ':1A' where four hex digits of CRC belong"),
        ("~DGR:A.GRF,9,2,:B64://8AAA==:ABCD", "carrier.zpl_payload", "declares 9 bytes but its base64 data holds 4"),
        ("~DYR:LOGO,B,G,400,2,\u{1}\u{2}^XA^XZ", "carrier.zpl_payload", "~DY at byte 0 (R:LOGO.GRF) declares 400 bytes but only 8 follow"),
        ("^XA^GFB,100,100,10,abc", "carrier.zpl_payload", "^GF at byte 3 declares 100 bytes but only 3 follow"),
        ("^XA^GFA,6,6,2,FFFF^XZ", "carrier.zpl_payload", "^GF at byte 3 declares 6 bytes but its data holds 2"),
        ("~DTR:CODES,4,00FF^XA^XZ", "carrier.zpl_payload", "~DT at byte 0 (R:CODES.DAT) declares 4 bytes but its hex data holds 2"),
        // Commands that harm the printer or other jobs, wherever they are.
        ("^XA^XZ~JR", "carrier.zpl_refused", "~JR at byte 6, which resets the printer"),
        ("~JA\n^XA^FO1,1^FDa^FS^XZ", "carrier.zpl_refused", "~JA at byte 0, which cancels every format waiting in the printer"),
        ("^XA^JUS^XZ", "carrier.zpl_refused", "^JU at byte 3, which changes or saves the printer's power-on configuration"),
        ("^JUF^XA^XZ", "carrier.zpl_refused", "^JU at byte 0"),
        ("^XA^NS,192.168.0.9^XZ", "carrier.zpl_refused", "^NS at byte 3, which changes the printer's network settings"),
        ("^XA^FX set ~WR^XZ", "carrier.zpl_refused", "~WR at byte 11"),
        ("^XA^FO1,1^FDa^FS^XZ~RO1", "carrier.zpl_refused", "~RO at byte 19, which resets the printer's label counters"),
        ("~DGE:LOGO.GRF,2,1,FFFF^XA^XZ", "carrier.zpl_refused", "~DG at byte 0, which stores E:LOGO.GRF on a drive that keeps it"),
        ("^XA^DFB:FORM^FS^XZ", "carrier.zpl_refused", "^DF at byte 3, which stores B:FORM.ZPL"),
        ("^XA^IDE:*.GRF^XZ", "carrier.zpl_refused", "^ID at byte 3, which deletes E:*.GRF"),
        // A changed prefix does not hide a command.
        ("^CC+\n+XA+JUS+XZ", "carrier.zpl_refused", "^JU at byte 8"),
    ])
    func badInputIsRefusedNamingTheByte(text: String, code: String, message: String) {
        #expect {
            try Self.document(text)
        } throws: { error in
            guard let error = error as? LabelError, error.code == code, error.message.contains(message) else { return false }
            // The message says what to do.
            return error.message.contains("ask the sender") || error.message.contains("Ask the sender") || error.message.contains("printer.zpl_allow")
        }
    }

    @Test func aSiteCanAllowRefusedCommands() throws {
        let policy = ZPLPolicy(allowed: ["~ja", "^JU"])
        let document = try Self.document("~JA\n^XA^JUS^XZ\n^XA^FO1,1^FDa^FS^XZ", policy: policy)
        #expect(Self.kinds(document) == ["host ~JA", "settings", "label 0"])
        // Allowing one command allows no other.
        #expect(throws: LabelError.self) { try Self.document("~JR", policy: policy) }
    }

    @Test func theSegmentsCoverTheStreamAndKeepItsBytes() throws {
        let text = "junk\r\n~SD20\r\n^XA^MCY^XZ\r\n~DGR:A.GRF,2,1,FFFF\r\n^XA^FO0,0^XGR:A.GRF^FS^PQ2^XZ\r\n"
        let document = try Self.document(text)
        #expect(Self.kinds(document) == ["host ~SD", "settings", "download R:A.GRF", "label 0"])
        #expect(document.bytes == Array(text.utf8))
        // From the first command on, the segments follow each other with no gap.
        #expect(document.segments.first?.range.lowerBound == 6)
        for (a, b) in zip(document.segments, document.segments.dropFirst()) { #expect(a.range.upperBound == b.range.lowerBound) }
        #expect(document.segments.last?.range.upperBound == text.utf8.count)
        #expect(document.labels[0].range == document.segments[3].range)
    }

    @Test func docsListEveryRefusedCommandWithWhatItDoes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/zpl.md"), encoding: .utf8)
        for (command, reason) in ZPLPolicy.refusedCommands.sorted(by: { $0.key < $1.key }) {
            let row = text.split(separator: "\n").first { $0.hasPrefix("| ") && $0.contains("`\(command)`") }
            #expect(row?.contains(reason) == true, "docs/zpl.md: \(command) \(reason)")
        }
    }
}
