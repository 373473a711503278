/// A printer's IEEE 1284 device id (`MFG:Zebra Technologies;CMD:ZPL;MDL:ZD421;CLS:PRINTER;`),
/// as a USB printer returns it to the printer-class GET_DEVICE_ID request. It names the maker,
/// the model and the languages the printer speaks: `CMD` containing ZPL tells a Zebra label
/// printer from an office printer that would print the ZPL as text.
public struct IEEE1284DeviceID: Hashable, Sendable, CustomStringConvertible {
    /// The keys and values in the order the printer sent them (keys as sent, values trimmed).
    public let fields: [(key: String, value: String)]

    /// Parses the id text: `KEY:value;` pairs; keys are matched without regard to case, and
    /// the long forms (`MANUFACTURER`, `MODEL`, `COMMAND SET`, `SERIALNUMBER`) count too.
    public init(_ text: String) {
        var fields: [(key: String, value: String)] = []
        for pair in text.split(separator: ";") {
            guard let colon = pair.firstIndex(of: ":") else { continue }
            let key = pair[..<colon].trimmingSpaces
            guard !key.isEmpty else { continue }
            fields.append((String(key), String(pair[pair.index(after: colon)...].trimmingSpaces)))
        }
        self.fields = fields
    }

    /// Parses the reply to GET_DEVICE_ID: a two-byte length that counts itself, then the id.
    /// Most printers send the length big-endian as the standard says, some little-endian, and
    /// some count only the text; nil when the reply holds no id at all.
    public init?(reply: some Collection<UInt8>) {
        let bytes = Array(reply)
        guard bytes.count > 2 else { return nil }
        let bigEndian = Int(bytes[0]) << 8 | Int(bytes[1])
        let littleEndian = Int(bytes[1]) << 8 | Int(bytes[0])
        // As CUPS' usb backend does: a length that does not fit the reply is read the other way
        // round, and still clamped to what arrived.
        var length = bigEndian
        if length > bytes.count || length < 2 { length = littleEndian }
        length = min(max(length, 2), bytes.count)
        let text = bytes[2..<length].prefix { $0 != 0 }
        let parsed = Self(String(decoding: text, as: UTF8.self))
        guard !parsed.fields.isEmpty else { return nil }
        self = parsed
    }

    /// The value of the first key in `keys` the id has (case-insensitive).
    public func value(_ keys: String...) -> String? {
        for key in keys {
            if let field = fields.first(where: { $0.key.uppercased() == key }) { return field.value }
        }
        return nil
    }

    /// The maker (`MFG`).
    public var manufacturer: String? { value("MFG", "MANUFACTURER") }
    /// The model (`MDL`).
    public var model: String? { value("MDL", "MODEL") }
    /// The printer languages (`CMD`), e.g. `["ZPL", "EPL"]`.
    public var commandSet: [String] {
        (value("CMD", "COMMAND SET") ?? "").split(separator: ",").map { String($0.trimmingSpaces) }.filter { !$0.isEmpty }
    }
    /// The serial number, when the id carries one (`SN`, `SERN`).
    public var serialNumber: String? { value("SN", "SERN", "SERIALNUMBER") }
    /// The device class (`CLS`), `PRINTER` for printers.
    public var deviceClass: String? { value("CLS", "CLASS") }

    /// Whether the printer speaks ZPL (`CMD` lists ZPL, ZPL2 or ZPLII).
    public var speaksZPL: Bool { commandSet.contains { $0.uppercased().hasPrefix("ZPL") } }

    /// Whether the printer takes a PDF as it is (`CMD` lists PDF).
    public var speaksPDF: Bool { commandSet.contains { $0.uppercased().hasPrefix("PDF") } }

    /// The id text, `KEY:value;` for each field.
    public var description: String { fields.map { "\($0.key):\($0.value);" }.joined() }

    public static func == (a: Self, b: Self) -> Bool { a.description == b.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\r" || c == "\n" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" || c == "\n" { s.removeLast() }
        return s
    }
}
