/// Scanner input that could not become a scan; the packer must scan again.
public enum ScanFault: Hashable, Sendable {
    /// More characters than any barcode holds arrived without a break (a stuck key, a runaway
    /// burst, a keyboard mistaken for a scanner); `discarded` characters were dropped.
    case tooLong(discarded: Int)
    /// Characters arrived but the configured terminator never did before the inter-key timeout.
    case unterminated(fragment: String)
    /// The kernel's event buffer overflowed (SYN_DROPPED) and keys were lost; the scan in progress was dropped.
    case eventsLost(fragment: String)
    /// A key has been held down (auto-repeating) for too long; its repeats were ignored.
    case stuckKey(code: Int)

    /// A stable machine-readable code, e.g. `scan.too_long`.
    public var code: String {
        switch self {
        case .tooLong: "scan.too_long"
        case .unterminated: "scan.unterminated"
        case .eventsLost: "scan.events_lost"
        case .stuckKey: "scan.stuck_key"
        }
    }

    /// What the packer or installer is told.
    public var message: String {
        switch self {
        case .tooLong(let n):
            "The scanner sent \(n) characters without a break, more than any barcode holds; they were dropped. Check for a stuck trigger or a keyboard configured as a scanner, then scan again."
        case .unterminated(let fragment):
            "A scan of \(fragment.unicodeScalars.count) characters ended without its terminator key; it was not used. Scan again, and check the scanner's suffix setting matches the configured terminator."
        case .eventsLost:
            "Key events from the scanner were lost (input buffer overflow); the scan in progress was dropped. Scan again."
        case .stuckKey(let code):
            "Key \(code) on the scanner is held down; its repeats are ignored. Release the trigger or unplug the scanner."
        }
    }
}
