import PackCore

/// The whole decoder of one scanner event node: key events → characters (its own xkb state)
/// → scans (the framer). The live reader and `scan --replay` run exactly this.
///
/// Not thread-safe: one decoder belongs to one thread (the reader thread, or the replay).
public final class ScanDecoder {
    /// The device id put on every scan.
    public let device: String
    private let keys: KeyDecoder
    private var framer: ScanFramer
    /// After SYN_DROPPED the kernel's events up to the next SYN_REPORT are incomplete.
    private var dropping = false
    private var lastTime = EventTime(microseconds: 0)

    /// A decoder for one device.
    public init(device: String, layout: KeyboardLayout, framing: ScanFramer.Configuration = .init(), numLockOn: Bool = true) {
        self.device = device
        keys = KeyDecoder(layout: layout, numLockOn: numLockOn)
        framer = ScanFramer(configuration: framing)
    }

    /// When `expire(at:)` must be called if no event arrives first.
    public var deadline: EventTime? { framer.deadline }

    /// Whether CapsLock and NumLock are on in this device's own state (for its LEDs).
    public var locks: (caps: Bool, num: Bool) { keys.locks }

    /// Feeds one event; scans and faults go to `emit`.
    @inline(__always)
    public func feed(_ event: InputEvent, emit: (ScanEvent) -> Void) {
        lastTime = event.time
        switch event.type {
        case InputEvent.keyType:
            if dropping { return }
            keys.key(code: event.code, value: event.value) { output in
                let result: ScanFramer.Output?
                switch output {
                case .character(let c): result = framer.character(c, at: event.time)
                case .key(let k): result = framer.key(k, at: event.time)
                case .stuck(let code):
                    emit(.fault(device: device, .stuckKey(code: code), at: event.time))
                    result = nil
                }
                if let result { emit(wrap(result, at: event.time)) }
            }
        case InputEvent.synType:
            if event.code == InputEvent.synDropped {
                // A raw capture (or a reader without libevdev's resync): the key state is unknown.
                dropping = true
                keys.reset()
                if let result = framer.eventsLost(at: event.time) { emit(wrap(result, at: event.time)) }
            } else if event.code == InputEvent.synReport {
                dropping = false
            }
        default:
            break  // EV_MSC scan codes, EV_LED echoes, EV_REP settings, anything else: not keys
        }
    }

    /// The kernel dropped events and libevdev resynced the key state: the scan in progress is lost.
    public func eventsLost(at time: EventTime, emit: (ScanEvent) -> Void) {
        if let result = framer.eventsLost(at: time) { emit(wrap(result, at: time)) }
    }

    /// A key-state change from libevdev's resync after SYN_DROPPED: updates modifiers, types nothing.
    public func resync(_ event: InputEvent) {
        guard event.type == InputEvent.keyType, event.value != 2 else { return }
        keys.updateOnly(code: event.code, pressed: event.value == 1)
    }

    /// Ends a scan whose inter-key timeout has passed by `now`.
    public func expire(at now: EventTime) -> ScanEvent? {
        framer.expire(at: now).map { wrap($0, at: now) }
    }

    /// The input ended (end of a capture, device gone).
    public func finish() -> ScanEvent? {
        framer.finish().map { wrap($0, at: lastTime) }
    }

    private func wrap(_ output: ScanFramer.Output, at time: EventTime) -> ScanEvent {
        switch output {
        case .scan(let framed): .scan(Scan(device: device, raw: framed.raw, started: framed.started, ended: framed.ended))
        case .fault(let fault): .fault(device: device, fault, at: time)
        }
    }

    /// Decodes a whole capture: what `packstation scan --replay` prints.
    public static func decode(capture bytes: [UInt8], device: String = "replay", layout: KeyboardLayout, framing: ScanFramer.Configuration = .init()) throws(ScannerInputError) -> [ScanEvent] {
        let events = try InputEvent.records(in: bytes)
        let decoder = ScanDecoder(device: device, layout: layout, framing: framing)
        var out: [ScanEvent] = []
        for event in events {
            // A gap longer than the timeout ends the pending scan at the time it expired.
            if let deadline = decoder.deadline, event.time > deadline, let expired = decoder.expire(at: event.time) {
                out.append(expired)
            }
            decoder.feed(event) { out.append($0) }
        }
        if let last = decoder.finish() { out.append(last) }
        return out
    }
}
