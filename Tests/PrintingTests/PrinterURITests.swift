import Testing
@testable import Printing

@Suite struct PrinterURITests {
    @Test(arguments: [
        ("cups://zebra1", PrinterURI.cups(queue: "zebra1")),
        ("cups://Zebra_ZD421-2/", .cups(queue: "Zebra_ZD421-2")),
        ("ipp://127.0.0.1:8631/ipp/print", .ipp(host: "127.0.0.1", port: 8631, path: "/ipp/print")),
        ("ipp://printer.local", .ipp(host: "printer.local", port: 631, path: "/ipp/print")),
        ("usb://0a5f:0166", .usb(vendor: 0x0A5F, product: 0x0166, serial: nil)),
        ("usb://0A5F:0166?serial=D2J123", .usb(vendor: 0x0A5F, product: 0x0166, serial: "D2J123")),
        ("tcp://10.0.0.7", .tcp(host: "10.0.0.7", port: 9100)),
        ("tcp://127.0.0.1:19100", .tcp(host: "127.0.0.1", port: 19100)),
        ("socket://[::1]:9101", .tcp(host: "::1", port: 9101)),
        ("file:///var/spool/labels.zpl", .file(path: "/var/spool/labels.zpl")),
    ])
    func parses(text: String, expected: PrinterURI) throws {
        #expect(try PrinterURI(parsing: text) == expected)
        #expect(try PrinterURI(parsing: expected.description) == expected, "description round-trips")
    }

    @Test(arguments: [
        ("zebra1", "it has no scheme"),
        ("lpd://host/q", "unknown scheme 'lpd'"),
        ("cups://", "a CUPS queue name has letters"),
        ("cups://bad queue", "a CUPS queue name has letters"),
        ("usb://zebra", "four hex digits each"),
        ("usb://0a5f:166", "four hex digits each"),
        ("usb://0a5f:0166?model=x", "the only USB option is serial=S"),
        ("tcp://:9100", "the host is missing"),
        ("tcp://host:99999", "the port must be 1–65535"),
        ("tcp://host:9100/x", "a tcp printer has no path"),
        ("file://relative.zpl", "needs an absolute path"),
    ])
    func badURIsSayWhatIsWrongAndShowTheForms(text: String, reason: String) {
        #expect {
            try PrinterURI(parsing: text)
        } throws: { error in
            let e = error as! PrinterError
            return e.message.contains(reason) && e.message.contains("tcp://HOST[:9100]") && e.code == "printer.uri"
        }
    }
}
