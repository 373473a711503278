import Testing
@testable import Printing

@Suite struct USBDeviceIDTests {
    /// What real printers send: a Zebra ZD421, a Zebra with the long keys and a serial, an
    /// office laser printer (must never be taken for a ZPL printer), an EPL-only Zebra.
    @Test(arguments: [
        ("MFG:Zebra Technologies;CMD:ZPL;MDL:ZD421;CLS:PRINTER;", "Zebra Technologies", "ZD421", ["ZPL"], nil as String?, true),
        ("MANUFACTURER:Zebra Technologies;COMMAND SET:ZPL2,EPL2;MODEL:ZTC GK420d;SN:28J123456789;", "Zebra Technologies", "ZTC GK420d", ["ZPL2", "EPL2"], "28J123456789", true),
        ("MFG:HP;MDL:HP LaserJet M404;CMD:PJL,PCL,PCLXL,POSTSCRIPT,PDF;CLS:PRINTER;DES:LaserJet;", "HP", "HP LaserJet M404", ["PJL", "PCL", "PCLXL", "POSTSCRIPT", "PDF"], nil, false),
        ("mfg:Zebra;cmd:EPL2;mdl:LP2844;", "Zebra", "LP2844", ["EPL2"], nil, false),
        ("MFG: Zebra Technologies ; CMD: ZPLII , EPL ;MDL:ZT410", "Zebra Technologies", "ZT410", ["ZPLII", "EPL"], nil, true),
    ])
    func parsesTheKeysThatTellPrintersApart(text: String, mfg: String, mdl: String, cmd: [String], serial: String?, zpl: Bool) {
        let id = IEEE1284DeviceID(text)
        #expect(id.manufacturer == mfg)
        #expect(id.model == mdl)
        #expect(id.commandSet == cmd)
        #expect(id.serialNumber == serial)
        #expect(id.speaksZPL == zpl)
    }

    @Test func pdfOnlyWhenTheCommandSetSaysSo() {
        #expect(IEEE1284DeviceID("MFG:HP;CMD:PCL,PDF;").speaksPDF)
        #expect(!IEEE1284DeviceID("MFG:Zebra Technologies;CMD:ZPL;").speaksPDF)
    }

    private static let zebra = "MFG:Zebra Technologies;CMD:ZPL;MDL:ZD421;CLS:PRINTER;"

    private static func reply(_ text: String, length: Int, littleEndian: Bool = false, padding: Int = 0) -> [UInt8] {
        let hi = UInt8(length >> 8), lo = UInt8(length & 0xFF)
        return (littleEndian ? [lo, hi] : [hi, lo]) + Array(text.utf8) + [UInt8](repeating: 0, count: padding)
    }

    @Test func readsTheGetDeviceIDReplyWithItsBigEndianLengthThatCountsItself() throws {
        let id = try #require(IEEE1284DeviceID(reply: Self.reply(Self.zebra, length: Self.zebra.utf8.count + 2)))
        #expect(id.description == Self.zebra)
        #expect(id.speaksZPL)
    }

    @Test func readsLittleEndianLengthsAndStopsAtTheLength() throws {
        // 0x3A00 big-endian would be longer than the reply: read the other way round, as CUPS does.
        let little = try #require(IEEE1284DeviceID(reply: Self.reply(Self.zebra, length: Self.zebra.utf8.count + 2, littleEndian: true)))
        #expect(little.description == Self.zebra)
        // A reply buffer longer than the id (the rest is whatever the buffer held) ends at the length.
        let padded = try #require(IEEE1284DeviceID(reply: Self.reply(Self.zebra, length: Self.zebra.utf8.count + 2) + Array("MFG:junk;".utf8)))
        #expect(padded.manufacturer == "Zebra Technologies" && padded.fields.count == 4)
        // A length larger than what arrived either way is clamped to what arrived.
        let long = try #require(IEEE1284DeviceID(reply: Self.reply(Self.zebra, length: 0x7F7F)))
        #expect(long.model == "ZD421")
    }

    @Test func aLengthThatCountsOnlyTheTextLosesTheLastTwoCharacters() throws {
        // Linux 6.1's usb_f_printer does this; the keys that matter still parse.
        let id = try #require(IEEE1284DeviceID(reply: Self.reply(Self.zebra, length: Self.zebra.utf8.count)))
        #expect(id.speaksZPL && id.model == "ZD421")
        #expect(id.deviceClass == "PRINTE")
    }

    @Test(arguments: [[], [0, 2], [0, 0, 0, 0], [0, 5, 0x3B, 0x3B, 0x3B]] as [[UInt8]])
    func noIDWhenTheReplyHoldsNone(reply: [UInt8]) {
        #expect(IEEE1284DeviceID(reply: reply) == nil)
    }

    @Test func trailingNULsAreNotPartOfTheID() throws {
        let id = try #require(IEEE1284DeviceID(reply: Self.reply("MFG:Zebra;CMD:ZPL;\0\0", length: 22)))
        #expect(id.description == "MFG:Zebra;CMD:ZPL;")
    }
}
