/// A scanned or printed barcode, normalized: the AIM symbology identifier stripped and the data interpreted.
///
/// `parse` never throws for ordinary text: anything that is not a product code is `.text`,
/// matched exactly by the caller. It fails only for data that claims to be a GS1 or GTIN code
/// and breaks its rules (bad check digit, malformed element string), with the reason.
public struct Barcode: Hashable, Sendable {
    /// The data exactly as received, AIM identifier included.
    public let raw: String
    /// The data without the AIM identifier.
    public let data: String
    /// The symbology the scanner reported through an AIM identifier, if any.
    public let symbology: SymbologyIdentifier?
    /// What the data means.
    public let content: BarcodeContent

    /// Creates a barcode from parts already interpreted.
    public init(raw: String, data: String, symbology: SymbologyIdentifier?, content: BarcodeContent) {
        self.raw = raw
        self.data = data
        self.symbology = symbology
        self.content = content
    }
}

/// The meaning of a barcode's data.
public enum BarcodeContent: Hashable, Sendable {
    /// A trade item: a GTIN, possibly with serial, lot, dates and other GS1 attributes.
    case product(ProductCode)
    /// A logistic unit (GS1 AI 00, SSCC-18), possibly with other attributes.
    case logisticUnit(sscc: String, elements: GS1ElementString)
    /// GS1 data that names neither a trade item nor a logistic unit.
    case gs1(GS1ElementString)
    /// Anything else (order numbers, totes, custom SKU labels, commands): matched exactly.
    case text(String)
}

/// A trade item identified by its GTIN, with what else the barcode carried.
public struct ProductCode: Hashable, Sendable {
    /// The GTIN, normalized to 14 digits.
    public var gtin: GTIN
    /// Other GTINs the same data could stand for (an 8-digit code with no AIM identifier is either EAN-8 or UPC-E).
    public var alternates: [GTIN]
    /// Every GS1 element the barcode carried (empty for a plain EAN/UPC).
    public var elements: GS1ElementString
    /// The 2- or 5-digit EAN/UPC add-on (issue number, price) when the scanner sent one (`]E3`).
    public var addOn: String?

    /// Creates a product code.
    public init(gtin: GTIN, alternates: [GTIN] = [], elements: GS1ElementString = GS1ElementString(), addOn: String? = nil) {
        self.gtin = gtin
        self.alternates = alternates
        self.elements = elements
        self.addOn = addOn
    }

    /// AI 21, the serial number.
    public var serial: String? { elements["21"] }
    /// AI 10, the batch or lot number.
    public var lot: String? { elements["10"] }
    /// AI 17, the expiration date.
    public var expiry: GS1Date? { elements["17"].flatMap(GS1Date.init(yymmdd:)) }
    /// AI 15, the best-before date.
    public var bestBefore: GS1Date? { elements["15"].flatMap(GS1Date.init(yymmdd:)) }
}

/// Why data that claims to be a product or GS1 code is not valid.
public struct InvalidBarcode: Error, Hashable, Sendable, CustomStringConvertible {
    /// The data as received.
    public let raw: String
    /// The symbology the scanner reported, if any.
    public let symbology: SymbologyIdentifier?
    /// What is wrong, for a person ("check digit is 3, expected 5").
    public let reason: String

    /// Creates the error.
    public init(raw: String, symbology: SymbologyIdentifier?, reason: String) {
        self.raw = raw
        self.symbology = symbology
        self.reason = reason
    }

    /// The reason, so the error prints as what a person should read.
    public var description: String { reason }
}
