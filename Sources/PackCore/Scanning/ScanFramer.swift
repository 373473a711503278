/// Turns a scanner's stream of characters and terminator keys into scans: a value-type state
/// machine with no I/O and no clock.
///
/// Times come in with every input (the kernel's event timestamps). When `deadline` is set the
/// owner calls `expire(at:)` once that time has passed (a live reader sets its poll timeout to
/// it; a replay passes the next event's time), and `finish()` at the end of the input.
/// Every method returns at most one output. Memory is bounded by `maxLength`.
public struct ScanFramer: Sendable {
    /// The key that ends a scan (the scanner's suffix).
    public enum Terminator: String, CaseIterable, Hashable, Sendable {
        case enter
        case kpEnter = "kp-enter"
        case tab
        /// No suffix: scans are separated by the inter-key timeout.
        case none
    }

    /// A key that may end a scan; when it is not the configured terminator it is data (CR or HT).
    public enum Key: Hashable, Sendable {
        case enter, kpEnter, tab

        var character: Unicode.Scalar {
            switch self {
            case .enter, .kpEnter: "\r"
            case .tab: "\t"
            }
        }
    }

    /// How scans are framed.
    public struct Configuration: Hashable, Sendable {
        /// The key that ends a scan.
        public var terminator: Terminator
        /// The longest gap between two keys of one scan, in microseconds. With a terminator, a
        /// fragment older than this is reported as `.unterminated`; with `.none` it ends the scan.
        public var interKeyTimeout: Int64
        /// The most characters one scan may hold; more is reported as `.tooLong` and dropped.
        public var maxLength: Int

        /// The default timeout: 100 ms between keys without a suffix, 2 s with one.
        public static func defaultTimeout(for terminator: Terminator) -> Int64 {
            terminator == .none ? 100_000 : 2_000_000
        }

        /// Creates a configuration; `interKeyTimeout` nil takes the default for the terminator.
        public init(terminator: Terminator = .enter, interKeyTimeout: Int64? = nil, maxLength: Int = 8_192) {
            self.terminator = terminator
            self.interKeyTimeout = max(1, interKeyTimeout ?? Self.defaultTimeout(for: terminator))
            self.maxLength = max(1, maxLength)
        }
    }

    /// A complete scan as typed: everything between two terminators (AIM identifier included).
    public struct Framed: Hashable, Sendable {
        /// The characters exactly as typed.
        public var raw: String
        /// When the first character was typed.
        public var started: EventTime
        /// When the scan ended: the terminator key, or the last character without one.
        public var ended: EventTime
    }

    /// What the owner receives.
    public enum Output: Hashable, Sendable {
        case scan(Framed)
        case fault(ScanFault)
    }

    /// The configuration.
    public let configuration: Configuration

    private var buffer = ""
    private var count = 0
    private var started = EventTime(microseconds: 0)
    private var last = EventTime(microseconds: 0)
    /// Dropping an over-long burst until it ends (terminator or timeout); counts what was dropped.
    private var discarding = false

    /// Creates an idle framer.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        buffer.reserveCapacity(256)
    }

    /// Whether characters are waiting for their terminator or timeout.
    public var isIdle: Bool { count == 0 && !discarding }

    /// When the owner must call `expire(at:)` if nothing else arrives first.
    public var deadline: EventTime? {
        isIdle ? nil : last.adding(microseconds: configuration.interKeyTimeout)
    }

    /// A character typed at `time`.
    public mutating func character(_ c: Unicode.Scalar, at time: EventTime) -> Output? {
        let expired = expire(at: time)
        if discarding {
            count += 1
            last = time
            return expired
        }
        if count == configuration.maxLength {
            // Report once, then drop the rest of this burst: bounded memory whatever arrives.
            discarding = true
            count += 1
            last = time
            buffer = ""
            buffer.reserveCapacity(256)
            return expired ?? .fault(.tooLong(discarded: count))
        }
        if count == 0 { started = time }
        buffer.unicodeScalars.append(c)
        count += 1
        last = time
        return expired
    }

    /// A key that may end a scan, pressed at `time`.
    public mutating func key(_ key: Key, at time: EventTime) -> Output? {
        if configuration.terminator == .none || !matches(key) {
            return character(key.character, at: time)
        }
        if let expired = expire(at: time) { return expired }
        if discarding {
            reset()
            return nil
        }
        guard count > 0 else { return nil }
        let scan = Framed(raw: buffer, started: started, ended: time)
        reset()
        return .scan(scan)
    }

    /// The kernel dropped events (SYN_DROPPED): the scan in progress, or one that started in the
    /// lost events, is incomplete. Everything up to its end (the terminator, or the timeout
    /// gap) is dropped too, so the tail of a damaged barcode is never taken for a barcode.
    public mutating func eventsLost(at time: EventTime) -> Output? {
        let fragment = discarding ? "" : buffer
        reset()
        discarding = true
        last = time
        return .fault(.eventsLost(fragment: fragment))
    }

    /// Ends what is pending if its timeout has passed by `now`.
    public mutating func expire(at now: EventTime) -> Output? {
        guard let deadline, now > deadline else { return nil }
        return flush()
    }

    /// The input ended (end of a replay, device gone): ends what is pending.
    public mutating func finish() -> Output? { flush() }

    private mutating func flush() -> Output? {
        defer { reset() }
        if discarding || count == 0 { return nil }
        if configuration.terminator == .none {
            return .scan(Framed(raw: buffer, started: started, ended: last))
        }
        return .fault(.unterminated(fragment: buffer))
    }

    private func matches(_ key: Key) -> Bool {
        switch (configuration.terminator, key) {
        case (.enter, .enter), (.kpEnter, .kpEnter), (.tab, .tab): true
        default: false
        }
    }

    private mutating func reset() {
        if buffer.utf8.count > 4_096 {
            buffer = ""
            buffer.reserveCapacity(256)
        } else {
            buffer.removeAll(keepingCapacity: true)
        }
        count = 0
        discarding = false
    }
}
