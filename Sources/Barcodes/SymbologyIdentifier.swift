/// An AIM symbology identifier (ISO/IEC 15424): `]` then a code character and a modifier, as in `]C1`.
public struct SymbologyIdentifier: Hashable, Sendable, CustomStringConvertible {
    /// The code character (`C` Code 128, `E` EAN/UPC, `d` Data Matrix, `Q` QR, `e` GS1 DataBar, …).
    public let code: Character
    /// The modifier character.
    public let modifier: Character

    /// Creates an identifier from its two characters.
    public init(code: Character, modifier: Character) {
        self.code = code
        self.modifier = modifier
    }

    /// Parses exactly three characters such as `]C1`; nil if they are not a known identifier.
    public init?(_ text: some StringProtocol) {
        let parsed: SymbologyIdentifier? = ByteText.withBytes(text) { bytes in
            bytes.count == 3 ? SymbologyIdentifier.prefix(of: bytes) : nil
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// The identifier as transmitted, `]C1`.
    public var description: String { "]\(code)\(modifier)" }

    /// Splits scanner data into its leading AIM identifier (if any) and the data after it.
    ///
    /// A `]` that is not followed by a known code character and a modifier is data, not an identifier.
    public static func split(_ raw: String) -> (identifier: SymbologyIdentifier?, data: Substring) {
        let identifier = ByteText.withBytes(raw) { prefix(of: $0) }
        // Drop by bytes: a combining mark after the modifier must stay with the data.
        return (identifier, identifier == nil ? raw[...] : Substring(raw.utf8.dropFirst(3)))
    }

    /// The identifier at the start of `bytes`, if there is one.
    static func prefix(of bytes: UnsafeBufferPointer<UInt8>) -> SymbologyIdentifier? {
        guard bytes.count >= 3, bytes[0] == UInt8(ascii: "]"), SymbologyIdentifier.codes[Int(bytes[1])] else {
            return nil
        }
        let modifier = bytes[2]
        // ISO/IEC 15424 modifiers are a digit or an upper-case letter.
        guard ByteText.isDigit(modifier) || (modifier >= UInt8(ascii: "A") && modifier <= UInt8(ascii: "Z")) else {
            return nil
        }
        return SymbologyIdentifier(code: Character(Unicode.Scalar(bytes[1])), modifier: Character(Unicode.Scalar(modifier)))
    }

    /// Code characters assigned by ISO/IEC 15424 and AIM, indexed by ASCII value.
    private static let codes: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for code in "ABCDEFGHIJKLMNOPQRSTUXYZcdeghopsz".utf8 { table[Int(code)] = true }
        return table
    }()

    /// Whether the data is a GS1 element string (FNC1 in first position), as for `]C1`, `]e0`, `]d2`, `]Q3`, `]J1`, `]z1`.
    ///
    /// The ECI and structured-append variants (`]d5`, `]Q4`, `]z4`, `]z7`, `]zA`) and DataBar composites (`]e1`–`]e3`) count too.
    public var isGS1: Bool {
        switch (code, modifier) {
        case ("C", "1"), ("d", "2"), ("d", "5"), ("Q", "3"), ("Q", "4"), ("J", "1"): true
        case ("e", "0"), ("e", "1"), ("e", "2"), ("e", "3"): true
        case ("z", "1"), ("z", "4"), ("z", "7"), ("z", "A"): true
        default: false
        }
    }

    /// Whether the symbology is EAN/UPC (`]E`), whose data must be a GTIN with an optional add-on.
    public var isEANUPC: Bool { code == "E" }

    /// A human name for the symbology, naming the GS1 variant when the modifier says so ("GS1-128", "EAN-8").
    public var name: String {
        switch (code, modifier) {
        case ("C", "1"): return "GS1-128"
        case ("E", "0"): return "EAN-13/UPC-A/UPC-E"
        case ("E", "1"): return "EAN/UPC 2-digit add-on"
        case ("E", "2"): return "EAN/UPC 5-digit add-on"
        case ("E", "3"): return "EAN/UPC with add-on"
        case ("E", "4"): return "EAN-8"
        case ("I", "1"), ("I", "3"): return "ITF (ITF-14)"
        case ("d", "2"), ("d", "5"): return "GS1 DataMatrix"
        case ("Q", "3"), ("Q", "4"): return "GS1 QR Code"
        case ("J", "1"): return "GS1 DotCode"
        case ("z", "1"), ("z", "4"), ("z", "7"), ("z", "A"): return "GS1 Aztec Code"
        default: return SymbologyIdentifier.names[code] ?? "Unknown symbology"
        }
    }

    /// Names by code character (ISO/IEC 15424 table 1, with later AIM assignments).
    private static let names: [Character: String] = [
        "A": "Code 39", "B": "Telepen", "C": "Code 128", "D": "Code One", "E": "EAN/UPC",
        "F": "Codabar", "G": "Code 93", "H": "Code 11", "I": "Interleaved 2 of 5",
        "J": "DotCode", "K": "Code 16K", "L": "PDF417", "M": "MSI", "N": "Anker",
        "O": "Codablock", "P": "Plessey", "Q": "QR Code", "R": "Straight 2 of 5 (2 bar start/stop)",
        "S": "Straight 2 of 5 (3 bar start/stop)", "T": "Code 49", "U": "MaxiCode",
        "X": "Other barcode", "Y": "System expansion", "Z": "Non-barcode",
        "c": "Channel Code", "d": "Data Matrix", "e": "GS1 DataBar", "g": "Grid Matrix",
        "h": "Han Xin Code", "o": "OCR", "p": "PosiCode", "s": "SuperCode", "z": "Aztec Code",
    ]
}
