import Testing
@testable import PackCore

@Suite struct PackCommandTests {
    @Test(arguments: [
        ("CMD:UNDO", PackCommand.undo),
        ("cmd:undo", .undo),
        ("CMD:ABANDON", .abandon),
        ("CMD:QTY:12", .quantity(12)),
        ("CMD:QTY:9999", .quantity(9_999)),
        ("CMD:SHORT:Damaged", .short(reason: "damaged", line: nil)),
        ("CMD:SHORT:damaged:SKU:WITH:COLONS", .short(reason: "damaged", line: "SKU:WITH:COLONS")),
    ])
    func parsesCommandBarcodes(text: String, expected: PackCommand) throws {
        #expect(try #require(PackCommand.parse(barcode: text)).get() == expected)
    }

    @Test(arguments: ["CMD:QTY:0", "CMD:QTY:10000", "CMD:QTY:x", "CMD:QTY", "CMD:SHORT", "CMD:SHORT:", "CMD:UNDO:1", "CMD:NOPE"])
    func malformedCommandsSayHowToWriteThem(text: String) {
        guard case .failure(let error)? = PackCommand.parse(barcode: text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(error.message.contains("CMD:"))
    }

    @Test(arguments: ["ORD-1", "CMD:", "CMD", "4006381333931", ""])
    func otherTextIsNotACommand(text: String) {
        #expect(PackCommand.parse(barcode: text) == nil)
    }
}
