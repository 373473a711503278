import Barcodes

/// Dates are resolved against a fixed year, so a crash reproduces whatever the clock says.
let year = 2026

/// Any text as scanned data: `Barcode.parse` (AIM identifiers, EAN/UPC, UPC-E, GS1 element
/// strings in both forms, GS1 Digital Link), and the GS1 element-string and Digital Link readers
/// on their own.
///
/// Checks that a barcode keeps the data exactly as scanned, that an invalid one says why, and that
/// every element string read back from its transmitted form (what a scanner sends) is the same
/// elements, so a label printed from parsed data scans the same.
func fuzzBarcode(_ bytes: UnsafeBufferPointer<UInt8>) {
    let raw = String(decoding: bytes, as: UTF8.self)
    switch Barcode.parse(raw, currentYear: year) {
    case .success(let barcode):
        precondition(barcode.raw == raw, "the barcode does not keep the data as scanned")
        precondition(raw.utf8.suffix(barcode.data.utf8.count).elementsEqual(barcode.data.utf8), "the data is not the end of what was scanned")
        switch barcode.content {
        case .product(let product): checkRoundTrip(product.elements)
        case .logisticUnit(_, let elements), .gs1(let elements): checkRoundTrip(elements)
        case .text(let text): precondition(text == barcode.data, "text content differs from the data")
        }
    case .failure(let invalid):
        precondition(invalid.raw == raw && !invalid.reason.isEmpty, "an invalid barcode without the data or a reason")
    }
    if let elements = try? GS1ElementString(parsing: raw, currentYear: year) { checkRoundTrip(elements) }
    if let elements = try? GS1DigitalLink.decode(raw, currentYear: year) { checkRoundTrip(elements) }
}

/// The elements survive being written out and read again.
func checkRoundTrip(_ elements: GS1ElementString) {
    guard !elements.elements.isEmpty else { return }
    let transmitted = elements.transmitted
    guard let again = try? GS1ElementString(parsing: transmitted, currentYear: year), again == elements else {
        fatalError("\(elements) written as \(transmitted.debugDescription) reads back differently")
    }
}
