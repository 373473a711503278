import Testing
@testable import Printing

/// What the person sees when the USB printer is not there. (Printing to a real USB printer is
/// tested in the QEMU guest, Tests/vm/test_usb_printer.py: this machine has no USB printer;
/// ffff:fffe is an id no printer has.)
@Suite struct USBPrinterTests {
    private func absent(serial: String? = nil) throws -> any Printer {
        try openPrinter(PrinterURI(parsing: "usb://ffff:fffe" + (serial.map { "?serial=\($0)" } ?? "")), name: "zebra1")
    }

    @Test func aJobToAnUnpluggedPrinterSaysToPlugItIn() throws {
        let printer = try absent()
        #expect(printer is USBPrinter)
        #expect {
            try printer.submit(PrintDocument(name: "t", format: .zpl, bytes: Array("^XA^XZ".utf8)))
        } throws: { error in
            let e = error as! PrinterError
            return e.code == "printer.offline" && e.isTransient
                && e.message == "zebra1: USB printer ffff:fffe is not connected — plug it in or check the cable"
        }
    }

    @Test func anUnpluggedPrinterIsOfflineSoAJobWaitsForIt() throws {
        let state = try #require(try absent(serial: "D4J1").state())
        #expect(!state.canPrint)
        #expect(state.conditions == [.offline])
        #expect(state.advice(printer: "zebra1") == ["zebra1: offline — check its power and cable or network"])
        #expect(state.message == "zebra1: USB printer ffff:fffe with serial D4J1 is not connected — plug it in or check the cable")
    }

    @Test func statusAndCounterOfAnUnpluggedPrinterSayItIsNotConnected() throws {
        let printer = try #require(try absent() as? USBPrinter)
        #expect(throws: PrinterError.self) { try printer.hostStatus() }
        do {
            _ = try printer.labelOdometer()
            Issue.record("an absent printer reported a label counter")
        } catch {
            #expect(error.code == "printer.offline" && error.message.contains("plug it in"))
        }
    }
}
