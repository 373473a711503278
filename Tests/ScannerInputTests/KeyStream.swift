import PackCore
@testable import ScannerInput

/// Builds evdev event streams the way usbhid reports a keyboard-wedge scanner: one frame per
/// change (EV_KEY events then SYN_REPORT), `step` microseconds apart.
struct KeyStream {
    var events: [InputEvent] = []
    var time = EventTime(seconds: 1_800_000_000, microseconds: 0)
    var step: Int64 = 1_000

    static let leftShift: UInt16 = 42, leftCtrl: UInt16 = 29, leftAlt: UInt16 = 56, rightAlt: UInt16 = 100
    static let enter: UInt16 = 28, kpEnter: UInt16 = 96, tab: UInt16 = 15, space: UInt16 = 57, capsLock: UInt16 = 58, numLock: UInt16 = 69
    static let rightBrace: UInt16 = 27, keyD: UInt16 = 32, key6: UInt16 = 7, keyQ: UInt16 = 16, keyY: UInt16 = 21, keyZ: UInt16 = 44
    /// KEY_KP0…KEY_KP9.
    static let keypad: [UInt16] = [82, 79, 80, 81, 75, 76, 77, 71, 72, 73]

    /// A US keyboard, independent of xkb: character → (key code, Shift).
    static let us: [Character: (UInt16, Bool)] = {
        var t: [Character: (UInt16, Bool)] = [:]
        let rows: [(String, String, [UInt16])] = [
            ("1234567890-=", "!@#$%^&*()_+", [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]),
            ("qwertyuiop[]", "QWERTYUIOP{}", [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]),
            ("asdfghjkl;'`", "ASDFGHJKL:\"~", [30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41]),
            ("\\zxcvbnm,./", "|ZXCVBNM<>?", [43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53]),
        ]
        for (plain, shifted, codes) in rows {
            for (c, code) in zip(plain, codes) { t[c] = (code, false) }
            for (c, code) in zip(shifted, codes) { t[c] = (code, true) }
        }
        t[" "] = (57, false)
        return t
    }()

    /// One frame: these key changes, then SYN_REPORT.
    mutating func frame(_ changes: [(UInt16, Int32)]) {
        for (code, value) in changes {
            events.append(InputEvent(time: time, type: InputEvent.keyType, code: code, value: value))
        }
        events.append(InputEvent(time: time, type: InputEvent.synType, code: InputEvent.synReport, value: 0))
        time = time.adding(microseconds: step)
    }

    /// Presses the modifiers and the key, then releases all (how scanners send one character).
    mutating func tap(_ code: UInt16, with modifiers: [UInt16] = []) {
        frame(modifiers.map { ($0, 1) } + [(code, 1)])
        frame([(code, 0)] + modifiers.map { ($0, 0) })
    }

    /// Types text on a US-layout scanner.
    mutating func type(_ text: String) {
        for c in text {
            let (code, shift) = Self.us[c]!
            tap(code, with: shift ? [Self.leftShift] : [])
        }
    }

    mutating func enter() { tap(Self.enter) }

    /// GS as Ctrl+] (the US key right of P).
    mutating func gsAsCtrlBracket() { tap(Self.rightBrace, with: [Self.leftCtrl]) }

    /// Alt held while the digits are typed on the keypad.
    mutating func altCode(_ digits: String) {
        frame([(Self.leftAlt, 1)])
        for d in digits {
            let code = Self.keypad[Int(String(d))!]
            frame([(code, 1)])
            frame([(code, 0)])
        }
        frame([(Self.leftAlt, 0)])
    }

    /// Lets time pass without events.
    mutating func wait(milliseconds: Int64) { time = time.adding(microseconds: milliseconds * 1_000) }

    /// Any event, for garbage.
    mutating func raw(type: UInt16, code: UInt16, value: Int32) {
        events.append(InputEvent(time: time, type: type, code: code, value: value))
    }

    var bytes: [UInt8] { events.flatMap(\.record) }
}

/// Decodes a stream and returns the scans' raw text and the faults.
func decode(_ stream: KeyStream, layout: String = "us", terminator: ScanFramer.Terminator = .enter, timeoutMs: Int64? = nil, maxLength: Int = 8_192) throws -> (scans: [String], faults: [ScanFault]) {
    let framing = ScanFramer.Configuration(terminator: terminator, interKeyTimeout: timeoutMs.map { $0 * 1_000 }, maxLength: maxLength)
    let events = try ScanDecoder.decode(capture: stream.bytes, layout: Layouts.named(layout), framing: framing)
    var scans: [String] = [], faults: [ScanFault] = []
    for event in events {
        switch event {
        case .scan(let scan): scans.append(scan.raw)
        case .fault(_, let fault, _): faults.append(fault)
        default: break
        }
    }
    return (scans, faults)
}

/// Compiled layouts shared by the tests (compiling one takes milliseconds).
///
/// A static let, initialized once on first use, rather than a cache behind a `Mutex`: when
/// tests wait on a contended `Mutex`, they wait in the standard library's futex path, which
/// ThreadSanitizer does not see, so scripts/sanitizers.sh reported a race that was not there.
enum Layouts {
    static let compiled: [String: KeyboardLayout] = Dictionary(
        uniqueKeysWithValues: ["us", "gb", "de", "fr"].map { ($0, try! KeyboardLayout($0)) })

    static func named(_ name: String) throws -> KeyboardLayout {
        try compiled[name] ?? KeyboardLayout(name)
    }
}
