import Foundation
@testable import LabelGraphics
import Labels
import Testing

/// The preview's pieces that need no tokenizer: graphics decoding and Code 128 as a printer encodes it.
@Suite struct ZPLPreviewPartsTests {
    static func randomBitmap(width: Int, height: Int, seed: UInt64) -> MonoBitmap {
        var state = seed
        var bitmap = MonoBitmap(width: width, height: height)
        for y in 0..<height {
            // Runs, blank rows and repeated rows, so every compression form is used.
            if y > 0 && y % 5 == 0 {
                for x in 0..<width where bitmap[x, y - 1] { bitmap[x, y] = true }
                continue
            }
            if y % 7 == 3 { continue }
            for x in 0..<width {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                if (state >> 33) % 3 == 0 || (y % 4 == 0 && x < width / 2) { bitmap[x, y] = true }
            }
        }
        return bitmap
    }

    @Test(arguments: [(8, 3), (13, 9), (64, 40), (203, 17), (812, 30)])
    func compressedHexReadsBackAsTheSameDots(width: Int, height: Int) throws {
        let bitmap = Self.randomBitmap(width: width, height: height, seed: UInt64(width * 31 + height))
        var gf: [UInt8] = []
        ZPLGraphic.appendGF(bitmap, to: &gf)
        // ^GF parameters as the tokenizer hands them over: after the command code.
        let decoded = try ZPLPreviewGraphic.field(gf.dropFirst(3))
        #expect(decoded.width == bitmap.bytesPerRow * 8)
        #expect(decoded.height == bitmap.height)
        #expect(decoded.bytes == bitmap.bytes)
    }

    @Test func z64AndB64GraphicsDecode() throws {
        let expected: [UInt8] = [0xF0, 0x0F, 0xAA, 0x55, 0xFF, 0x00, 0x81, 0x7E]
        let z64 = try ZPLPreviewGraphic.field(Array("A,8,8,2,:Z64:eJz7wL8q9D9DYx0AExID/Q==:1234".utf8)[...])
        #expect(z64.bytes == expected)
        #expect(z64.width == 16 && z64.height == 4)
        let b64 = try ZPLPreviewGraphic.decode(Array(":B64:8A+qVf8AgX4=:ABCD".utf8)[...], total: 8, rowBytes: 2)
        #expect(b64.bytes == expected)
    }

    @Test func damagedGraphicsSayWhatIsWrong() {
        #expect(throws: ZPLPreviewGraphic.Failure.self) { try ZPLPreviewGraphic.field(Array("A,8,8,2,:Z64:not base64 at all!!:1234".utf8)[...]) }
        #expect(throws: ZPLPreviewGraphic.Failure.self) { try ZPLPreviewGraphic.field(Array("A,,,".utf8)[...]) }
        // Larger than any label: refused before anything is allocated.
        #expect(throws: ZPLPreviewGraphic.Failure.self) { try ZPLPreviewGraphic.decode(Array("FF".utf8)[...], total: 99_999_999, rowBytes: 1) }
        do {
            _ = try ZPLPreviewGraphic.field(Array("C,8,8,2,xxxx".utf8)[...])
            Issue.record("^GFC was accepted")
        } catch {
            #expect(error.reason.contains("compressed binary"))
        }
    }

    @Test func shortHexDataIsPaddedWhiteLikeOnThePrinter() throws {
        let bitmap = try ZPLPreviewGraphic.decode(Array("FF".utf8)[...], total: 4, rowBytes: 2)
        #expect(bitmap.bytes == [0xFF, 0x00, 0x00, 0x00])
        // `!` fills the row with ones, `,` with zeros, `:` repeats the row above.
        let marks = try ZPLPreviewGraphic.decode(Array("8!,:".utf8)[...], total: 6, rowBytes: 2)
        #expect(marks.bytes == [0x8F, 0xFF, 0x00, 0x00, 0x00, 0x00])
    }

