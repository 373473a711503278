/// How a MaxiCode is encoded (ISO/IEC 16023): its mode and, for the carrier modes 2 and 3, the
/// primary message a sorter reads first (postal code, country, class of service).
public struct MaxiCodeOptions: Hashable, Sendable {
    /// The MaxiCode modes the layout prints.
    public enum Mode: Int, Hashable, Sendable, CaseIterable {
        /// Structured carrier message with a US postal code: 5 digits or ZIP+4.
        case numericPostalCode = 2
        /// Structured carrier message with a postal code of 6 letters or digits (Canada, UK, …).
        case alphanumericPostalCode = 3
        /// Standard symbol: the data as given, standard error correction.
        case standard = 4
        /// Full enhanced error correction: less data, more of it recoverable.
        case enhancedErrorCorrection = 5
        /// Reader programming.
        case readerProgramming = 6

        /// Whether the mode carries a primary message (postal code, country, class).
        public var isStructured: Bool { self == .numericPostalCode || self == .alphanumericPostalCode }
    }

    /// The primary message of modes 2 and 3.
    public struct Primary: Hashable, Sendable {
        /// The destination postal code; spaces and hyphens are ignored.
        public var postalCode: String
        /// ISO 3166 numeric country code, 3 digits (840 = USA, 124 = Canada, 826 = UK).
        public var countryCode: String
        /// The carrier's class of service, 3 digits.
        public var serviceClass: String

        /// Creates a primary message.
        public init(postalCode: String, countryCode: String, serviceClass: String) {
            self.postalCode = postalCode
            self.countryCode = countryCode
            self.serviceClass = serviceClass
        }
    }

    /// The mode; nil picks 2 or 3 from the postal code when there is a primary message, else 4.
    public var mode: Mode?
    /// The primary message (modes 2 and 3 only).
    public var primary: Primary?

    /// Creates options.
    public init(mode: Mode? = nil, primary: Primary? = nil) {
        self.mode = mode
        self.primary = primary
    }
}

/// A MaxiCode checked and normalized into the forms each renderer needs: the ZPL renderer and
/// libzint both start from it, so they accept and refuse the same symbols.
public struct MaxiCodeEncoding: Hashable, Sendable {
    /// The mode after the automatic choice.
    public let mode: MaxiCodeOptions.Mode
    /// Modes 2 and 3: the postal code as encoded (9 digits, or 6 letters and digits); else empty.
    public let postalCode: String
    /// Modes 2 and 3: the 3-digit country code; else empty.
    public let countryCode: String
    /// Modes 2 and 3: the 3-digit class of service; else empty.
    public let serviceClass: String
    /// The secondary message (modes 2 and 3) or the whole message.
    public let message: String

    /// The start of an ANSI MH10.8.3 / ISO 15434 transportation message: `[)>` RS `01` GS.
    public static let structuredHeader = "[)>\u{1E}01\u{1D}"

    /// Checks `code` (a `.maxicode` barcode) and works out what is encoded.
    public init(_ code: BarcodeBlock) throws(LabelError) {
        let options = code.maxiCode ?? MaxiCodeOptions(mode: .standard)
        message = code.data
        guard let primary = options.primary else {
            let mode = options.mode ?? .standard
            guard !mode.isStructured else {
                throw LabelError(code: "maxicode.primary", message: "MaxiCode mode \(mode.rawValue) needs a primary message (postal code, country code, class of service); give them or use mode 4.")
            }
            // 90 bytes is what `.maxicode` always accepted; the codeword count is what fits.
            try BarcodeData.checkLength(code.data, max: 90, what: "MaxiCode")
            try Self.checkCapacity(code.data, mode: mode)
            self.mode = mode
            postalCode = ""
            countryCode = ""
            serviceClass = ""
            return
        }
        var postal = String(primary.postalCode.filter { $0 != " " && $0 != "-" }).uppercased()
        guard !postal.isEmpty else {
            throw LabelError(code: "maxicode.postal_code", message: "The MaxiCode postal code is empty; the order's ship-to address needs one for a UPS MaxiCode.")
        }
        let digitsOnly = postal.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        let mode: MaxiCodeOptions.Mode
        switch options.mode {
        case nil: mode = digitsOnly && (postal.count == 5 || postal.count == 9) ? .numericPostalCode : .alphanumericPostalCode
        case let m? where m.isStructured: mode = m
        case let m?:
            throw LabelError(code: "maxicode.mode", message: "MaxiCode mode \(m.rawValue) has no primary message; use mode 2 or 3 (or \"auto\") with a postal code, or leave the postal code out.")
        }
        if mode == .numericPostalCode {
            // ZPL's ^BD takes ZIP + 4 digits; a plain ZIP gets "0000" as its manual requires.
            guard digitsOnly, postal.count == 5 || postal.count == 9 else {
                throw LabelError(code: "maxicode.postal_code", message: "The MaxiCode postal code \"\(primary.postalCode.prefix(20))\" is not a US ZIP code: mode 2 needs 5 or 9 digits. Use mode 3 for other postal codes.")
            }
            if postal.count == 5 { postal += "0000" }
        } else {
            guard postal.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }) else {
                throw LabelError(code: "maxicode.postal_code", message: "The MaxiCode postal code \"\(primary.postalCode.prefix(20))\" has characters other than letters and digits; mode 3 takes A–Z and 0–9 only.")
            }
            // UPS and libzint keep the first 6 characters (a UK postcode has up to 7).
            postal = String(postal.prefix(6))
            guard postal.count == 6 else {
                throw LabelError(code: "maxicode.postal_code", message: "The MaxiCode postal code \"\(primary.postalCode.prefix(20))\" has \(postal.count) characters; mode 3 needs 6 letters or digits (ZPL ^BD refuses shorter ones) and mode 2 a 5- or 9-digit ZIP code.")
            }
        }
        for (value, name) in [(primary.countryCode, "country code"), (primary.serviceClass, "class of service")] {
            guard value.utf8.count == 3, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw LabelError(code: name == "country code" ? "maxicode.country_code" : "maxicode.service_class",
                                 message: "The MaxiCode \(name) \"\(value.prefix(20))\" must be exactly 3 digits\(name == "country code" ? " (ISO 3166 numeric: 840 USA, 124 Canada, 826 UK)" : " (the carrier's service code, e.g. 001)").")
            }
        }
        try BarcodeData.checkLength(code.data, max: 200, what: "MaxiCode secondary message")
        try Self.checkCapacity(code.data, mode: mode)
        if code.data.hasPrefix(Self.structuredHeader + "96") { try UPSMaxiCodeMessage.check(code.data) }
        self.mode = mode
        postalCode = postal
        countryCode = primary.countryCode
        serviceClass = primary.serviceClass
    }

    /// The ZPL `^BD` high-priority message: class of service, country code, postal code.
    public var zplHighPriorityMessage: String { mode.isStructured ? serviceClass + countryCode + postalCode : "" }

    /// libzint's `primary` field: postal code padded to 9, country code, class of service.
    public var zintPrimary: String {
        guard mode.isStructured else { return "" }
        return postalCode + String(repeating: " ", count: 9 - postalCode.count) + countryCode + serviceClass
    }

    /// What a reader returns: for modes 2 and 3 the primary fields joined by GS, put after the
    /// `[)>` RS `01` GS `vv` header of a structured message, or before any other message.
    public var scannedText: String {
        guard mode.isStructured else { return message }
        let primary = postalCode + "\u{1D}" + countryCode + "\u{1D}" + serviceClass + "\u{1D}"
        let header = Self.structuredHeader
        if message.hasPrefix(header), message.utf8.count >= header.utf8.count + 2 {
            let split = message.utf8.index(message.utf8.startIndex, offsetBy: header.utf8.count + 2)
            return String(message[..<split]) + primary + String(message[split...])
        }
        return primary + message
    }
}

