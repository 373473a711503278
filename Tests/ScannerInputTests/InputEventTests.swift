import PackCore
import Testing
@testable import ScannerInput

struct InputEventTests {
    @Test func recordsRoundTripThroughTheKernelLayout() throws {
        let events = [
            InputEvent(time: EventTime(seconds: 1_732_370_000, microseconds: 123_456), type: 1, code: 30, value: 1),
            InputEvent(time: EventTime(seconds: 1_732_370_000, microseconds: 123_999), type: 0, code: 0, value: 0),
            InputEvent(time: EventTime(seconds: 5, microseconds: 0), type: 4, code: 4, value: -458_756),
        ]
        let bytes = events.flatMap(\.record)
        #expect(bytes.count == 72)
        // The kernel layout: tv_sec, tv_usec as 8-byte little-endian, then type, code, value.
        #expect(Array(bytes[16..<24]) == [1, 0, 30, 0, 1, 0, 0, 0])
        #expect(try InputEvent.records(in: bytes) == events)
    }

    @Test func aTruncatedCaptureSaysWhereItBreaks() {
        let bytes = InputEvent(time: EventTime(microseconds: 0), type: 1, code: 30, value: 1).record + [1, 2, 3]
        #expect {
            try InputEvent.records(in: bytes)
        } throws: { error in
            let e = error as! ScannerInputError
            return e.code == "capture.truncated" && e.message.contains("offset 24") && e.message.contains("27 bytes")
        }
    }
}
