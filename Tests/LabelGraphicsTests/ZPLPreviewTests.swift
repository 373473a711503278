import Foundation
@testable import LabelGraphics
import Labels
import Testing

/// ZPL drawn by the preview: what a packer sees on the kiosk for a carrier's label.
@Suite struct ZPLPreviewTests {
    func png(_ zpl: String, density: PrinterDensity = .dpi203) throws -> (ZPLPreview.Picture, MonoBitmap) {
        let (bitmap, notes) = try TestTokens.preview(zpl, density: density)
        return (try ZPLPreview(density: density).picture(bitmap, notes: notes, format: .png), bitmap)
    }

    @Test func code128AndQRDecodeWithZbar() throws {
        let zpl = """
            ^XA^PW812^LL1218
            ^FO60,60^BY3^BCN,160,Y,N,N^FD>;>84201234594001112025556>6ABC^FS
            ^FO60,320^BY2^BCN,120,N,N,N^FD1Z 999 AA1 0123 4567 84^FS
            ^FO500,600^BQN,2,6^FDMA,https://example.test/track?id=42&x=1^FS
            ^XZ
            """
        let (picture, bitmap) = try png(zpl)
        #expect(picture.notes.isEmpty, "\(picture.notes)")
        #expect(bitmap.width == 812 && bitmap.height == 1218)
        let found = try Zbar.decode(picture.bytes)
        #expect(found.contains("CODE-128:1Z 999 AA1 0123 4567 84"), "\(found)")
        #expect(found.contains("QR-Code:https://example.test/track?id=42&x=1"), "\(found)")
        // GS1-128 (FNC1 first): zbar reads the data with the FNC1 left out.
        #expect(found.contains { $0.hasPrefix("CODE-128:") && $0.contains("4201234594001112025556") && $0.hasSuffix("ABC") }, "\(found)")
    }

    @Test(arguments: ["N", "R", "I", "B"])
    func rotatedCode128StillDecodes(letter: String) throws {
        let (picture, _) = try png("^XA^PW812^LL1218^FO100,100^BY2^BC\(letter),150,N,N,N^FDROTATED-\(letter)-42^FS^XZ")
        #expect(try Zbar.decode(picture.bytes).contains("CODE-128:ROTATED-\(letter)-42"))
    }

    @Test func boxesAreDrawnOnTheirDotsAndWhiteBoxesClear() throws {
        let (_, bitmap) = try png("^XA^PW400^LL300^FO10,20^GB100,50,4^FS^FO200,20^GB100,100,100^FS^FO220,40^GB20,20,20,W^FS^XZ")
        // Outline: 4-dot border, hollow inside.
        #expect(bitmap.black(in: 10..<110, 20..<24) == 400)
        #expect(bitmap.black(in: 14..<106, 24..<66) == 0)
        #expect(bitmap.black(in: 10..<110, 20..<70) == 100 * 50 - 92 * 42)
        // Filled, with a white square cut out of it.
        #expect(bitmap.black(in: 200..<300, 20..<120) == 100 * 100 - 400)
        #expect(bitmap.black(in: 220..<240, 40..<60) == 0)
    }

    @Test func reversedFieldsTurnWhatIsUnderThem() throws {
        let (_, plain) = try png("^XA^PW300^LL200^FO10,10^GB200,80,80^FS^XZ")
        let (_, reversed) = try png("^XA^PW300^LL200^FO10,10^GB200,80,80^FS^FO20,20^A0N,50,50^FR^FDWHITE^FS^XZ")
        let black = reversed.black(in: 10..<210, 10..<90)
        #expect(black < plain.black(in: 10..<210, 10..<90))
        #expect(black > 200 * 80 / 2)
    }

    @Test func labelHomeAndTypesetOriginsMoveFields() throws {
        let (_, a) = try png("^XA^PW300^LL300^LH50,60^FO10,10^GB20,20,20^FS^XZ")
        #expect(a.black(in: 60..<80, 70..<90) == 400)
        // ^FT puts a graphic's bottom left at the origin.
        let (_, b) = try png("^XA^PW300^LL300^FT10,100^GB20,20,20^FS^XZ")
        #expect(b.black(in: 10..<30, 80..<100) == 400)
    }

