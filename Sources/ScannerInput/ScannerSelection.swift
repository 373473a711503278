import PackCore

/// Which input devices are read as scanners, and with which layout and framing.
///
/// In order: a device matching a configured scanner is used with that scanner's settings;
/// the udev property `PACKSTATION_SCANNER` (set by udev/60-packstation-scanners.rules, or by a
/// site's own rule) decides next; then, when `autodetect` is on, a device that types text and
/// comes from a known scanner vendor or calls itself a scanner. Anything else (real keyboards)
/// is never grabbed.
public struct ScannerSelection: Sendable {
    /// One configured scanner: which device, and how to read it.
    public struct Rule: Hashable, Sendable {
        /// What identifies the device.
        public enum Match: Hashable, Sendable {
            /// USB vendor and product ids; product nil matches every product of the vendor.
            case usb(vendor: UInt16, product: UInt16?)
            /// A substring of the device name, case-insensitive.
            case name(String)
            /// The physical path (or its prefix: a USB port), as `packstation devices` shows it.
            case phys(String)
        }

        public var match: Match
        /// The scanner's keyboard layout; nil takes the selection's default.
        public var layout: String?
        /// How its scans end; nil takes the selection's default.
        public var framing: ScanFramer.Configuration?

        /// Creates a rule.
        public init(match: Match, layout: String? = nil, framing: ScanFramer.Configuration? = nil) {
            self.match = match
            self.layout = layout
            self.framing = framing
        }

        /// Parses `05e0:1200`, `05e0:*`, `name=Bar Code`, or `phys=usb-0000:00:14.0-2`, optionally
        /// followed by `,layout=de` (as `packstation scan --scanner` takes them).
        public init(parsing text: String) throws(ScannerInputError) {
            var parts = text.split(separator: ",").map(String.init)
            guard !parts.isEmpty else { throw Self.invalid(text) }
            let head = parts.removeFirst()
            if head.hasPrefix("name=") {
                match = .name(String(head.dropFirst(5)))
            } else if head.hasPrefix("phys=") {
                match = .phys(String(head.dropFirst(5)))
            } else {
                let ids = head.split(separator: ":", omittingEmptySubsequences: false)
                guard ids.count == 2, ids[0].count == 4, let vendor = UInt16(ids[0], radix: 16) else { throw Self.invalid(text) }
                if ids[1] == "*" {
                    match = .usb(vendor: vendor, product: nil)
                } else {
                    guard ids[1].count == 4, let product = UInt16(ids[1], radix: 16) else { throw Self.invalid(text) }
                    match = .usb(vendor: vendor, product: product)
                }
            }
            layout = nil
            framing = nil
            for option in parts {
                guard option.hasPrefix("layout="), option.count > 7 else { throw Self.invalid(text) }
                layout = String(option.dropFirst(7))
            }
        }

        static func invalid(_ text: String) -> ScannerInputError {
            ScannerInputError(code: "scanner.match", message: "'\(text)' does not name a scanner; use VID:PID (05e0:1200, or 05e0:* for every product), name=TEXT or phys=PATH, optionally followed by ,layout=de.")
        }

        func matches(_ device: InputDevice) -> Bool {
            switch match {
            case .usb(let vendor, let product): device.vendor == vendor && (product == nil || device.product == product)
            case .name(let text): device.name.lowercased().contains(text.lowercased())
            case .phys(let path): !path.isEmpty && device.phys.hasPrefix(path)
            }
        }
    }

    /// The decision for one device.
    public struct Decision: Hashable, Sendable {
        /// Whether it is read (and grabbed) as a scanner.
        public var use: Bool
        /// Why, in words ("known scanner vendor Zebra/Symbol (05e0)").
        public var reason: String
        /// The layout to decode it with.
        public var layout: String
        /// How its scans are framed.
        public var framing: ScanFramer.Configuration
    }

    /// Configured scanners, first match wins.
    public var rules: [Rule]
    /// Whether unconfigured devices are used when they look like scanners.
    public var autodetect: Bool
    /// The layout of scanners without their own.
    public var defaultLayout: String
    /// The framing of scanners without their own.
    public var defaultFraming: ScanFramer.Configuration

    /// Creates a selection; the defaults read every scanner found with a US layout and Enter as suffix.
    public init(rules: [Rule] = [], autodetect: Bool = true, defaultLayout: String = "us", defaultFraming: ScanFramer.Configuration = .init()) {
        self.rules = rules
        self.autodetect = autodetect
        self.defaultLayout = defaultLayout
        self.defaultFraming = defaultFraming
    }

    /// Decides about one device.
    public func decide(_ device: InputDevice) -> Decision {
        func decision(_ use: Bool, _ reason: String, _ rule: Rule? = nil) -> Decision {
            Decision(use: use, reason: reason, layout: rule?.layout ?? defaultLayout, framing: rule?.framing ?? defaultFraming)
        }
        if let rule = rules.first(where: { $0.matches(device) }) {
            return device.typesText ? decision(true, "configured scanner", rule) : decision(false, "configured, but it has no digit and Enter keys (another interface of the scanner)", rule)
        }
        if let error = device.openError { return decision(false, error) }
        switch device.udevScanner {
        case true?: return device.typesText ? decision(true, "udev PACKSTATION_SCANNER=1") : decision(false, "udev PACKSTATION_SCANNER=1, but it has no digit and Enter keys")
        case false?: return decision(false, "udev PACKSTATION_SCANNER=0")
        case nil: break
        }
        guard device.typesText else { return decision(false, "not a keyboard (no digit and Enter keys)") }
        guard autodetect else { return decision(false, "not configured as a scanner (autodetection is off)") }
        if device.bus == 3 || device.bus == 5, let vendor = KnownScanners.vendors[device.vendor] {
            return decision(true, "known scanner vendor \(vendor) (\(String(format: "%04x", device.vendor)))")
        }
        let name = device.name.lowercased()
        if let word = ["barcode", "bar code", "scanner", "reader"].first(where: { name.contains($0) }) {
            return decision(true, "name contains '\(word)'")
        }
        return decision(false, "a keyboard, not a known scanner: add it with --scanner \(device.vendorProduct) to read it")
    }
}
