import LabelGraphics
import Labels
import Testing

/// MaxiCode modes through libzint (PDF and PNG): modes 2, 3, 5 and 6 draw a symbol different
/// from mode 4's, and the ZPL renderer's checks refuse the same inputs here. Decoding with
/// zxing-cpp (text and mode) is in scripts/check-labels.py.
struct MaxiCodeGraphicsTests {
    static let ups = UPSMaxiCodeMessage(trackingNumber: "1Z00004951", shipperNumber: "06X610", pickupDay: "159", shipmentID: "1234567", package: "1/1",
                                        weight: "10", addressValidation: "Y", street: "634 Alpha Dr", city: "Pittsburgh", state: "PA").text

    static func layout(_ data: String, _ options: MaxiCodeOptions?) -> LabelLayout {
        LabelLayout(size: .inches4x6, density: .dpi203, elements: [
            .barcode(BarcodeBlock(frame: DotRect(x: 40, y: 80, width: 240, height: 240), symbology: .maxicode, data: data, moduleDots: 1, humanReadable: false, maxiCode: options)),
        ])
    }

    @Test func everyModeDrawsItsOwnSymbol() throws {
        let us = MaxiCodeOptions.Primary(postalCode: "15238-2802", countryCode: "840", serviceClass: "001")
        let ca = MaxiCodeOptions.Primary(postalCode: "K1M 1M4", countryCode: "124", serviceClass: "066")
        let bitmaps = try [
            Self.layout(Self.ups, MaxiCodeOptions(primary: us)),
            Self.layout(Self.ups, MaxiCodeOptions(primary: ca)),
            Self.layout(Self.ups, nil),
            Self.layout("SO-200417", MaxiCodeOptions(mode: .standard)),
            Self.layout("SO-200417", MaxiCodeOptions(mode: .enhancedErrorCorrection)),
            Self.layout("SO-200417", MaxiCodeOptions(mode: .readerProgramming)),
        ].map(LabelPNG.bitmap)
        for b in bitmaps { #expect(b.blackCount > 5_000) }
        #expect(Set(bitmaps.map(\.bytes)).count == bitmaps.count)
    }

    @Test(arguments: [
        (MaxiCodeOptions(primary: .init(postalCode: "2000", countryCode: "036", serviceClass: "001")), "maxicode.postal_code"),
        (MaxiCodeOptions(primary: .init(postalCode: "15238", countryCode: "84", serviceClass: "001")), "maxicode.country_code"),
        (MaxiCodeOptions(mode: .numericPostalCode), "maxicode.primary"),
    ])
    func pngAndZPLRefuseAlike(options: MaxiCodeOptions, code: String) {
        let layout = Self.layout(Self.ups, options)
        #expect { try LabelPNG.render(layout) } throws: { ($0 as! LabelError).code == code }
        #expect { try ZPLRenderer().render(layout) } throws: { ($0 as! LabelError).code == code }
    }

    @Test func pdfCarriesTheMode2Symbol() throws {
        let writer = PDFLabelWriter(sink: CollectingSink())
        try writer.addPage(Self.layout(Self.ups, MaxiCodeOptions(primary: .init(postalCode: "15238", countryCode: "840", serviceClass: "001"))))
        try writer.finish()
        #expect(writer.sink.bytes.count > 1_000)
    }
}
