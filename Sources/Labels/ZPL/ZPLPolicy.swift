/// Which ZPL commands a stream from outside (a carrier, a marketplace, a bulk file) may carry:
/// everything but what can harm the printer or other jobs: resets, saved or network settings,
/// erasing memory, cancelling others' formats, storing on flash drives.
public struct ZPLPolicy: Sendable, Hashable {
    /// Commands refused by default but allowed here, named with their standard prefix ("~JA",
    /// "^JU", "~DG" for downloads to drives other than R:); upper case.
    public var allowed: Set<String> {
        didSet { screen = Self.screen(allowing: allowed) }
    }
    /// One bit per two-letter code and prefix: set when the command may be refused, so that the
    /// check made on every command is one load for the commands that never are.
    private var screen: [UInt64]

    /// A policy allowing `allowed` beyond the default.
    public init(allowed: Set<String> = []) {
        self.allowed = Set(allowed.map { $0.uppercased() })
        screen = Self.screen(allowing: self.allowed)
    }

    static func screen(allowing allowed: Set<String>) -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: 1 << 15 / 64)
        let allowedKeys = Set(allowed.map(ZPLCommand.key))
        for key in refusedKeys.keys where !allowedKeys.contains(key) { bits[bit(key) >> 6] |= 1 << UInt64(bit(key) & 63) }
        for key in storingKeys where !allowedKeys.contains(key) { bits[bit(key) >> 6] |= 1 << UInt64(bit(key) & 63) }
        return bits
    }

    /// The screen's bit of a command: its prefix and the low seven bits of its two code bytes.
    @inline(__always) static func bit(_ key: UInt32) -> Int {
        Int(key >> 24 & 1) << 14 | Int(key >> 8 & 0x7F) << 7 | Int(key & 0x7F)
    }

    /// The default for carrier labels and bulk files: nothing harmful allowed.
    public static let carrier = ZPLPolicy()

    /// Every command refused by default, with what it would do, for messages and documentation.
    public static let refusedCommands: [String: String] = [
        "~JR": "resets the printer as if it were switched off and on",
        "~JA": "cancels every format waiting in the printer, other jobs' too",
        "~JP": "cancels the format being printed and every one after it",
        "~JB": "erases the printer's optional memory",
        "^JB": "erases a flash memory drive",
        "^JU": "changes or saves the printer's power-on configuration",
        "~JD": "turns on communications diagnostics (the printer then prints everything it receives as hex)",
        "~JN": "changes the printer's head test settings",
        "~JO": "changes the printer's head test settings",
        "^JT": "changes the printer's head test settings",
        "^JZ": "changes whether the printer reprints after an error (labels could come out twice)",
        "^JM": "changes the printer's resolution for every later label",
        "^JI": "starts a ZBI program on the printer",
        "~JI": "starts a ZBI program on the printer",
        "~JQ": "stops the printer's ZBI program",
        "~JC": "calibrates the media sensors, feeding labels the printer counts",
        "~JG": "calibrates the media sensors, feeding labels the printer counts",
        "~JL": "sets the label length by feeding labels the printer counts",
        "^MP": "locks or unlocks the printer's control panel",
        "~RO": "resets the printer's label counters, which bulk runs count by",
        "^SZ": "switches the ZPL language level for every later label",
        "^ST": "sets the printer's clock",
        "^SL": "sets the printer's clock mode",
        "^SO": "sets the printer's clock offsets",
        "^SC": "changes the printer's serial port settings",
        "^CM": "renames the printer's memory drives",
        "~EG": "erases every downloaded graphic, other jobs' too",
        "^EG": "erases every downloaded graphic, other jobs' too",
        "^EF": "erases every stored format, other jobs' too",
        "^ZZ": "puts the printer to sleep",
        "~KB": "discharges the printer's battery",
        "^KP": "changes the control panel password",
        "^KC": "changes the printer's network client identifier",
        "^KN": "renames the printer",
        "^MA": "changes the printer's maintenance alerts",
        "^SX": "changes where the printer sends alerts",
        "^SQ": "stops the printer's network alerts",
        "~WC": "prints a configuration label nobody counts",
        "~WL": "prints a network configuration label nobody counts",
        "^NB": "changes the printer's network settings",
        "^NC": "changes the printer's network settings",
        "^ND": "changes the printer's network settings",
        "^NI": "changes the printer's network settings",
        "^NN": "changes the printer's network settings",
        "^NP": "changes the printer's network settings",
        "^NS": "changes the printer's network settings",
        "^NT": "changes the printer's network settings",
        "^NW": "changes the printer's network settings",
        "~NC": "changes the printer's network settings",
        "~NR": "changes the printer's network settings",
        "~NT": "changes the printer's network settings",
        "^WA": "changes the printer's wireless settings",
        "^WE": "changes the printer's wireless settings",
        "^WI": "changes the printer's wireless settings",
        "^WL": "changes the printer's wireless settings",
        "^WP": "changes the printer's wireless settings",
        "^WR": "changes the printer's wireless settings",
        "~WR": "resets the printer's wireless radio and print server",
        "^WS": "changes the printer's wireless settings",
        "^WX": "changes the printer's wireless settings",
    ]

    /// Commands that store or delete an object by name, refused on drives other than R: (the
    /// printer's memory, emptied when it is switched off), where they would wear out flash and
    /// could replace or delete the site's own graphics and formats.
    public static let storingCommands: Set<String> = ["~DG", "~DY", "~DB", "~DS", "~DT", "~DU", "~DE", "^DF", "^IS", "^ID"]

    static let refusedKeys = Dictionary(uniqueKeysWithValues: refusedCommands.map { (ZPLCommand.key($0.key), $0.value) })
    static let storingKeys = Set(storingCommands.map(ZPLCommand.key))

    /// Why `command` may not be printed, or nil when it may; `object` is the name it stores or deletes.
    func refusal(_ command: ZPLCommand, object: String?) -> String? {
        let key = command.key
        let bit = Self.bit(key)
        guard screen[bit >> 6] & 1 << UInt64(bit & 63) != 0 else { return nil }
        let name = command.name
        guard !allowed.contains(name) else { return nil }
        if let reason = Self.refusedCommands[name] { return reason }
        if let object, Self.storingCommands.contains(name), ZPLPayload.drive(object) != "R" {
            return command.code == "ID"
                ? "deletes \(object) from a drive that keeps it when the printer is switched off (the site's own objects may be there)"
                : "stores \(object) on a drive that keeps it when the printer is switched off (it wears out flash and may replace the site's own \(object))"
        }
        return nil
    }
}
