extension Barcode {
    /// Interprets raw scanner data: strips the AIM identifier, then recognizes GTINs (with
    /// UPC-E expanded), GS1 element strings (FNC1/GS separated or in `(AI)` form) and
    /// GS1 Digital Link URIs. Anything else is `.text`.
    public static func parse(_ raw: String) -> Result<Barcode, InvalidBarcode> {
        parse(raw, year: nil)
    }

    /// Like `parse(_:)`, resolving the century of YYMMDD dates against `currentYear` instead of the system clock.
    public static func parse(_ raw: String, currentYear: Int) -> Result<Barcode, InvalidBarcode> {
        parse(raw, year: currentYear)
    }

    private static func parse(_ raw: String, year: Int?) -> Result<Barcode, InvalidBarcode> {
        var contiguous = raw
        let (symbology, outcome) = contiguous.withUTF8 { bytes in
            let symbology = SymbologyIdentifier.prefix(of: bytes)
            let start = symbology == nil ? 0 : 3
            return (symbology, interpret(bytes, start, bytes.count, symbology: symbology, currentYear: year))
        }
        let data = symbology == nil ? raw : String(Substring(raw.utf8.dropFirst(3)))
        switch outcome {
        case .content(let content):
            return .success(Barcode(raw: raw, data: data, symbology: symbology, content: content))
        case .text:
            return .success(Barcode(raw: raw, data: data, symbology: symbology, content: .text(data)))
        case .invalid(let reason):
            return .failure(InvalidBarcode(raw: raw, symbology: symbology, reason: reason))
        }
    }

    /// What the data means, decided without building the data string (text needs none).
    enum Outcome {
        case content(BarcodeContent)
        case text
        case invalid(String)

        init(_ result: Result<GS1ElementString, GS1Error>) {
            switch result {
            case .success(let elements): self = .content(BarcodeContent(elements))
            case .failure(let error): self = .invalid(error.reason)
            }
        }
    }

    /// The pipeline of `parse` after the AIM identifier: symbology rules, Digital Link, GS1, plain GTIN, text.
    static func interpret(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, symbology: SymbologyIdentifier?, currentYear: Int?
    ) -> Outcome {
        let count = end - start
        if let symbology {
            if symbology.isGS1 { return Outcome(GS1ElementString.parse(bytes, start, end, currentYear: currentYear)) }
            if symbology.isEANUPC { return eanUPC(bytes, start, end, modifier: symbology.modifier) }
            // ITF-14 carries a GTIN-14; other ITF data (and a wrong check digit) is left to the rules below.
            if symbology.code == "I", count == 14, GTIN.problem(bytes, start, end) == nil {
                return .content(.product(ProductCode(gtin: GTIN(paddingDigits: bytes, start, end))))
            }
        }
        // Longer data cannot be GS1 data from a real symbol, and scanning it would only cost time.
        guard count > 0, count <= GS1ElementString.maximumLength else { return .text }
        if let link = GS1DigitalLink.decode(bytes, start, end, currentYear: currentYear) { return Outcome(link) }
        if let gs1 = detectGS1(bytes, start, end, currentYear: currentYear) { return gs1 }
        if symbology == nil, (8...14).contains(count), count != 9, count != 10, count != 11,
            ByteText.allDigits(bytes, start, end)
        {
            return plainGTIN(bytes, start, end)
        }
        return .text
    }

    /// GS1 data without a GS1 symbology identifier: data with GS, the `(AI)` form, or digits that parse cleanly as AI 00/01/02.
    private static func detectGS1(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, currentYear: Int?) -> Outcome? {
        if bytes[start] == UInt8(ascii: "(") {
            guard GS1ElementString.bracketedAI(bytes, start, end) != nil else { return nil }
            return Outcome(GS1ElementString.parseBracketed(bytes, start, end, currentYear: currentYear))
        }
        var first = start
        while first < end && bytes[first] == ByteText.groupSeparator { first += 1 }
        var index = first
        while index < end && bytes[index] != ByteText.groupSeparator { index += 1 }
        if index < end {
            // A GS means an encoder put FNC1 there, but only data that starts with an AI is a GS1 claim.
            guard GS1ApplicationIdentifier.match(bytes, first, end) != nil else { return nil }
            return Outcome(GS1ElementString.parseSeparated(bytes, first, end, currentYear: currentYear))
        }
        // Plain digits are GS1 only if they start with an SSCC or GTIN and every element is valid;
        // anything less (an order number that happens to start with 01) stays text.
        guard end - first >= 16, bytes[first] == UInt8(ascii: "0"),
            bytes[first + 1] >= UInt8(ascii: "0"), bytes[first + 1] <= UInt8(ascii: "2"),
            case .success(let elements) = GS1ElementString.parseSeparated(bytes, first, end, currentYear: currentYear)
        else { return nil }
        return .content(BarcodeContent(elements))
    }
}

extension BarcodeContent {
    /// The content for GS1 data: a product when AI 01 is present, a logistic unit for AI 00, otherwise generic GS1.
    init(_ elements: GS1ElementString) {
        if let gtin = elements.gtin {
            self = .product(ProductCode(gtin: gtin, elements: elements))
        } else if let sscc = elements.sscc {
            self = .logisticUnit(sscc: sscc, elements: elements)
        } else {
            self = .gs1(elements)
        }
    }
}