    @Test func invocationCodesChooseTheSubsetsAsThePrinterDoes() {
        // >; start C, >8 FNC1: an SSCC in subset C.
        let sscc = ZPLPreviewCode128(data: Array(">;>800123456789012345675".utf8) + [], mode: .none)
        #expect(Array(sscc.values.prefix(3)) == [105, 102, 0])
        #expect(sscc.readable == "00123456789012345675")
        #expect(sscc.values.last == 106)
        // No start code: subset B; >5 switches to C for the digits.
        let mixed = ZPLPreviewCode128(data: Array("AB>51234".utf8), mode: .none)
        #expect(mixed.values.dropLast(2) == [104, 33, 34, 99, 12, 34])
        #expect(mixed.readable == "AB1234")
        // >9 starts subset A, where control characters are values 64–95.
        let a = ZPLPreviewCode128(data: [UInt8](">9A".utf8) + [0x09], mode: .none)
        #expect(a.values.dropLast(2) == [103, 33, 73])
        // >< is a '>' in the data.
        #expect(ZPLPreviewCode128(data: Array("A><B".utf8), mode: .none).readable == "A>B")
        // The check character: (start + sum of position × value) mod 103.
        let check = (104 + 1 * 33 + 2 * 34 + 3 * 99 + 4 * 12 + 5 * 34) % 103
        #expect(mixed.values[mixed.values.count - 2] == check)
    }

    @Test(arguments: ["1Z999AA10123456784", "ORDER-4711/x", "12345678901234", "A1B2C3", "9400110200881234567890", "a>b"])
    func ourZPLIsEncodedAtTheWidthWePlannedFor(text: String) throws {
        // The ZPL renderer fits Code 128 to its box by its own subset plan; the preview must
        // read that plan back to the same symbol width and the same data.
        let symbol = try Code128(text: text)
        var zpl: [UInt8] = []
        symbol.appendZPL(to: &zpl)
        let read = ZPLPreviewCode128(data: ZPLPreviewFormatState.unescape(zpl[...], UInt8(ascii: "_")), mode: .none)
        #expect(read.modules == symbol.modules)
        #expect(read.readable == text)
        #expect(read.problems.isEmpty)
    }

    @Test func subsetCWithALoneCharacterIsNotedNotGuessed() {
        let code = ZPLPreviewCode128(data: Array(">;12A4".utf8), mode: .none)
        #expect(code.readable == "12")
        #expect(!code.problems.isEmpty)
    }

    @Test func gs1ModeStripsParenthesesAndStartsWithFNC1() {
        let code = ZPLPreviewCode128(data: Array("(00)123456789012345675".utf8), mode: .gs1)
        #expect(code.values[0] == 105)
        #expect(code.values[1] == 102)
        #expect(code.readable == "(00)123456789012345675")
    }

    @Test func qrFieldDataGivesLevelAndData() {
        let qr = ZPLPreviewSymbols.qrData(Array("MA,hello".utf8))
        #expect(qr.level == UInt8(ascii: "M"))
        #expect(qr.data == Array("hello".utf8))
        #expect(ZPLPreviewSymbols.qrData(Array("QA,a,b".utf8)).data == Array("a,b".utf8))
        #expect(ZPLPreviewSymbols.qrData(Array("LM,N0123,AAB,B0003x,y".utf8)).data == Array("0123ABx,y".utf8))
    }

    @Test func dataMatrixEscapesBecomeFNC1AndBytes() {
        let gs1 = ZPLPreviewSymbols.dataMatrixData(Array("_10112345678901231_110ABC".utf8), escape: UInt8(ascii: "_"))
        #expect(gs1.gs1)
        #expect(gs1.data == Array("0112345678901231".utf8) + [0x1D] + Array("10ABC".utf8))
        let plain = ZPLPreviewSymbols.dataMatrixData(Array("A__B_d065".utf8), escape: UInt8(ascii: "_"))
        #expect(!plain.gs1)
        #expect(plain.data == Array("A_BA".utf8))
    }
}
