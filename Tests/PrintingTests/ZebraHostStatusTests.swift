import Testing
@testable import Printing

@Suite struct ZebraHostStatusTests {
    /// A reply as a ZD421 sends it with the media out and two formats waiting.
    static let paperOutReply: [UInt8] = Array("\u{02}030,1,0,1218,002,0,0,0,000,0,0,0\u{03}\r\n\u{02}001,0,0,0,1,2,6,0,00000003,1,000\u{03}\r\n\u{02}1234,0\u{03}\r\n".utf8)

    @Test func parsesARealReply() throws {
        let s = try #require(ZebraHostStatus(reply: Self.paperOutReply))
        #expect(s.paperOut && !s.paused && !s.headOpen)
        #expect(s.formatsInBuffer == 2 && s.labelsRemaining == 3 && s.labelLengthDots == 1218)
        #expect(s.thermalTransfer)
        #expect(s.conditions == [.mediaEmpty])
        #expect(!s.canPrint && !s.isIdle)
    }

    @Test(arguments: [
        (ZebraHostStatus(paperOut: true), [PrinterCondition.mediaEmpty]),
        (ZebraHostStatus(paused: true), [.paused]),
        (ZebraHostStatus(headOpen: true, ribbonOut: true), [.headOpen, .ribbonOut]),
        (ZebraHostStatus(overTemperature: true), [.headTooHot]),
        (ZebraHostStatus(bufferFull: true), [.bufferFull]),
        (ZebraHostStatus(), []),
    ])
    func conditionsRoundTripThroughTheWireFormat(status: ZebraHostStatus, conditions: [PrinterCondition]) throws {
        let parsed = try #require(ZebraHostStatus(reply: status.reply))
        #expect(parsed == status)
        #expect(parsed.conditions == conditions)
        #expect(parsed.canPrint == conditions.allSatisfy { $0 == .bufferFull })
    }

    @Test(arguments: [
        "",
        "\u{02}030,1,0\u{03}\r\n",
        "\u{02}030,x,0,1218,002,0,0,0,000,0,0,0\u{03}\r\n\u{02}001,0,0,0,1,2,6,0,00000003,1,000\u{03}\r\n\u{02}1234,0\u{03}\r\n",
        "garbage \u{FFFF}\u{0}",
    ])
    func incompleteOrForeignRepliesAreNotStatuses(reply: String) {
        #expect(ZebraHostStatus(reply: Array(reply.utf8)) == nil)
    }

    @Test func adviceSaysWhatToDo() {
        #expect(PrinterCondition.mediaEmpty.advice(printer: "zebra1") == "zebra1: out of labels — load labels and press FEED")
        for c in PrinterCondition.allCases { #expect(c.advice(printer: "p").hasPrefix("p: ")) }
    }
}
