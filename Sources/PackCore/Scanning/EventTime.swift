/// A time on an input device's clock (the kernel's event timestamp), in microseconds.
///
/// Scanner input is framed by the times the kernel stamped on the key events, never by the
/// time they were read, so a replayed capture frames exactly as it did live.
public struct EventTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since the clock's epoch.
    public var microseconds: Int64

    /// Creates a time from microseconds.
    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// Creates a time from a `struct timeval`'s two fields.
    public init(seconds: Int64, microseconds: Int64) {
        self.microseconds = seconds &* 1_000_000 &+ microseconds
    }

    /// The time in seconds with six decimals, as printed in JSON ("1732370000.123456").
    public var description: String {
        let negative = microseconds < 0
        let magnitude = microseconds.magnitude
        let fraction = String(magnitude % 1_000_000)
        return (negative ? "-" : "") + "\(magnitude / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    public static func < (a: EventTime, b: EventTime) -> Bool { a.microseconds < b.microseconds }

    /// This time plus some microseconds.
    public func adding(microseconds delta: Int64) -> EventTime { EventTime(microseconds: microseconds &+ delta) }
}
