import Foundation
import PackCore
import Testing
@testable import ScannerInput

/// Decoding of key events into scans, per layout, with the key tricks scanners use.
struct ScanDecoderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let printable = String((0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) })

    /// Captures generated from hand-written layout tables (scripts/vm/hidkeys.py, not xkb):
    /// every printable ASCII character, with CapsLock on and off, and GS both ways.
    @Test(arguments: ["us", "gb", "de", "fr"], ["ascii", "gs"])
    func generatedCapturesDecodeExactly(layout: String, kind: String) throws {
        let bytes = try Array(Data(contentsOf: Self.fixtures.appendingPathComponent("\(kind)-\(layout).bin")))
        let expected = try String(contentsOf: Self.fixtures.appendingPathComponent("\(kind)-\(layout).txt"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(String.self, from: Data($0.utf8)) }
        let events = try ScanDecoder.decode(capture: bytes, layout: Layouts.named(layout))
        let scans = events.compactMap { if case .scan(let s) = $0 { s.raw } else { nil } }
        #expect(scans == expected)
        #expect(events.count == scans.count, "no faults: \(events)")
        if kind == "ascii" { #expect(scans.first == Self.printable) }
    }

    @Test(arguments: [
        // (layout, key code, modifiers, expected): keys whose meaning differs between layouts
        ("gb", UInt16(40), [KeyStream.leftShift], "@"), ("gb", 3, [KeyStream.leftShift], "\""), ("gb", 86, [], "\\"),
        ("us", 40, [KeyStream.leftShift], "\""), ("us", 3, [KeyStream.leftShift], "@"),
        ("de", KeyStream.keyY, [], "z"), ("de", KeyStream.keyZ, [], "y"), ("de", KeyStream.keyQ, [KeyStream.rightAlt], "@"),
        ("de", 12, [], "ß"), ("de", 9, [KeyStream.rightAlt], "["),
        ("fr", KeyStream.keyQ, [], "a"), ("fr", 2, [], "&"), ("fr", 2, [KeyStream.leftShift], "1"), ("fr", 11, [KeyStream.rightAlt], "@"),
        ("es", 3, [KeyStream.rightAlt], "@"), ("it", 39, [KeyStream.rightAlt], "@"),
    ] as [(String, UInt16, [UInt16], String)])
    func keysMeanWhatTheLayoutSays(layout: String, code: UInt16, modifiers: [UInt16], expected: String) throws {
        var s = KeyStream()
        s.tap(code, with: modifiers)
        s.enter()
        #expect(try decode(s, layout: layout).scans == [expected])
    }

    @Test func groupSeparatorBothWaysAndOtherControlCharacters() throws {
        var s = KeyStream()
        s.type("]C101")
        s.gsAsCtrlBracket()
        s.type("10A")
        s.altCode("0029")
        s.type("21B")
        s.altCode("29")
        s.tap(KeyStream.key6, with: [KeyStream.leftCtrl, KeyStream.leftShift])  // Ctrl+^ = RS
        s.tap(KeyStream.keyD, with: [KeyStream.leftCtrl])  // Ctrl+D = EOT
        s.altCode("030")  // RS as an Alt code
        s.altCode("0228")  // ä (Windows-1252)
        s.altCode("132")  // ä (code page 437)
        s.enter()
        let scans = try decode(s).scans
        #expect(scans == ["]C101\u{1D}10A\u{1D}21B\u{1D}\u{1E}\u{04}\u{1E}ää"], "\(scans.map { $0.unicodeScalars.map { String($0.value, radix: 16) } })")
    }

    /// A German-configured scanner that sends GS as Ctrl + the US `]` key (the `+` key on a German keyboard).
    @Test(arguments: ["de", "fr", "gb"])
    func ctrlBracketIsGroupSeparatorOnEveryLayout(layout: String) throws {
        var s = KeyStream()
        s.tap(2)  // the 1 key, whatever it types on this layout
        s.gsAsCtrlBracket()
        s.enter()
        let scans = try decode(s, layout: layout).scans
        #expect(scans.count == 1)
        #expect(scans.first?.unicodeScalars.last == "\u{1D}")
    }

    @Test func capsLockComesFromTheScannerAloneAndIsPerDevice() throws {
        var s = KeyStream()
        s.tap(KeyStream.capsLock)
        s.tap(30)  // a
        s.tap(30, with: [KeyStream.leftShift])
        s.type("1!")
        s.enter()
        s.tap(KeyStream.capsLock)
        s.type("aB")
        s.enter()
        #expect(try decode(s).scans == ["Aa1!", "aB"])
        // Another device's decoder never saw that CapsLock.
        var other = KeyStream()
        other.type("ab")
        other.enter()
        #expect(try decode(other).scans == ["ab"])
    }

    @Test func deadKeysFollowedBySpaceGiveTheAccentAndComposeWithLetters() throws {
        var s = KeyStream()
        s.tap(41)  // de: dead_circumflex
        s.tap(KeyStream.space)
        s.tap(13)  // de: dead_acute
        s.tap(18)  // e
        s.tap(13, with: [KeyStream.leftShift])  // dead_grave
        s.tap(KeyStream.space)
        s.enter()
        #expect(try decode(s, layout: "de").scans == ["^é`"])
    }

    @Test func keypadDigitsAreDigitsUntilTheScannerTurnsNumLockOff() throws {
        var s = KeyStream()
        for code in KeyStream.keypad { s.tap(code) }
        s.tap(98)  // KP /
        s.enter()
        #expect(try decode(s).scans == ["0123456789/"])
    }

    @Test(arguments: [
        (ScanFramer.Terminator.enter, KeyStream.enter, ["A1", "B2"]),
        (.kpEnter, KeyStream.kpEnter, ["A1", "B2"]),
        (.tab, KeyStream.tab, ["A1", "B2"]),
    ] as [(ScanFramer.Terminator, UInt16, [String])])
    func backToBackScansWithTerminators(terminator: ScanFramer.Terminator, key: UInt16, expected: [String]) throws {
        var s = KeyStream()
        s.type("A1")
        s.tap(key)
        s.type("B2")  // 1 ms later: no gap at all
        s.tap(key)
        #expect(try decode(s, terminator: terminator) == (expected, []))
    }

    @Test func withoutATerminatorScansAreSplitByTheGap() throws {
        var s = KeyStream()
        s.type("4006381333931")
        s.wait(milliseconds: 150)
        s.type("ORD-1001")
        let result = try decode(s, terminator: .none, timeoutMs: 100)
        #expect(result.scans == ["4006381333931", "ORD-1001"])
        #expect(result.faults.isEmpty)
        // The same gap shorter than the timeout joins them: the timeout must be below the time between scans.
        #expect(try decode(s, terminator: .none, timeoutMs: 200).scans == ["4006381333931ORD-1001"])
    }

    @Test func anEnterThatIsNotTheTerminatorIsData() throws {
        var s = KeyStream()
        s.type("A")
        s.enter()
        s.type("B")
        s.tap(KeyStream.tab)
        #expect(try decode(s, terminator: .tab).scans == ["A\rB"])
    }

    @Test func autoRepeatIsIgnoredAndAStuckKeyIsReported() throws {
        var s = KeyStream()
        s.frame([(30, 1)])
        for _ in 0..<5 { s.frame([(30, 2)]) }
        s.frame([(30, 0)])
        s.enter()
        #expect(try decode(s) == (["a"], []))
        var stuck = KeyStream()
        stuck.frame([(48, 1)])
        for _ in 0..<200 { stuck.frame([(48, 2)]) }
        stuck.frame([(48, 0)])
        stuck.enter()
        let result = try decode(stuck)
        #expect(result.scans == ["b"])
        #expect(result.faults == [.stuckKey(code: 48)])
    }

    @Test func aScanSplitAcrossReadsDecodesAsOne() throws {
        var s = KeyStream()
        s.type("]E04006381333931")
        s.enter()
        let layout = try Layouts.named("us")
        for cut in [1, 7, s.events.count / 2, s.events.count - 4] {
            let decoder = ScanDecoder(device: "d", layout: layout)
            var out: [ScanEvent] = []
            for e in s.events[..<cut] { decoder.feed(e) { out.append($0) } }
            #expect(out.isEmpty)
            for e in s.events[cut...] { decoder.feed(e) { out.append($0) } }
            guard case .scan(let scan) = out.first else { Issue.record("no scan at cut \(cut)"); continue }
            #expect(out.count == 1)
            #expect(scan.raw == "]E04006381333931")
            #expect(scan.data == "4006381333931")
            #expect(scan.symbology?.description == "]E0")
        }
    }

    @Test func garbageEventsAreIgnored() throws {
        var s = KeyStream()
        s.raw(type: 2, code: 0, value: 5)  // EV_REL
        s.raw(type: 3, code: 0, value: 99)  // EV_ABS
        s.raw(type: 4, code: 4, value: 0x70004)  // EV_MSC scan code
        s.raw(type: 0x11, code: 0, value: 1)  // EV_LED
        s.type("A")
        s.frame([(183, 1)])  // KEY_F13: no character
        s.frame([(183, 0)])
        s.frame([(0x2FF, 1)])  // beyond KEY_MAX
        s.frame([(31, 7)])  // not a key transition
        s.frame([(0, 1)])  // KEY_RESERVED
        s.raw(type: 0xFFFF, code: 0xFFFF, value: -1)
        s.type("1")
        s.enter()
        #expect(try decode(s) == (["A1"], []))
    }

    @Test func lostEventsDropTheScanInProgressAndTheNextScanIsClean() throws {
        var s = KeyStream()
        s.frame([(KeyStream.leftShift, 1)])
        s.tap(30)
        s.raw(type: 0, code: InputEvent.synDropped, value: 0)
        s.frame([(31, 1)])  // in the dropped frame: ignored
        s.frame([(KeyStream.leftShift, 0)])
        s.type("bc")  // the rest of the damaged scan: never a scan of its own
        s.enter()
        s.type("ok")
        s.enter()
        let result = try decode(s)
        #expect(result.scans == ["ok"])
        #expect(result.faults == [.eventsLost(fragment: "A")])
    }

    @Test func aTenKilobyteBurstIsOneFaultWithBoundedMemory() throws {
        var s = KeyStream()
        s.type(String(repeating: "x", count: 10_000))
        s.enter()
        s.type("next")
        s.enter()
        let result = try decode(s, maxLength: 4_096)
        #expect(result.faults == [.tooLong(discarded: 4_097)])
        #expect(result.scans == ["next"])
    }

    @Test func anUnterminatedFragmentIsReportedNotJoinedToTheNextScan() throws {
        var s = KeyStream()
        s.type("12")
        s.wait(milliseconds: 3_000)
        s.type("34")
        s.enter()
        let result = try decode(s)
        #expect(result.faults == [.unterminated(fragment: "12")])
        #expect(result.scans == ["34"])
    }

    @Test func anUnknownLayoutSaysWhatToUse() {
        #expect(throws: ScannerInputError.self) { try KeyboardLayout("klingon") }
        #expect(throws: ScannerInputError.self) { try KeyboardLayout("us; rm -rf") }
        do {
            _ = try KeyboardLayout("klingon")
        } catch {
            #expect(error.message.contains("'klingon'"))
            #expect(error.message.contains("us, de, fr"))
        }
    }
}
