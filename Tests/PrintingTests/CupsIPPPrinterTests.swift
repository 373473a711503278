import Foundation
import Testing
@testable import Printing

/// CupsPrinter straight to an IPP printer (ipp://): a real ippeveprinter that keeps documents.
@Suite(.serialized, .enabled(if: CupsIPPPeer.shouldRun, "ippeveprinter is not installed (apt-get install cups-ipp-utils dbus-daemon avahi-daemon); set CI=1 to make this a failure"))
struct CupsIPPPrinterTests {
    static func finished(_ printer: CupsPrinter, _ id: Int) throws -> SpooledJob? {
        let deadline = Date().addingTimeInterval(20)
        var job: SpooledJob?
        repeat {
            job = try printer.job(id: id)
            if job?.state.isFinal == true { break }
            usleep(50_000)
        } while Date() < deadline
        return job
    }

    @Test func aPDFArrivesAsAPDFWithTheSameBytes() throws {
        let peer = try CupsIPPPeer()
        let printer = try CupsPrinter(uri: try PrinterURI(parsing: peer.uri))
        var pdf = Array("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n1 0 obj<</Type/Catalog>>endobj\n".utf8)
        pdf += (0...255).map { UInt8($0) }
        pdf += Array("\ntrailer<</Root 1 0 R>>\n%%EOF\n".utf8)
        let id = try #require(try printer.submit(PrintDocument(name: "packing slip SO-1", format: .pdf, bytes: pdf)).jobID)
        #expect(try Self.finished(printer, id)?.state == .completed)
        let supplied = try printer.attributes(ofJob: id, ["document-format-supplied", "document-format"])
        #expect((supplied?["document-format-supplied"] ?? supplied?["document-format"])?.strings == ["application/pdf"])
        let kept = peer.documents()
        #expect(kept.count == 1)
        #expect(kept.values.first == Data(pdf), "the printer kept other bytes than were sent")
        #expect(kept.keys.first?.hasSuffix(".pdf") == true, "\(kept.keys)")
        #expect(try printer.jobs(named: "packing slip SO-1").map(\.id) == [id])
    }

    @Test func zplGoesAsZebraZPLByteIdentical() throws {
        let peer = try CupsIPPPeer()
        let printer = try CupsPrinter(uri: try PrinterURI(parsing: peer.uri))
        let zpl = Array(CupsPrinterTests.awkwardZPL.prefix(70_000))
        #expect(try printer.documentFormat(for: .zpl) == "application/vnd.zebra-zpl")
        let id = try #require(try printer.submit(PrintDocument(name: "label", format: .zpl, bytes: zpl)).jobID)
        #expect(try Self.finished(printer, id)?.state == .completed)
        #expect(peer.documents().values.first == Data(zpl), "the printer kept other bytes than were sent")
        #expect(try printer.state()?.canPrint == true)
    }

    @Test func aPrinterWithoutPDFRefusesBeforeAnythingIsSent() throws {
        let peer = try CupsIPPPeer(formats: "application/vnd.zebra-zpl")
        let printer = try CupsPrinter(uri: try PrinterURI(parsing: peer.uri), name: "zebra-ipp")
        let error = #expect(throws: PrinterError.self) { try printer.submit(PrintDocument(name: "slip", format: .pdf, bytes: Array("%PDF-1.4\n%%EOF\n".utf8))) }
        #expect(error?.code == "printer.format")
        #expect(error?.message.hasPrefix("zebra-ipp cannot print a PDF: the IPP printer \(peer.uri) takes only application/octet-stream, application/vnd.zebra-zpl.") == true, "\(String(describing: error))")
        #expect(peer.documents().isEmpty)
    }
}
