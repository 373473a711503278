extension Barcode {
    /// Data of an EAN/UPC symbology (`]E`): it must be a GTIN, with the add-on split off for `]E3`.
    static func eanUPC(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, modifier: Character) -> Outcome {
        let count = end - start
        for index in start..<end where !ByteText.isDigit(bytes[index]) {
            return .invalid("EAN/UPC data: \(ByteText.quote(bytes, at: index)) at position \(index - start + 1) is not a digit")
        }
        switch modifier {
        case "0":
            switch count {
            case 8: return upcE(bytes, start)
            case 12, 13: return gtin(bytes, start, end)
            default: return .invalid("EAN-13/UPC-A/UPC-E data has \(count) digits, expected 8, 12 or 13")
            }
        case "4":
            guard count == 8 else { return .invalid("EAN-8 data has \(count) digits, expected 8") }
            return gtin(bytes, start, end)
        case "3":
            // The main symbol and its 2- or 5-digit add-on arrive as one run of digits.
            let main: Int
            switch count {
            case 15, 18: main = 13
            case 14, 17: main = 12
            case 10, 13: main = 8
            default: return .invalid("EAN/UPC data with add-on has \(count) digits; expected a GTIN and 2 or 5 more")
            }
            let outcome = main == 8 ? eightDigits(bytes, start) : gtin(bytes, start, start + main)
            guard case .content(.product(var product)) = outcome else { return outcome }
            product.addOn = ByteText.string(bytes, start + main, end)
            return .content(.product(product))
        default:
            // Add-ons on their own (]E1, ]E2) are not product codes.
            return .text
        }
    }

    /// An all-digit GTIN-8/12/13/14 without an identifier saying which symbology carried it.
    static func plainGTIN(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Outcome {
        end - start == 8 ? eightDigits(bytes, start) : gtin(bytes, start, end)
    }

    private static func gtin(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Outcome {
        if let reason = GTIN.problem(bytes, start, end) { return .invalid(reason) }
        return .content(.product(ProductCode(gtin: GTIN(paddingDigits: bytes, start, end))))
    }

    private static func upcE(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Outcome {
        switch GTIN.expandUPCE(bytes, start) {
        case .success(let gtin): return .content(.product(ProductCode(gtin: gtin)))
        case .failure(let error): return .invalid("UPC-E: \(error.reason)")
        }
    }

    /// Eight digits are EAN-8 or UPC-E; the valid EAN-8 reading wins and a valid UPC-E reading becomes an alternate.
    private static func eightDigits(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Outcome {
        let ean8Problem = GS1CheckDigit.problem(in: bytes, start, start + 8)
        let upcE = GTIN.expandUPCE(bytes, start)
        switch (ean8Problem, upcE) {
        case (nil, .success(let expanded)):
            return .content(.product(ProductCode(gtin: GTIN(paddingDigits: bytes, start, start + 8), alternates: [expanded])))
        case (nil, .failure):
            return .content(.product(ProductCode(gtin: GTIN(paddingDigits: bytes, start, start + 8))))
        case (.some, .success(let expanded)):
            return .content(.product(ProductCode(gtin: expanded)))
        case (.some(let reason), .failure(let upcEError)):
            let numberSystem = bytes[start]
            guard numberSystem == UInt8(ascii: "0") || numberSystem == UInt8(ascii: "1") else { return .invalid(reason) }
            return .invalid("\(reason) (as EAN-8); as UPC-E: \(upcEError.reason)")
        }
    }
}
