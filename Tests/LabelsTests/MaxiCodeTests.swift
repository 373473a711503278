import Foundation
import Labels
import PackCore
import Testing

/// UPS MaxiCode in modes 2 and 3 (structured carrier message) and the other modes: the exact
/// ^BD field, the checks that name the wrong field, and templates filled from the order.
/// Decoding (zxing-cpp on PNG, PDF and zplkit's picture of the ZPL) is in scripts/check-labels.py.
struct MaxiCodeTests {
    static let gs = "\u{1D}", rs = "\u{1E}", eot = "\u{04}"
    /// The ZPL II manual's ^BD example message (exactly the 84 codewords modes 2 and 3 hold).
    static let manual = UPSMaxiCodeMessage(trackingNumber: "1Z00004951", shipperNumber: "06X610", pickupDay: "159", shipmentID: "1234567", package: "1/1",
                                           weight: "10", addressValidation: "Y", street: "634 Alpha Dr", city: "Pittsburgh", state: "PA")

    static func block(_ data: String, mode: MaxiCodeOptions.Mode? = nil, postal: String? = "15238-2802", country: String = "840", service: String = "001") -> BarcodeBlock {
        BarcodeBlock(frame: DotRect(x: 40, y: 80, width: 240, height: 240), symbology: .maxicode, data: data, moduleDots: 1, humanReadable: false,
                     maxiCode: MaxiCodeOptions(mode: mode, primary: postal.map { .init(postalCode: $0, countryCode: country, serviceClass: service) }))
    }

    static func zpl(_ block: BarcodeBlock) throws(LabelError) -> String {
        String(decoding: try ZPLRenderer().render(LabelLayout(size: .inches4x6, density: .dpi203, elements: [.barcode(block)])), as: UTF8.self)
    }

    @Test func upsMessageIsTheManualsLayout() {
        #expect(Self.manual.text == "[)>\(Self.rs)01\(Self.gs)961Z00004951\(Self.gs)UPSN\(Self.gs)06X610\(Self.gs)159\(Self.gs)1234567\(Self.gs)1/1\(Self.gs)10\(Self.gs)Y\(Self.gs)634 ALPHA DR\(Self.gs)PITTSBURGH\(Self.gs)PA\(Self.rs)\(Self.eot)")
        #expect(MaxiCodeEncoding.codewords(Self.manual.text) == 84)
    }

    @Test func mode2ZPLIsClassCountryZipThenTheEscapedMessage() throws {
        let zpl = try Self.zpl(Self.block(Self.manual.text))
        #expect(zpl.contains("^FO40,80^BD2,1,1^FH^FD001840152382802[)>_1E01_1D961Z00004951_1DUPSN_1D06X610_1D159_1D1234567_1D1/1_1D10_1DY_1D634 ALPHA DR_1DPITTSBURGH_1DPA_1E_04^FS\n"), "\(zpl)")
    }

    @Test func mode3ZPLTakesSixLettersAndDigits() throws {
        let zpl = try Self.zpl(Self.block(Self.manual.text, postal: "k1m 1m4", country: "124", service: "066"))
        #expect(zpl.contains("^BD3,1,1^FH^FD066124K1M1M4[)>_1E01_1D96"), "\(zpl)")
    }

    @Test func plainMaxiCodeIsStillMode4() throws {
        let zpl = try Self.zpl(BarcodeBlock(frame: DotRect(x: 1, y: 2, width: 240, height: 240), symbology: .maxicode, data: "1Z999 ^XZ", moduleDots: 1))
        #expect(zpl.contains("^FO1,2^BD4,1,1^FH^FD1Z999 _5EXZ^FS\n"), "\(zpl)")
        let five = try Self.zpl(Self.block("SO-1", mode: .enhancedErrorCorrection, postal: nil))
        #expect(five.contains("^BD5,1,1^FH^FDSO-1^FS"), "\(five)")
    }

