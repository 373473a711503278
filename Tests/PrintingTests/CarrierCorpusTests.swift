import Foundation
import Testing
import TestPeers

/// The carrier corpus the issue-13 tests share: written by scripts/make-carrier-corpus.py.
@Suite struct CarrierCorpusTests {
    @Test func theCorpusIsWrittenOnceWithItsManifest() throws {
        let directory = try CarrierCorpus.directory
        #expect(try CarrierCorpus.directory == directory)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["a4-two-up.pdf", "bulk-500.zpl", "cairo.pdf", "dhl.zpl", "fedex.zpl", "manifest.json",
                          "qpdf-objstm.pdf", "reportlab.pdf", "ups.zpl", "usps.zpl"])
        #expect(try CarrierCorpus.labelCount("bulk-500.zpl") == 500)
        #expect(try CarrierCorpus.labelCount("fedex.zpl") == 5)  // one label with ^PQ2
        #expect(try CarrierCorpus.entry("qpdf-objstm.pdf")["pages"] as? Int == 2)
        for name in CarrierCorpus.carrierFiles {
            let bytes = try CarrierCorpus.bytes(name)
            #expect(bytes.count == (try CarrierCorpus.entry(name)["bytes"] as? Int), "\(name)")
        }
    }

    @Test func anUnknownFileIsNamedWithTheOnesThereAre() throws {
        let error = #expect(throws: CarrierCorpus.CorpusError.self) { try CarrierCorpus.entry("ups.pdf") }
        #expect(error?.description.contains("no file 'ups.pdf'") == true)
        #expect(error?.description.contains("\"ups.zpl\"") == true)
    }
}
