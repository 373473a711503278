import Foundation
import Labels
import PackCore
import Station
import TestPeers
import Testing

/// Carrier ZPL at the bench (LabelMaker) and `printer.zpl_allow` in station.toml.
struct CarrierZPLPolicyTests {
    /// A one-line order whose shipment carries `zpl` as the carrier's label.
    static func order(carrierZPL zpl: [UInt8]) throws -> Order {
        let json = """
            {"id": "7001", "barcodes": ["ORD-7001"], "status": "ready", "payment": "captured",
             "lines": [{"sku": "MUG", "quantity": 1, "barcodes": ["4006381333931"]}],
             "shipment": {"carrier": "UPS", "service": "Ground", "tracking": "1Z999",
               "from": {"name": "Sender", "street": ["Lagerweg 1"], "city": "Bremen", "postal_code": "28195", "country": "DE"},
               "to": {"name": "Receiver", "street": ["Storgatan 2"], "city": "Malmö", "postal_code": "21122", "country": "SE"},
               "label": {"format": "zpl", "data": "\(Data(zpl).base64EncodedString())"}}}
            """
        return try Order.decode(from: Array(json.utf8))
    }

    static func maker(_ policy: ZPLPolicy = .carrier) throws -> LabelMaker {
        LabelMaker(template: try LabelMaker.template(named: "shipping"), density: .dpi203, format: .zpl, zplPolicy: policy)
    }

    @Test(arguments: CarrierCorpus.carrierFiles)
    func theBenchPrintsEachCorpusFileAsItIs(name: String) throws {
        let zpl = try CarrierCorpus.bytes(name)
        let documents = try Self.maker().documents(for: try Self.order(carrierZPL: zpl), labels: [PackageLabel(package: 1, packages: 1, weightGrams: nil)], packingSlip: false)
        #expect(documents.map(\.bytes) == [zpl])
    }

    @Test func theBenchRefusesACarrierLabelThatWouldResetThePrinterAndASiteCanAllowIt() throws {
        let zpl = Array("^XA^FO10,10^FDa^FS^XZ\r\n~JR\r\n".utf8)
        let order = try Self.order(carrierZPL: zpl)
        let one = [PackageLabel(package: 1, packages: 1, weightGrams: nil)]
        let error = #expect(throws: StationError.self) { try Self.maker().documents(for: order, labels: one, packingSlip: false) }
        #expect(error?.code == "carrier.zpl_refused")
        #expect(error?.message == "Order 7001: The ZPL has ~JR at byte 23, which resets the printer as if it were switched off and on; it is not printed. If the sender is trusted, add \"~JR\" to printer.zpl_allow in station.toml.")
        let allowed = try Self.maker(ZPLPolicy(allowed: ["~JR"])).documents(for: order, labels: one, packingSlip: false)
        #expect(allowed.map(\.bytes) == [zpl])
    }

    static func load(_ text: String) throws -> StationConfiguration {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zpl-allow-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: dir + "/station.toml", atomically: true, encoding: .utf8)
        return try StationConfiguration.load(file: dir + "/station.toml", environment: [:], searchPath: [])
    }

    @Test func stationTomlAllowsRefusedCommands() throws {
        #expect(try Self.load("").zplPolicy == .carrier)
        #expect(try Self.load("[printer]\nzpl_allow = [\"~ja\", \"^JU\"]\n").zplPolicy.allowed == ["~JA", "^JU"])
        // The environment variable, comma-separated.
        let env = try StationConfiguration.load(file: nil, environment: ["PACKSTATION_PRINTER_ZPL_ALLOW": "~JA, ~DG"], searchPath: [])
        #expect(env.zplPolicy.allowed == ["~JA", "~DG"])
    }

    @Test(arguments: ["^FO", "JA", "~J", "everything"])
    func anEntryThatIsNotARefusedCommandIsAnError(entry: String) {
        let error = #expect(throws: StationError.self) { try Self.load("[printer]\nzpl_allow = [\"\(entry)\"]\n") }
        #expect(error?.message.contains("printer.zpl_allow") == true)
        #expect(error?.message.contains("names '\(entry)', which is not a command refused by default; list commands with their prefix, e.g. \"~JA\" or \"^JU\"") == true, "\(error?.message ?? "")")
    }
}