    @Test func downloadedGraphicsRecalledAreTheSameDotsAsInline() throws {
        let bitmap = ZPLPreviewPartsTests.randomBitmap(width: 64, height: 20, seed: 9)
        var hex: [UInt8] = []
        ZPLGraphic.appendCompressed(bitmap, to: &hex)
        let data = String(decoding: hex, as: UTF8.self)
        let (_, inline) = try png("^XA^PW300^LL200^FO30,40^GFA,160,160,8,\(data)^FS^XZ")
        let (_, recalled) = try png("~DGR:LOGO.GRF,160,8,\(data)\n^XA^PW300^LL200^FO30,40^XGR:LOGO.GRF,1,1^FS^XZ")
        #expect(inline.black(in: 0..<300, 0..<200) == bitmap.blackCount)
        #expect(recalled.bytes == inline.bytes)
        // Magnified 2 × 3.
        let (_, big) = try png("~DGR:LOGO.GRF,160,8,\(data)\n^XA^PW300^LL200^FO30,40^XGR:LOGO.GRF,2,3^FS^XZ")
        #expect(big.blackCount == bitmap.blackCount * 6)
    }

    @Test func aMissingGraphicIsNotedInThePicture() throws {
        let (picture, bitmap) = try png("^XA^PW400^LL300^FO30,40^XGR:NOPE.GRF,1,1^FS^FO10,10^GB50,50,50^FS^XZ")
        #expect(picture.notes == ["the label recalls R:NOPE.GRF, which was not downloaded before it; it is drawn without it"])
        // The rest is drawn, and the note band makes the picture taller than the label.
        #expect(bitmap.black(in: 10..<60, 10..<60) == 2500)
        #expect(Sample.pngSize(picture.bytes).1 > 300)
        #expect(Sample.pngSize(picture.bytes).0 == 400)
    }

    @Test func unknownCommandsAndBarcodesAreNotedNotGuessed() throws {
        let (picture, _) = try png("^XA^PW400^LL300^FO10,10^B3N,N,100,Y,N^FD123ABC^FS^FO10,200^ZQ5^FDX^FS^XZ")
        #expect(picture.notes.contains("^B3 barcodes are not drawn by the preview"))
        #expect(picture.notes.contains { $0.hasPrefix("^ZQ at byte ") && $0.hasSuffix("is not interpreted by the preview") })
    }

    @Test func storedFormatsFilledByNumberAreTheSameAsWrittenOut() throws {
        let stored = """
            ^XA^DFR:SHIP.ZPL^FS^PW400^LL300^FO20,20^A0N,40,40^FN1^FS^FO20,100^BY2^BCN,80,N,N,N^FN2^FS^XZ
            ^XA^XFR:SHIP.ZPL^FN1^FDHELLO^FS^FN2^FDABC123^FS^XZ
            """
        let direct = "^XA^PW400^LL300^FO20,20^A0N,40,40^FDHELLO^FS^FO20,100^BY2^BCN,80,N,N,N^FDABC123^FS^XZ"
        let (a, recalled) = try png(stored)
        let (_, written) = try png(direct)
        #expect(a.notes.isEmpty, "\(a.notes)")
        #expect(recalled.bytes == written.bytes)
        #expect(recalled.black(in: 0..<400, 0..<90) > 200)
    }

    @Test func hexEscapesAreDecodedBeforeDrawing() throws {
        let (_, escaped) = try png("^XA^PW400^LL100^FO10,10^A0N,40,40^FH^FD_41_42C^FS^XZ")
        let (_, plain) = try png("^XA^PW400^LL100^FO10,10^A0N,40,40^FDABC^FS^XZ")
        #expect(escaped.bytes == plain.bytes)
        #expect(plain.blackCount > 300)
    }

    @Test func fieldBlocksWrapAndJustify() throws {
        let (_, block) = try png("^XA^PW400^LL300^FO0,0^A0N,30,30^FB300,3,0,C,0^FDone two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen^FS^XZ")
        // Three lines of 30 dots, centred: ink in the lower lines, none past the third.
        #expect(block.black(in: 0..<400, 30..<60) > 100)
        #expect(block.black(in: 0..<400, 60..<90) > 100)
        #expect(block.black(in: 0..<400, 95..<300) == 0)
        // Centred: short lines leave both sides white; \& breaks lines.
        let (_, centred) = try png("^XA^PW400^LL300^FO0,0^A0N,30,30^FB400,3,0,C,0^FDAB\\&CD\\&EF^FS^XZ")
        #expect(centred.black(in: 0..<150, 0..<90) == 0)
        #expect(centred.black(in: 250..<400, 0..<90) == 0)
        #expect(centred.black(in: 150..<250, 60..<90) > 50)
    }

