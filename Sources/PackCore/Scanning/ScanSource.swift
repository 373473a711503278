/// A scanner attached to the station, as the agent sees it.
public struct ScannerInfo: Hashable, Sendable {
    /// A stable identifier: the USB physical path when there is one (so a re-plugged scanner
    /// keeps its id), else the device node.
    public var id: String
    /// The device's name ("Symbol Bar Code Scanner").
    public var name: String
    /// USB vendor and product ids.
    public var vendor: UInt16
    public var product: UInt16
    /// The event nodes read for it (a multi-interface scanner has several).
    public var nodes: [String]
    /// Why it is used as a scanner ("configured", "udev PACKSTATION_SCANNER=1", "known scanner vendor Zebra").
    public var reason: String

    /// Creates a description.
    public init(id: String, name: String, vendor: UInt16, product: UInt16, nodes: [String], reason: String) {
        self.id = id
        self.name = name
        self.vendor = vendor
        self.product = product
        self.nodes = nodes
        self.reason = reason
    }
}

/// What a scan source reports, in order.
public enum ScanEvent: Hashable, Sendable {
    /// A barcode was scanned.
    case scan(Scan)
    /// Input from a scanner could not become a scan; show `fault.message` to the packer.
    case fault(device: String, ScanFault, at: EventTime)
    /// A scanner was found (at start or plugged in) and is now read exclusively.
    case attached(ScannerInfo)
    /// A scanner was unplugged or failed; `reason` says why.
    case detached(id: String, reason: String)
}

/// Where scans come from: the evdev scanners of the station, or a replayed capture.
///
/// `events()` may be called once; the stream ends when the source stops.
public protocol ScanSource: Sendable {
    /// The scans and device changes, as they happen.
    func events() -> AsyncStream<ScanEvent>
}
