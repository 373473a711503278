import PackCore

/// One kernel input event (`struct input_event`): a key press, release or repeat, a sync marker, …
public struct InputEvent: Hashable, Sendable {
    /// The kernel's timestamp.
    public var time: EventTime
    /// `EV_KEY` (1), `EV_SYN` (0), `EV_MSC` (4), …
    public var type: UInt16
    /// The key code (`KEY_A` = 30) or sync code (`SYN_REPORT` = 0, `SYN_DROPPED` = 3).
    public var code: UInt16
    /// For keys: 1 pressed, 0 released, 2 auto-repeat.
    public var value: Int32

    /// Creates an event.
    public init(time: EventTime, type: UInt16, code: UInt16, value: Int32) {
        self.time = time
        self.type = type
        self.code = code
        self.value = value
    }

    /// Event types and codes used by the decoder (linux/input-event-codes.h).
    public static let synType: UInt16 = 0, keyType: UInt16 = 1
    public static let synReport: UInt16 = 0, synDropped: UInt16 = 3

    /// The size of one record in a capture made on x86_64 (`cat /dev/input/eventN > FILE`):
    /// a 16-byte timeval, u16 type, u16 code, s32 value, little-endian.
    public static let recordSize = 24

    /// Decodes a raw capture. A trailing partial record is an error that names the offset,
    /// so a truncated capture is noticed rather than silently shortened.
    public static func records(in bytes: [UInt8]) throws(ScannerInputError) -> [InputEvent] {
        guard bytes.count % recordSize == 0 else {
            throw ScannerInputError(
                code: "capture.truncated",
                message: "The capture is \(bytes.count) bytes, not a whole number of 24-byte input_event records (the last \(bytes.count % recordSize) bytes at offset \(bytes.count - bytes.count % recordSize) are a partial record). Record it again with `cat /dev/input/eventN > FILE` on an x86_64 machine."
            )
        }
        var events: [InputEvent] = []
        events.reserveCapacity(bytes.count / recordSize)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let seconds = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
                let micros = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: Int64.self))
                let type = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt16.self))
                let code = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 18, as: UInt16.self))
                let value = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 20, as: Int32.self))
                events.append(InputEvent(time: EventTime(seconds: seconds, microseconds: micros), type: type, code: code, value: value))
                offset += recordSize
            }
        }
        return events
    }

    /// The event as a capture record (the inverse of `records(in:)`).
    public var record: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.recordSize)
        let seconds = time.microseconds >= 0 ? time.microseconds / 1_000_000 : (time.microseconds - 999_999) / 1_000_000
        let micros = time.microseconds - seconds * 1_000_000
        withUnsafeBytes(of: seconds.littleEndian) { out += $0 }
        withUnsafeBytes(of: micros.littleEndian) { out += $0 }
        withUnsafeBytes(of: type.littleEndian) { out += $0 }
        withUnsafeBytes(of: code.littleEndian) { out += $0 }
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
        return out
    }
}