    @Test func svgHasTheSameDotsAndTheNotes() throws {
        let (bitmap, notes) = try TestTokens.preview("^XA^PW200^LL100^FO10,10^GB30,20,20^FS^FO0,0^XGR:NONE.GRF^FS^XZ")
        let svg = String(decoding: try ZPLPreview(density: .dpi203).picture(bitmap, notes: notes, format: .svg).bytes, as: UTF8.self)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\""))
        #expect(svg.contains("M10 10h30v1h-30Z"))
        #expect(svg.contains("Preview note: the label recalls R:NONE.GRF"))
    }

    @Test func a300DotLabelKeepsItsSizeAndBitmapFontsScale() throws {
        let (_, bitmap) = try png("^XA^PW1200^LL1800^FO10,10^AEN,42,20^FDOCR-B 123^FS^FO10,100^ADN,36,20^FDFONT D^FS^XZ", density: .dpi300)
        #expect(bitmap.width == 1200 && bitmap.height == 1800)
        #expect(bitmap.black(in: 0..<400, 10..<60) > 200)
        #expect(bitmap.black(in: 0..<400, 100..<140) > 200)
    }
}

extension ZPLPreviewTests {
    @Test func aBarcodeCutByTheLabelEdgeIsNoted() throws {
        let (picture, bitmap) = try png("^XA^PW400^LL200^FO300,10^BY2^BCN,50,N,N,N^FDTOO-WIDE^FS^XZ")
        #expect(picture.notes.count == 1)
        #expect(picture.notes.first?.hasPrefix("the barcode of ^BC at byte 28 runs ") == true, "\(picture.notes)")
        #expect(picture.notes.first?.contains("past the edge of the 400 × 200-dot label") == true)
        // Drawn as printed: up to the edge.
        #expect(bitmap.black(in: 300..<400, 10..<60) > 1000)
    }
}

extension ZPLPreviewTests {
    @Test func changedCommandCharactersAreFollowed() throws {
        let (picture, bitmap) = try png("^XA^PW200^LL100^XZ\n~CC+\n+XA+PW200+LL100+FO10,10+GB50,40,40+FS+XZ")
        #expect(picture.notes.isEmpty, "\(picture.notes)")
        #expect(bitmap.black(in: 0..<200, 0..<100) == 2000)
    }

    @Test(arguments: [
        "^XA^FO0,0^GB99999,99999,99999^FS^XZ",
        "^XA^BY9999,3,99999^FO0,0^BCN,99999,Y,Y,N^FDABC^FS^XZ",
        "^XA^FO0,0^BQN,2,100^FDMA,\(String(repeating: "x", count: 2000))^FS^XZ",
        "^XA^FO0,0^BXN,9999,200^FDabc^FS^XZ",
        "^XA^BY10^FO0,0^B7N,999,8,30^FD\(String(repeating: "y", count: 500))^FS^XZ",
        "^XA^FO0,0^A0N,32000,32000^FDBIG^FS^XZ",
        "^XA^FO0,0^A0N,40,40^FB99999,99999,-99999,J^FDa b c^FS^XZ",
        "~DGR:X.GRF,99999999,1,FF\n^XA^FO0,0^XGR:X.GRF,999,999^FS^XZ",
        "^XA^FO0,0^GFA,99999999,99999999,1,FF^FS^XZ",
        "^XA^FO0,0^BD9^FD123^FS^FO0,0^BD2^FD12^FS^XZ",
        "^XA^FO0,0^BCN,50,N,N,N^FD>;>>>9>8>^FS^FO0,0^BCN,50,N,N,N,U^FD^FS^XZ",
    ])
    func hostileParametersNeverTrapAndStayBounded(zpl: String) throws {
        let start = ContinuousClock.now
        do {
            let (bitmap, _) = try TestTokens.preview(zpl)
            #expect(bitmap.width <= 8 * 203 && bitmap.height <= 20 * 203)
        } catch let error as LabelError {
            // The stream is refused before drawing (a payload shorter than declared): said in words.
            #expect(error.message.contains("declares"), "\(error.message)")
        }
        print("hostile preview \(zpl.prefix(40)): \(ContinuousClock.now - start)")
        #expect(ContinuousClock.now - start < .seconds(20))
    }
}