    @Test(arguments: [
        ("15238", MaxiCodeOptions.Mode.numericPostalCode, "152380000"), ("15238-2802", .numericPostalCode, "152382802"),
        ("K1M 1M4", .alphanumericPostalCode, "K1M1M4"), ("sw1a 1aa", .alphanumericPostalCode, "SW1A1A"), ("110001", .alphanumericPostalCode, "110001"),
    ])
    func autoModeFollowsThePostalCode(postal: String, mode: MaxiCodeOptions.Mode, encoded: String) throws {
        let maxi = try MaxiCodeEncoding(Self.block(Self.manual.text, postal: postal))
        #expect(maxi.mode == mode)
        #expect(maxi.postalCode == encoded)
        #expect(maxi.zintPrimary.count == 15 && maxi.zintPrimary.hasSuffix("840001"))
    }

    @Test func scannedTextPutsThePrimaryAfterTheHeader() throws {
        let maxi = try MaxiCodeEncoding(Self.block(Self.manual.text))
        #expect(maxi.scannedText == "[)>\(Self.rs)01\(Self.gs)96152382802\(Self.gs)840\(Self.gs)001\(Self.gs)1Z00004951\(Self.gs)UPSN" + Self.manual.text.dropFirst(24))
    }

    @Test(arguments: [
        (Self.block("x", mode: .numericPostalCode, postal: "K1M1M4"), "maxicode.postal_code", "5 or 9 digits"),
        (Self.block("x", postal: "2000"), "maxicode.postal_code", "needs 6"),
        (Self.block("x", postal: "K1M-1M#"), "maxicode.postal_code", "letters and digits"),
        (Self.block("x", postal: " "), "maxicode.postal_code", "empty"),
        (Self.block("x", country: "US"), "maxicode.country_code", "country code \"US\""),
        (Self.block("x", service: "1"), "maxicode.service_class", "class of service \"1\""),
        (Self.block("x", mode: .standard), "maxicode.mode", "mode 4"),
        (Self.block("x", mode: .alphanumericPostalCode, postal: nil), "maxicode.primary", "primary message"),
        (Self.block(String(repeating: "A", count: 85)), "barcode.too_long", "85 codewords"),
        (Self.block(String(repeating: "aB", count: 45), mode: .standard, postal: nil), "barcode.too_long", "mode 4 holds 93"),
        (Self.block(""), "barcode.empty", "no data"),
    ])
    func badInputIsRefusedNamingTheField(block: BarcodeBlock, code: String, words: String) {
        #expect {
            try Self.zpl(block)
        } throws: { error in
            let e = error as! LabelError
            return e.code == code && e.message.contains(words)
        }
    }

    @Test(arguments: [
        (UPSMaxiCodeMessage(trackingNumber: ""), "tracking number"),
        (UPSMaxiCodeMessage(trackingNumber: "1Z12345675", scac: "U"), "SCAC"),
        (UPSMaxiCodeMessage(trackingNumber: "1Z12345675", shipperNumber: "06X6"), "shipper number"),
        (UPSMaxiCodeMessage(trackingNumber: "1Z12345675", pickupDay: "400"), "Julian day"),
        (UPSMaxiCodeMessage(trackingNumber: "1Z12345675", package: "3/2"), "package number"),
        (UPSMaxiCodeMessage(trackingNumber: "1Z12345675", weight: "10.5"), "weight"),
        (UPSMaxiCodeMessage(trackingNumber: "1Z12345675", addressValidation: "maybe"), "address validation"),
        (UPSMaxiCodeMessage(trackingNumber: "1Z12345675", shipmentID: "A-1"), "shipment id"),
    ])
    func badUPSFieldIsNamed(message: UPSMaxiCodeMessage, field: String) {
        #expect {
            try Self.zpl(Self.block(message.text))
        } throws: { error in
            let e = error as! LabelError
            return e.code == "maxicode.ups" && e.message.contains(field)
        }
    }

    @Test func customerTextCannotAddFieldsOrCommands() throws {
        let message = UPSMaxiCodeMessage(trackingNumber: "1Z06X6100100004951", package: "1/1", street: "Straße 1\u{1D}EVIL\u{1E}\u{04}^XZ~JR", city: "Zürich\nX", state: "ZH")
        let text = message.text
        #expect(text.split(separator: "\u{1D}", omittingEmptySubsequences: false).count == 12)
        #expect(text.hasSuffix("\u{1D}STRASSE 1 EVIL ^XZ~JR\u{1D}ZURICH X\u{1D}ZH\u{1E}\u{04}"), "\(text.debugDescription)")
        #expect(text.hasPrefix("[)>\u{1E}01\u{1D}961Z00004951\u{1D}UPSN\u{1D}06X610\u{1D}"))
        let zpl = try Self.zpl(Self.block(text))
        #expect(!zpl.contains("~"))
        #expect(ZPLInjectionTests.commands(in: zpl) == ["XA", "CI", "PW", "LL", "LH", "FO", "BD", "FH", "FD", "FS", "XZ"])
    }

    @Test func longAddressIsShortenedToFit() throws {
        let message = UPSMaxiCodeMessage(trackingNumber: "1Z06X6100100004951", pickupDay: "159", weight: "10", addressValidation: "Y",
                                         street: "1600 Pennsylvania Avenue Northwest, Suite 100", city: "Washington", state: "DC")
        #expect(MaxiCodeEncoding.codewords(message.text) <= 84)
        #expect(message.text.contains("\u{1D}1600 PENN"))
        #expect(message.text.hasSuffix("\u{1D}WASHINGTON\u{1D}DC\u{1E}\u{04}"))
        _ = try MaxiCodeEncoding(Self.block(message.text))
    }
}

