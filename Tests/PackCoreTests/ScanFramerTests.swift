import Testing
@testable import PackCore

/// The scan framer alone: characters and keys with times in, scans and faults out.
struct ScanFramerTests {
    enum In { case c(String, Int64), key(ScanFramer.Key, Int64), lost(Int64), expire(Int64), finish }

    static func run(_ config: ScanFramer.Configuration, _ inputs: [In]) -> [ScanFramer.Output] {
        var framer = ScanFramer(configuration: config)
        var out: [ScanFramer.Output] = []
        for input in inputs {
            switch input {
            case .c(let text, let t):
                for (i, c) in text.unicodeScalars.enumerated() {
                    if let o = framer.character(c, at: EventTime(microseconds: t + Int64(i) * 1_000)) { out.append(o) }
                }
            case .key(let k, let t): if let o = framer.key(k, at: EventTime(microseconds: t)) { out.append(o) }
            case .lost(let t): if let o = framer.eventsLost(at: EventTime(microseconds: t)) { out.append(o) }
            case .expire(let t): if let o = framer.expire(at: EventTime(microseconds: t)) { out.append(o) }
            case .finish: if let o = framer.finish() { out.append(o) }
            }
        }
        return out
    }

    static func scan(_ raw: String, _ start: Int64, _ end: Int64) -> ScanFramer.Output {
        .scan(.init(raw: raw, started: EventTime(microseconds: start), ended: EventTime(microseconds: end)))
    }

    @Test func enterEndsAScanAndEmptyScansAreNotScans() {
        let out = Self.run(.init(), [.key(.enter, 0), .c("AB", 10_000), .key(.enter, 12_000), .key(.enter, 13_000)])
        #expect(out == [Self.scan("AB", 10_000, 12_000)])
    }

    @Test func withoutATerminatorTheTimeoutEndsTheScanAtTheLastKey() {
        let config = ScanFramer.Configuration(terminator: .none, interKeyTimeout: 50_000)
        var framer = ScanFramer(configuration: config)
        _ = framer.character("1", at: EventTime(microseconds: 0))
        _ = framer.character("2", at: EventTime(microseconds: 1_000))
        #expect(framer.deadline == EventTime(microseconds: 51_000))
        #expect(framer.expire(at: EventTime(microseconds: 51_000)) == nil)  // not yet past
        #expect(framer.expire(at: EventTime(microseconds: 51_001)) == Self.scan("12", 0, 1_000))
        #expect(framer.deadline == nil)
        #expect(framer.isIdle)
    }

    @Test func keysThatAreNotTheTerminatorAreData() {
        #expect(Self.run(.init(terminator: .kpEnter), [.c("A", 0), .key(.enter, 1_000), .key(.tab, 2_000), .key(.kpEnter, 3_000)]) == [Self.scan("A\r\t", 0, 3_000)])
        #expect(Self.run(.init(terminator: .none), [.c("A", 0), .key(.enter, 1_000), .finish]) == [Self.scan("A\r", 0, 1_000)])
    }

    @Test func aFragmentWithoutItsTerminatorIsAFaultAtTimeoutOrEnd() {
        let config = ScanFramer.Configuration(terminator: .enter, interKeyTimeout: 100_000)
        #expect(Self.run(config, [.c("12", 0), .c("AB", 500_000), .key(.enter, 502_000)])
            == [.fault(.unterminated(fragment: "12")), Self.scan("AB", 500_000, 502_000)])
        #expect(Self.run(config, [.c("12", 0), .finish]) == [.fault(.unterminated(fragment: "12"))])
    }

    @Test func lostEventsDropTheDamagedScanToItsEnd() {
        // The tail "34" of the damaged scan is dropped up to its Enter; the next scan is whole.
        #expect(Self.run(.init(), [.c("12", 0), .lost(5_000), .c("34", 6_000), .key(.enter, 8_000), .c("56", 20_000), .key(.enter, 22_000)])
            == [.fault(.eventsLost(fragment: "12")), Self.scan("56", 20_000, 22_000)])
        // Lost between scans: the lost events may have held a scan's start, so its rest is dropped too.
        #expect(Self.run(.init(), [.lost(0), .c("tail", 1_000), .key(.enter, 5_000)]) == [.fault(.eventsLost(fragment: ""))])
        // Without a terminator the timeout gap ends the damage.
        #expect(Self.run(.init(terminator: .none, interKeyTimeout: 50_000), [.c("12", 0), .lost(2_000), .c("34", 3_000), .c("OK", 500_000), .finish])
            == [.fault(.eventsLost(fragment: "12")), Self.scan("OK", 500_000, 501_000)])
    }

    @Test(arguments: [ScanFramer.Terminator.enter, .none])
    func anOverlongBurstIsOneFaultThenTheNextScanWorks(terminator: ScanFramer.Terminator) {
        let config = ScanFramer.Configuration(terminator: terminator, interKeyTimeout: 100_000, maxLength: 10)
        let burst = String(repeating: "x", count: 10_000)
        var inputs: [In] = [.c(burst, 0)]
        if terminator == .enter { inputs.append(.key(.enter, 10_000_000)) }
        inputs += [.c("ok", 20_000_000), terminator == .enter ? .key(.enter, 20_002_000) : .finish]
        let out = Self.run(config, inputs)
        #expect(out.first == .fault(.tooLong(discarded: 11)))
        #expect(out.count == 2)
        guard case .scan(let s) = out.last else { Issue.record("no scan after the burst"); return }
        #expect(s.raw == "ok")
    }

    @Test func faultsSayWhatToDo() {
        for fault in [ScanFault.tooLong(discarded: 9_000), .unterminated(fragment: "12"), .eventsLost(fragment: ""), .stuckKey(code: 30)] {
            #expect(fault.message.contains("Scan again") || fault.message.contains("scan again") || fault.message.contains("Release"))
            #expect(fault.code.hasPrefix("scan."))
        }
    }

    @Test func scansPrintAsJSONWithTheSymbologySplitOff() {
        let scan = Scan(device: "usb-1", raw: "]C1010950600013435\u{1D}10LOT", started: EventTime(microseconds: 1_000_000), ended: EventTime(microseconds: 1_025_500))
        #expect(scan.json.jsonText == #"{"data":"010950600013435\u001D10LOT","symbology":"]C1","symbology_name":"GS1-128","device":"usb-1","time":"1.025500","typing_ms":25.500}"#.replacingOccurrences(of: #""time":"1.025500""#, with: #""time":1.025500"#))
        let plain = Scan(device: "d", raw: "ABC", started: EventTime(microseconds: 0), ended: EventTime(microseconds: 0))
        #expect(plain.json["symbology"] == nil)
        #expect(plain.json["data"] == "ABC")
    }

    /// Found by FuzzScanDecoder: a replayed capture whose timestamps are garbage trapped on the
    /// typing time (Int64 overflow) instead of printing the scan.
    @Test(arguments: [
        (Int64.min, Int64.max, "9223372036854775.807"),
        (Int64.max, Int64.min, "-9223372036854775.808"),
        (-1, Int64.max, "9223372036854775.807"),
        (Int64.max - 1_000, Int64.max, "1.000"),
    ])
    func scansWithTimesFarApartStillPrint(started: Int64, ended: Int64, typingMs: String) {
        let scan = Scan(device: "replay", raw: "4006381333931", started: EventTime(microseconds: started), ended: EventTime(microseconds: ended))
        #expect(scan.json["typing_ms"] == .number(typingMs))
        #expect(scan.json["data"] == "4006381333931")
    }
}
