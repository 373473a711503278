import Foundation
import TestPeers
import Testing
@testable import Printing

/// Against the real test printer process on 127.0.0.1.
@Suite(.serialized) struct ZebraTCPPrinterTests {
    static func label(_ n: Int) -> String { "^XA^FO50,50^A0N,40,40^FDlabel \(n)^FS^XZ" }

    @Test func sendsBytesExactlyAndReadsStatusAndOdometer() throws {
        let peer = try TestPrinterPeer()
        let printer = ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.port)
        let before = try printer.labelOdometer()
        let job = (1...3).map(Self.label).joined()
        try printer.send(Array(job.utf8))
        #expect(peer.waitUntil { peer.printedLabels().count == 3 })
        #expect(peer.printedLabels() == (1...3).map(Self.label))
        #expect(try printer.labelOdometer() == before + 3)
        let status = try printer.hostStatus()
        #expect(status.canPrint && status.isIdle)
    }

    @Test func seesPaperOutAndWhatIsStillInTheBuffer() throws {
        let peer = try TestPrinterPeer()
        try peer.control("paper_out_after 2")
        let printer = ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.port)
        try printer.send(Array((1...5).map(Self.label).joined().utf8))
        #expect(peer.waitUntil { peer.printedLabels().count == 2 })
        var status = try printer.hostStatus()
        #expect(try peer.waitUntil { status = try printer.hostStatus(); return status.formatsInBuffer == 3 })
        #expect(status.paperOut && status.conditions == [.mediaEmpty])
        #expect(status.conditions.first?.advice(printer: printer.name) == "zebra1: out of labels — load labels and press FEED")
        try peer.control("paper_out 0")
        #expect(peer.waitUntil { peer.printedLabels().count == 5 })
        #expect(peer.printedLabels() == (1...5).map(Self.label), "nothing lost, nothing twice")
    }

    @Test func reconnectsAfterTheConnectionDrops() throws {
        let peer = try TestPrinterPeer()
        let printer = ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.port)
        try printer.send(Array(Self.label(1).utf8))
        try peer.control("drop_after_bytes 0")
        // The drop is noticed on the next exchange; the one after reconnects.
        _ = try? printer.send(Array(Self.label(2).utf8))
        _ = try? printer.hostStatus()
        #expect(peer.waitUntil { (try? printer.hostStatus()) != nil })
        try printer.send(Array(Self.label(3).utf8))
        #expect(peer.waitUntil { peer.printedLabels().last == Self.label(3) })
    }

    @Test func aPrinterThatIsNotThereSaysSo() throws {
        // A port nobody listens on: bind one, then close it.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        close(fd)
        let printer = ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: port, timeouts: .init(connect: .seconds(1)))
        #expect {
            try printer.hostStatus()
        } throws: { error in
            let e = error as! PrinterError
            return e.code == "printer.refused" && e.isTransient && e.message.contains("127.0.0.1:\(port)")
        }
    }

    @Test func aNonZebraAnswerIsReportedNotMisread() throws {
        let peer = try TestPrinterPeer()
        let printer = ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.port, timeouts: .init(reply: .milliseconds(300)))
        // The control port answers lines, not ~HS: a wrong port gives a clear error.
        let wrong = ZebraTCPPrinter(name: "zebra1", host: "127.0.0.1", port: peer.controlPort, timeouts: .init(reply: .milliseconds(300)))
        #expect(throws: PrinterError.self) { try wrong.hostStatus() }
        #expect(try printer.hostStatus().canPrint)
    }
}
