/// A Zebra printer's host status (the reply to `~HS`): three STX…ETX CR LF strings of
/// comma-separated fields, parsed into what matters for printing.
public struct ZebraHostStatus: Hashable, Sendable {
    /// Out of labels (or the media sensor sees none).
    public var paperOut: Bool
    /// Paused (button or `~PP`).
    public var paused: Bool
    /// Label length in dots.
    public var labelLengthDots: Int
    /// Formats received and not yet printed.
    public var formatsInBuffer: Int
    /// The receive buffer is full.
    public var bufferFull: Bool
    /// A format was started and not finished.
    public var partialFormat: Bool
    /// RAM corrupt (settings lost).
    public var corruptRAM: Bool
    /// The head is too cold or too hot to print.
    public var underTemperature: Bool
    /// The head is too hot.
    public var overTemperature: Bool
    /// The print head is open.
    public var headOpen: Bool
    /// The ribbon is out (thermal transfer only).
    public var ribbonOut: Bool
    /// Thermal transfer mode (uses a ribbon).
    public var thermalTransfer: Bool
    /// A peeled label waits to be taken.
    public var labelWaiting: Bool
    /// Labels left in the current batch (`^PQ` copies still to print).
    public var labelsRemaining: Int

    /// The start and end of each status string.
    static let stx: UInt8 = 0x02, etx: UInt8 = 0x03

    /// Parses a reply; nil when it is not a complete `~HS` reply (three strings).
    public init?(reply: some Collection<UInt8>) {
        var strings: [[Substring]] = []
        var current: [UInt8]?
        for byte in reply {
            if byte == Self.stx {
                current = []
            } else if byte == Self.etx, let text = current {
                strings.append(String(decoding: text, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false))
                current = nil
            } else if current != nil {
                current!.append(byte)
            }
        }
        guard strings.count >= 3, strings[0].count >= 12, strings[1].count >= 11 else { return nil }
        let a = strings[0], b = strings[1]
        func flag(_ s: Substring) -> Bool? { s == "1" ? true : s == "0" ? false : nil }
        guard let paperOut = flag(a[1]), let paused = flag(a[2]), let length = Int(a[3]), let formats = Int(a[4]),
            let full = flag(a[5]), let partial = flag(a[7]), let corrupt = flag(a[9]), let under = flag(a[10]), let over = flag(a[11]),
            let headUp = flag(b[2]), let ribbon = flag(b[3]), let tt = flag(b[4]), let waiting = flag(b[7]), let remaining = Int(b[8])
        else { return nil }
        self.paperOut = paperOut
        self.paused = paused
        labelLengthDots = length
        formatsInBuffer = formats
        bufferFull = full
        partialFormat = partial
        corruptRAM = corrupt
        underTemperature = under
        overTemperature = over
        headOpen = headUp
        ribbonOut = ribbon
        thermalTransfer = tt
        labelWaiting = waiting
        labelsRemaining = remaining
    }

    /// Creates a status (for tests and the test printer).
    public init(paperOut: Bool = false, paused: Bool = false, labelLengthDots: Int = 1218, formatsInBuffer: Int = 0, bufferFull: Bool = false, partialFormat: Bool = false, corruptRAM: Bool = false, underTemperature: Bool = false, overTemperature: Bool = false, headOpen: Bool = false, ribbonOut: Bool = false, thermalTransfer: Bool = false, labelWaiting: Bool = false, labelsRemaining: Int = 0) {
        self.paperOut = paperOut
        self.paused = paused
        self.labelLengthDots = labelLengthDots
        self.formatsInBuffer = formatsInBuffer
        self.bufferFull = bufferFull
        self.partialFormat = partialFormat
        self.corruptRAM = corruptRAM
        self.underTemperature = underTemperature
        self.overTemperature = overTemperature
        self.headOpen = headOpen
        self.ribbonOut = ribbonOut
        self.thermalTransfer = thermalTransfer
        self.labelWaiting = labelWaiting
        self.labelsRemaining = labelsRemaining
    }

    /// What stops the printer, most urgent first.
    public var conditions: [PrinterCondition] {
        var c: [PrinterCondition] = []
        if headOpen { c.append(.headOpen) }
        if paperOut { c.append(.mediaEmpty) }
        if ribbonOut { c.append(.ribbonOut) }
        if overTemperature { c.append(.headTooHot) }
        if underTemperature { c.append(.headTooCold) }
        if paused { c.append(.paused) }
        if bufferFull { c.append(.bufferFull) }
        if corruptRAM { c.append(.corruptRAM) }
        return c
    }

    /// Whether the printer can print now (a full buffer only means "wait").
    public var canPrint: Bool { conditions.allSatisfy { $0 == .bufferFull } }

    /// Whether everything received has been printed.
    public var isIdle: Bool { formatsInBuffer == 0 && labelsRemaining == 0 && !partialFormat }

    /// The reply a printer sends for this status (the test printer and tests use it).
    public var reply: [UInt8] {
        func b(_ v: Bool) -> String { v ? "1" : "0" }
        func pad(_ v: Int, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        let one = "030,\(b(paperOut)),\(b(paused)),\(pad(labelLengthDots, 4)),\(pad(formatsInBuffer, 3)),\(b(bufferFull)),0,\(b(partialFormat)),000,\(b(corruptRAM)),\(b(underTemperature)),\(b(overTemperature))"
        let two = "001,0,\(b(headOpen)),\(b(ribbonOut)),\(b(thermalTransfer)),2,6,\(b(labelWaiting)),\(pad(labelsRemaining, 8)),1,000"
        let three = "1234,0"
        return [one, two, three].flatMap { [Self.stx] + Array($0.utf8) + [Self.etx, 0x0D, 0x0A] }
    }
}

/// Something that stops a printer, in words the person at the bench can act on.
public enum PrinterCondition: String, Hashable, Sendable, CaseIterable {
    case mediaEmpty = "media-empty"
    case headOpen = "head-open"
    case ribbonOut = "ribbon-out"
    case headTooHot = "head-too-hot"
    case headTooCold = "head-too-cold"
    case paused
    case bufferFull = "buffer-full"
    case corruptRAM = "corrupt-ram"
    case offline
    case jammed = "media-jam"
    case stopped
    /// A cover or door is open (IPP door-open, cover-open).
    case coverOpen = "cover-open"
    /// Out of toner, ink or ribbon (IPP marker-supply-empty, toner-empty).
    case markerEmpty = "marker-supply-empty"

    /// What the person must do, for printer `name`.
    public func advice(printer name: String) -> String {
        switch self {
        case .mediaEmpty: "\(name): out of labels — load labels and press FEED"
        case .headOpen: "\(name): the print head is open — close it"
        case .ribbonOut: "\(name): out of ribbon — load a ribbon"
        case .headTooHot: "\(name): the print head is too hot — let it cool down"
        case .headTooCold: "\(name): the print head is too cold — wait for it to warm up"
        case .paused: "\(name): paused — press PAUSE to resume"
        case .bufferFull: "\(name): busy — its buffer is full, printing continues"
        case .corruptRAM: "\(name): its settings were lost — calibrate it and check its configuration"
        case .offline: "\(name): offline — check its power and cable or network"
        case .jammed: "\(name): labels jammed — open the printer and clear the jam"
        case .stopped: "\(name): stopped — resume it (cupsenable) or check the printer"
        case .coverOpen: "\(name): a cover or door is open — close it"
        case .markerEmpty: "\(name): out of toner, ink or ribbon — replace it"
        }
    }
}
