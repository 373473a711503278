import PackCore
import ScannerInput

/// The layouts a scanner may be configured with, compiled once (compiling a keymap takes
/// milliseconds, far longer than decoding a capture).
let layouts: [KeyboardLayout] = ["us", "de", "fr", "gb"].map { try! KeyboardLayout($0) }
let terminators: [ScanFramer.Terminator] = [.enter, .kpEnter, .tab, .none]
let timeouts: [Int64?] = [nil, 5_000, 50_000, 10_000_000]

/// A raw capture of `struct input_event` records, decoded as `packstation scan --replay` does.
///
/// The first byte picks the options: terminator (bits 0–1), layout (bits 2–3), inter-key timeout
/// (bits 4–5), a short maximum scan length (bit 6), and whether a partial last record is kept
/// (bit 7; otherwise the capture is cut to whole records so most inputs reach the decoder).
/// Checks that a partial record is refused (and only then), that every scan fits the maximum
/// length and prints as JSON, that every fault has a message, and that one record yields at
/// most a few events, so a capture cannot grow memory beyond its size.
func fuzzScanDecoder(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let options = bytes.first else { return }
    var capture = Array(bytes.dropFirst())
    if options & 0x80 == 0 { capture.removeLast(capture.count % InputEvent.recordSize) }
    let framing = ScanFramer.Configuration(
        terminator: terminators[Int(options & 3)], interKeyTimeout: timeouts[Int(options >> 4 & 3)],
        maxLength: options & 0x40 == 0 ? 8_192 : 16)
    let events: [ScanEvent]
    do {
        events = try ScanDecoder.decode(capture: capture, layout: layouts[Int(options >> 2 & 3)], framing: framing)
    } catch {
        precondition(capture.count % InputEvent.recordSize != 0, "a capture of whole records was refused: \(error.message)")
        precondition(error.code == "capture.truncated", "a partial record refused as \(error.code)")
        return
    }
    precondition(capture.count % InputEvent.recordSize == 0, "a capture ending in a partial record was decoded")
    let records = capture.count / InputEvent.recordSize
    precondition(events.count <= 3 * records + 1, "\(records) records gave \(events.count) events")
    for event in events {
        switch event {
        case .scan(let scan):
            precondition(scan.raw.unicodeScalars.count <= framing.maxLength, "a scan of \(scan.raw.unicodeScalars.count) characters passed a maximum of \(framing.maxLength)")
            let line = scan.json.jsonText
            precondition(!line.isEmpty, "a scan printed as nothing")
        case .fault(_, let fault, _):
            precondition(!fault.message.isEmpty && !fault.code.isEmpty, "a fault without a code or message")
        case .attached, .detached:
            fatalError("a capture produced \(event)")
        }
    }
}
