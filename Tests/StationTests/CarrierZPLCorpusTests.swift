import Foundation
import Labels
import TestPeers
import Testing

/// The carrier-shaped corpus (scripts/make-carrier-corpus.py) read as the printer reads it: every
/// file is accepted and agrees with what its manifest says it prints.
struct CarrierZPLCorpusTests {
    static let files = CarrierCorpus.carrierFiles + ["bulk-500.zpl"]

    @Test(arguments: files)
    func everyCorpusFileIsAcceptedAndCountedAsTheManifestSays(name: String) throws {
        let bytes = try CarrierCorpus.bytes(name)
        let entry = try CarrierCorpus.entry(name)
        let zpl = try CarrierZPL(bytes: bytes)
        let document = zpl.document
        #expect(zpl.bytes == bytes)
        #expect(document.labelCount == entry["label_count"] as? Int)
        #expect(document.labels.count == entry["printing_formats"] as? Int)
        // Formats are numbered as the manifest numbers them: every ^XA, printing or not.
        let starts = ZPLTokenizer(bytes).filter { $0.name == "^XA" }.map(\.offset)
        let formats = starts.count
        #expect(formats == entry["formats"] as? Int)
        let expected = try #require(entry["labels"] as? [[String: Any]])
        try #require(expected.count == document.labels.count)
        for (label, want) in zip(document.labels, expected) {
            #expect(starts.firstIndex(of: label.range.lowerBound) == want["format"] as? Int)
            #expect(label.quantity == want["copies"] as? Int)
            let needs = ((want["graphics"] as? [String]) ?? []) + ((want["stored_formats"] as? [String]) ?? [])
            #expect(Set(label.needs) == Set(needs), "format \(want["format"] ?? "?")")
        }
    }

    @Test(arguments: files)
    func eachLabelSentAloneCarriesWhatItNeeds(name: String) throws {
        let document = try ZPLDocument(try CarrierCorpus.bytes(name))
        for index in document.labels.indices {
            // Preamble and label alone, as a resumed run sends them: read back, one label with
            // the same copies, and every object it recalls defined before it.
            let alone = try ZPLDocument(document.preamble(before: index) + document.bytes(of: index))
            try #require(alone.labels.count == 1, "label \(index) of \(name)")
            #expect(alone.labels[0].quantity == document.labels[index].quantity)
            #expect(alone.labels[0].needs == document.labels[index].needs)
            var defined = Set<String>()
            for segment in alone.segments {
                switch segment.kind {
                case .download(let object), .storedFormat(let object): defined.insert(object)
                default: break
                }
            }
            #expect(Set(alone.labels[0].needs).isSubset(of: defined), "label \(index) of \(name) needs \(alone.labels[0].needs), defined \(defined.sorted())")
        }
    }
}
