import Barcodes

/// One barcode read by one scanner: exactly the characters the scanner sent, split into the
/// AIM symbology identifier (when the scanner sends one) and the data.
public struct Scan: Hashable, Sendable {
    /// The scanner it came from (`ScannerInfo.id`; "replay" for a replayed capture).
    public var device: String
    /// Everything the scanner typed before its terminator, AIM identifier included
    /// (what `PackSession.Input.scan` takes).
    public var raw: String
    /// When the first character was typed (the kernel's timestamp).
    public var started: EventTime
    /// When the terminator (or, without one, the last character) was typed.
    public var ended: EventTime

    /// Creates a scan.
    public init(device: String, raw: String, started: EventTime, ended: EventTime) {
        self.device = device
        self.raw = raw
        self.started = started
        self.ended = ended
    }

    /// The AIM symbology identifier at the start of the scan (`]C1`), if the scanner sent one.
    public var symbology: SymbologyIdentifier? { SymbologyIdentifier.split(raw).identifier }

    /// The barcode's data: the scan without its AIM identifier.
    public var data: String { String(SymbologyIdentifier.split(raw).data) }

    /// The scan as one JSON object: `data`, then `symbology` and `symbology_name` when the
    /// scanner sent an AIM identifier, the device and the times.
    public var json: JSONValue {
        let (identifier, data) = SymbologyIdentifier.split(raw)
        var members: [(String, JSONValue)] = [("data", .string(String(data)))]
        if let identifier {
            members.append(("symbology", .string(identifier.description)))
            members.append(("symbology_name", .string(identifier.name)))
        }
        members.append(("device", .string(device)))
        members.append(("time", .number(ended.description)))
        // A capture's timestamps are whatever its file says: a span beyond Int64 is clamped, not a trap.
        let (span, overflow) = ended.microseconds.subtractingReportingOverflow(started.microseconds)
        members.append(("typing_ms", .number(format3(overflow ? (ended < started ? .min : .max) : span))))
        return .object(members)
    }
}

/// Microseconds as milliseconds with three decimals.
func format3(_ microseconds: Int64) -> String {
    let m = microseconds.magnitude
    let fraction = String(m % 1000)
    return (microseconds < 0 ? "-" : "") + "\(m / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}
