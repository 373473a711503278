import Testing
@testable import PackCore

@Suite struct OrderDecodingTests {
    static let minimal = #"{"id":"A1","status":"ready","payment":"captured","lines":[{"sku":"S1","quantity":2}]}"#

    private func problems(_ json: String) -> [String] {
        do {
            _ = try Order.decode(from: Array(json.utf8))
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func decodesTheFullExampleOrder() throws {
        let json = #"""
            {"id":"1001","barcodes":["ORD-1001","TOTE-7"],"status":"ready","payment":"captured","priority":"same_day",
             "value":{"amount":"649.90","currency":"EUR"},"flags":["gift"],"notes":"no filler","gift_message":"Hi",
             "unknown_member":{"ignored":true},
             "lines":[{"sku":"MUG","description":"Mug","quantity":2,"barcodes":["4006381333931"],
                       "dimensions_mm":{"length":120,"width":90,"height":100},"weight_g":350},
                      {"sku":"HS","quantity":1,"serialized":true}],
             "shipment":{"carrier":"DHL","service":"Express","tracking":"JD01",
                         "from":{"name":"W","street":["S 1"],"city":"Hamburg","country":"DE"},
                         "to":{"name":"Łukasz","street":["ul. Długa 5"],"city":"Gdańsk","postal_code":"80-827","country":"PL"},
                         "packages":2,"label":{"format":"zpl","data":"XlhBXlha"}}}
            """#
        let order = try Order.decode(from: Array(json.utf8))
        #expect(order.id == "1001")
        #expect(order.barcodes == ["ORD-1001", "TOTE-7"])
        #expect(order.priority == .sameDay)
        #expect(order.value == Money(amount: "649.90", currency: "EUR"))
        #expect(order.value?.hundredths == 64_990)
        #expect(order.isGift)
        #expect(order.lines.map(\.sku) == ["MUG", "HS"])
        #expect(order.lines[0].dimensions == Dimensions(length: 120, width: 90, height: 100))
        #expect(order.lines[1].serialized)
        #expect(order.shipment?.to.name == "Łukasz")
        #expect(order.shipment?.packages == 2)
        #expect(order.shipment?.label == CarrierLabel(format: .zpl, data: Array("^XA^XZ".utf8)))
    }

    @Test func defaultsApply() throws {
        let order = try Order.decode(from: Array(Self.minimal.utf8))
        #expect(order.priority == .standard && order.shipBy == nil)
        #expect(order.barcodes.isEmpty && order.flags.isEmpty && order.value == nil && order.shipment == nil)
        #expect(order.lines[0].serialized == false)
    }

    @Test(arguments: [
        (#"{"status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1}]}"#, ["id: is required"]),
        (#"{"id":7,"status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1}]}"#, ["id: must be a string, found a number"]),
        (#"{"id":"A","status":"shipped","payment":"captured","lines":[{"sku":"S","quantity":1}]}"#,
         [#"status: "shipped" is not one of "ready", "on_hold", "cancelled", "packed""#]),
        (#"{"id":"A","status":"ready","payment":true,"lines":[{"sku":"S","quantity":1}]}"#,
         [#"payment: must be one of "captured", "authorized", "pending", "failed", found a boolean"#]),
        (#"{"id":"A","status":"ready","payment":"captured","lines":[]}"#, ["lines: must have at least one line"]),
        (#"{"id":"A","status":"ready","payment":"captured","lines":{}}"#, ["lines: must be an array, found an object"]),
        (#"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":0}]}"#, ["lines[0].quantity: must be at least 1, found 0"]),
        (#"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":-3}]}"#, ["lines[0].quantity: must be at least 1, found -3"]),
        (#"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1.5}]}"#, ["lines[0].quantity: must be a whole number, found 1.5"]),
        (#"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":"2"}]}"#, ["lines[0].quantity: must be a number, found a string"]),
        (#"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1},{"sku":"S","quantity":1}]}"#,
         [#"lines[1].sku: "S" is already the SKU of lines[0]; put all units of one SKU on one line"#]),
        (#"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1,"barcodes":["4006381333931"]},{"sku":"T","quantity":1,"barcodes":["04006381333931"]}]}"#,
         [#"lines[1].barcodes[0]: "04006381333931" is also claimed by lines[0]; a barcode must lead to one line"#]),
        (#"{"id":"A","barcodes":["X1"],"status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1,"barcodes":["X1"]}]}"#,
         [#"lines[0].barcodes[0]: "X1" is also claimed by barcodes[0]; a barcode must lead to one line"#]),
        (#"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1,"barcodes":["", 5]}]}"#,
         ["lines[0].barcodes[0]: must not be empty", "lines[0].barcodes[1]: must be a string, found a number"]),
        (#"{"id":"A","status":"ready","payment":"captured","value":{"amount":-1,"currency":"eur"},"lines":[{"sku":"S","quantity":1}]}"#,
         ["value.amount: must be a non-negative amount with at most two decimals, found -1",
          #"value.currency: must be a three-letter ISO 4217 code such as "EUR", found "eur""#]),
        (#"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1}],"shipment":{"carrier":"DHL","service":"X","from":{"name":"W","street":["a"],"city":"c","country":"Germany"}}}"#,
         [#"shipment.from.country: must be a two-letter ISO 3166 code such as "DE", found "Germany""#, #"shipment.to: is required"#]),
        (#"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1}],"shipment":{"carrier":"DHL","service":"X","from":{"name":"W","street":["a"],"city":"c","country":"DE"},"to":{"name":"W","street":["a"],"city":"c","country":"DE"},"label":{"format":"gif","data":"%%%"}}}"#,
         [#"shipment.label.format: "gif" is not one of "zpl", "pdf", "png""#, "shipment.label.data: is not base64 data"]),
        (#"{"id":"A","status":"ready","payment":"captured","ship_by":"2026-02-29","lines":[{"sku":"S","quantity":1}]}"#,
         [#"ship_by: must be a calendar date written YYYY-MM-DD, such as "2026-12-04", found "2026-02-29""#]),
        (#"{"id":"A","status":"ready","payment":"captured","ship_by":"2026-12-04T10:00:00Z","lines":[{"sku":"S","quantity":1}]}"#,
         [#"ship_by: must be a calendar date written YYYY-MM-DD, such as "2026-12-04", found "2026-12-04T10:00:00Z""#]),
        (#"{"id":"A","status":"ready","payment":"captured","ship_by":20261204,"lines":[{"sku":"S","quantity":1}]}"#,
         ["ship_by: must be a string, found a number"]),
        ("[]", ["$: must be an object, found an array"]),
        ("{\"id\":", ["$: is not JSON: line 1, column 7: unexpected end of the document"]),
    ])
    func reportsEveryProblemWithItsPath(json: String, expected: [String]) {
        #expect(problems(json) == expected)
    }

    @Test func collectsAllProblemsAtOnce() {
        let found = problems(#"{"id":"","status":"x","payment":"y","lines":[{"quantity":0},{"sku":"B","quantity":1e400}]}"#)
        #expect(found.count == 6, "\(found)")
        #expect(found.contains("id: must not be empty"))
        #expect(found.contains("lines[0].sku: is required"))
    }

    @Test(arguments: [("2026-12-04", true), ("2028-02-29", true), ("2000-02-29", true), ("1900-02-29", false), ("2026-13-01", false),
                      ("2026-04-31", false), ("2026-00-10", false), ("2026-1-04", false), ("2026-12-4 ", false), ("２０２６-12-04", false)])
    func shipByIsACalendarDate(text: String, valid: Bool) {
        let json = #"{"id":"A","status":"ready","payment":"captured","ship_by":"\#(text)","lines":[{"sku":"S","quantity":1}]}"#
        #expect(problems(json).isEmpty == valid, "\(text)")
        if valid { #expect((try? Order.decode(from: Array(json.utf8)))?.shipBy == text) }
    }

    @Test func hugeFieldsAreRefusedNotLoaded() {
        let long = String(repeating: "A", count: 1_000_000)
        let found = problems(#"{"id":"\#(long)","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1}]}"#)
        #expect(found == ["id: is 1000000 characters long; at most 200 allowed"])
    }
}

/// The buyer's e-mail and language (for shipping notices) and the sales channel (for rules).
@Suite struct OrderCustomerTests {
    private func decode(_ extra: String) throws(OrderError) -> Order {
        try Order.decode(from: Array(#"{"id":"A","status":"ready","payment":"captured","lines":[{"sku":"S","quantity":1}],"# .utf8) + Array(extra.utf8) + Array("}".utf8))
    }

    @Test func customerAndChannelAreRead() throws {
        let order = try decode(#""customer":{"name":"José Núñez","email":"jose@example.es","language":"es-MX"},"channel":"shopify""#)
        #expect(order.customer == Order.Customer(name: "José Núñez", email: "jose@example.es", language: "es-MX"))
        #expect(order.customer?.primaryLanguage == "es")
        #expect(order.channel == "shopify")
        let bare = try decode(#""customer":null"#)
        #expect(bare.customer == nil && bare.channel == nil)
    }

    @Test(arguments: [
        (#""customer":{"email":"no-at-sign"}"#, #"customer.email: must be one address such as "ana@example.com" (one '@', no spaces), found "no-at-sign""#),
        (#""customer":{"email":"a@b@c"}"#, #"customer.email: must be one address such as "ana@example.com" (one '@', no spaces), found "a@b@c""#),
        (#""customer":{"email":"a b@c"}"#, #"customer.email: must be one address such as "ana@example.com" (one '@', no spaces), found "a b@c""#),
        (#""customer":{"email":"@c"}"#, #"customer.email: must be one address such as "ana@example.com" (one '@', no spaces), found "@c""#),
        (#""customer":{"language":"español"}"#, #"customer.language: must be a language tag such as "es", "en-GB" or "es-MX", found "español""#),
        (#""customer":{"language":"e"}"#, #"customer.language: must be a language tag such as "es", "en-GB" or "es-MX", found "e""#),
        (#""customer":{"language":"es-"}"#, #"customer.language: must be a language tag such as "es", "en-GB" or "es-MX", found "es-""#),
        (#""customer":"ana@example.com""#, "customer: must be an object, found a string"),
        (#""channel":7"#, "channel: must be a string, found a number"),
    ])
    func badCustomersAreNamed(extra: String, message: String) {
        #expect(throws: OrderError.self) { try decode(extra) }
        do { _ = try decode(extra) } catch { #expect(error.problems.map(\.description) == [message]) }
    }
}