extension MaxiCodeEncoding {
    /// Data codewords each mode holds after its primary message (ISO/IEC 16023; libzint agrees).
    public static func capacity(_ mode: MaxiCodeOptions.Mode) -> Int {
        switch mode {
        case .numericPostalCode, .alphanumericPostalCode: 84
        case .standard, .readerProgramming: 93
        case .enhancedErrorCorrection: 77
        }
    }

    /// Text for an error message: the separators of a carrier message shown as <GS>, <RS>, <EOT>.
    static func printable(_ text: Substring) -> String {
        var out = ""
        for s in text.unicodeScalars {
            switch s.value {
            case 0x1D: out += "<GS>"
            case 0x1E: out += "<RS>"
            case 0x04: out += "<EOT>"
            case ..<0x20, 0x7F: out += "?"
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }

    static func checkCapacity(_ text: String, mode: MaxiCodeOptions.Mode) throws(LabelError) {
        let needed = codewords(text)
        guard needed <= capacity(mode) else {
            throw LabelError(code: "barcode.too_long", message: "The MaxiCode \(mode.isStructured ? "secondary message" : "data") needs \(needed) codewords; mode \(mode.rawValue) holds \(capacity(mode)). Shorten \"\(printable(text.prefix(60)))…\".")
        }
    }

    /// Codewords `text` takes in a MaxiCode, counted as libzint encodes: code set A (capitals,
    /// digits, space, CR, FS/GS/RS, some punctuation) one each, nine digits in a row six,
    /// lower case one each after a latch (two when only one or two in a row), anything else two.
    public static func codewords(_ text: String) -> Int {
        func isSetA(_ v: UInt32) -> Bool {
            v == 13 || (28...30).contains(v) || (0x20...0x3A).contains(v) && v != 0x21 || (0x41...0x5A).contains(v)
        }
        // In set B only (set B also has space , . / :, which cost one in either set).
        func isSetBOnly(_ v: UInt32) -> Bool {
            (0x61...0x7F).contains(v) || v == 0x21 || (0x3B...0x40).contains(v) || (0x5B...0x60).contains(v)
        }
        let scalars = Array(text.unicodeScalars.map(\.value))
        var cost = 0, i = 0
        while i < scalars.count {
            let v = scalars[i]
            if (0x30...0x39).contains(v) {
                var j = i
                while j < scalars.count, (0x30...0x39).contains(scalars[j]) { j += 1 }
                let run = j - i
                cost += run >= 9 ? run / 9 * 6 + run % 9 : run
                i = j
            } else if isSetA(v) {
                cost += 1
                i += 1
            } else if isSetBOnly(v) {
                var j = i, only = 0, shared = 0
                while j < scalars.count, isSetBOnly(scalars[j]) || [0x20, 0x2C, 0x2E, 0x2F, 0x3A].contains(scalars[j]) {
                    if isSetBOnly(scalars[j]) { only += 1 } else { shared += 1 }
                    j += 1
                }
                cost += only <= 2 ? 2 * only + shared : only + shared + 1 + (j < scalars.count ? 1 : 0)
                i = j
            } else {
                cost += v <= 0xFF ? 2 : 3 + 2 * String(UnicodeScalar(v)!).utf8.count
                i += 1
            }
        }
        return cost
    }
}