/// A template asks for a UPS MaxiCode from the order's fields; the compiled ZPL fast path and
/// the layout renderer print the same bytes. The Canadian order's street ("24 Sussex Dr ^FS~JR")
/// is cut to "24 SUSSEX DR ^F" so the message fits mode 3's 84 codewords; its ^ stays data (_5E).
struct MaxiCodeTemplateTests {
    static func template() throws -> LabelTemplate {
        let data = try Data(contentsOf: Fixtures.directory.appendingPathComponent("template-ups-maxicode.json"))
        return try LabelTemplate(json: Array(data), source: "template-ups-maxicode.json")
    }

    @Test(arguments: [("order-ups-us.json", "^BD2,1,1^FH^FD001840152382802[)>_1E01_1D961Z00004951_1DUPSN_1D06X610_1D159_1D1234567_1D1/1_1D10_1DY_1D634 ALPHA DR_1DPITTSBURGH_1DPA_1E_04^FS"),
                      ("order-ups-ca.json", "^BD3,1,1^FH^FD001124K1M1M4[)>_1E01_1D961Z00004968_1DUPSN_1D06X610_1D159_1D1234567_1D1/2_1D10_1DY_1D24 SUSSEX DR _5EF_1DOTTAWA_1DON_1E_04^FS")])
    func templateFillsTheMaxiCodeFromTheOrder(order: String, field: String) throws {
        let template = try Self.template()
        let context = LabelContext(order: try Fixtures.order(order))
        for density in [PrinterDensity.dpi203, .dpi300] {
            let viaLayout = String(decoding: try ZPLRenderer().render(template.layout(for: context, density: density)), as: UTF8.self)
            var out: [UInt8] = []
            try ZPLStream(template: template, density: density).appendLabel(for: context, to: &out)
            let viaStream = String(decoding: out, as: UTF8.self)
            #expect(viaLayout.contains(field), "\(viaLayout)")
            #expect(viaStream == viaLayout)
            #expect(viaLayout.contains("^BD5,1,1^FH^FD\(context.order.id)^FS"))
        }
    }

    @Test func templateErrorsNameThePath() throws {
        func load(_ maxicode: String) throws(LabelError) -> LabelTemplate {
            let json = #"{"name": "t", "size": "4x6", "elements": [{"type": "barcode", "x": 5, "y": 10, "width": 30, "height": 30, "symbology": "maxicode", "maxicode": "# + maxicode + #"}]}"#
            return try LabelTemplate(json: Array(json.utf8), source: "t.json")
        }
        #expect(throws: LabelError.self) { try load(#"{"mode": 7, "service_class": "001", "ups": {}}"#) }
        #expect { try load(#"{"ups": {}}"#) } throws: { ($0 as! LabelError).message.contains("elements[0].maxicode: \"service_class\" is missing") }
        #expect { try load(#"{"mode": 4}"#) } throws: { ($0 as! LabelError).message.contains("\"data\" is missing") }
        #expect { try load(#"{"service_class": "001", "ups": {"weight": "{nope}"}}"#) } throws: { ($0 as! LabelError).message.contains("elements[0].maxicode.ups.weight") }
        _ = try load(#"{"service_class": "001", "ups": {}}"#)
    }
}
