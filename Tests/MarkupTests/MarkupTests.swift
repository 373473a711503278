import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Markup
import Testing

@Suite struct MarkupTests {
    /// The attack from issue 12: U+0600 (ARABIC NUMBER SIGN) is a prepended concatenation mark,
    /// so it and the `<` after it are one `Character`; an escaper comparing Characters wrote the
    /// `<` raw and the admin's browser ran the `onerror`.
    @Test(arguments: ["\u{0600}", "\u{0605}", "\u{06DD}", "\u{070F}", "\u{08E2}", "\u{110BD}", "\u{200D}", "\u{0301}", "e\u{0301}", "\u{1F469}\u{200D}"])
    func aMarkBeforeTheTagDoesNotHideIt(mark: String) throws {
        let payload = mark + "<img src=x onerror=window.__pwned=1>"
        #expect(Markup.text(payload) == mark + "&lt;img src=x onerror=window.__pwned=1&gt;")
        #expect(Markup.attribute(payload + "\"") == mark + "&lt;img src=x onerror=window.__pwned=1&gt;&quot;")
    }

    @Test func theTrapIsReal() {
        // Why the escaper walks scalars: the first Character of the payload is not "<" and is
        // not equal to any markup character, yet holds one.
        let first = "\u{0600}<img>".first!
        #expect(first != "<" && first.unicodeScalars.contains("<"))
    }

    /// (input, as text, as an attribute value)
    static let contexts: [(String, String, String)] = [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("\"><svg onload=alert(1)>", "\"&gt;&lt;svg onload=alert(1)&gt;", "&quot;&gt;&lt;svg onload=alert(1)&gt;"),
        ("' onmouseover='x", "' onmouseover='x", "&#39; onmouseover=&#39;x"),
        ("Tom & Jerry's ]]> &amp;", "Tom &amp; Jerry's ]]&gt; &amp;amp;", "Tom &amp; Jerry&#39;s ]]&gt; &amp;amp;"),
        ("a\tb\nc\rd", "a\tb\nc\rd", "a&#9;b&#10;c&#13;d"),
        ("\u{0}\u{1}\u{8}\u{B}\u{C}\u{1B}[31m\u{1F}", "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}[31m\u{FFFD}", "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}[31m\u{FFFD}"),
        ("\u{FFFE}\u{FFFF}\u{FFFD}\u{E000}", "\u{FFFD}\u{FFFD}\u{FFFD}\u{E000}", "\u{FFFD}\u{FFFD}\u{FFFD}\u{E000}"),
        ("Straße 山田 😀 \u{202E}evil\u{202C} \u{7F}\u{85}\u{A0}", "Straße 山田 😀 \u{202E}evil\u{202C} \u{7F}\u{85}\u{A0}", "Straße 山田 😀 \u{202E}evil\u{202C} \u{7F}\u{85}\u{A0}"),
        ("", "", ""),
    ]

    @Test(arguments: contexts)
    func eachContextEscapesWhatItMust(input: String, text: String, attribute: String) {
        #expect(Markup.text(input) == text)
        #expect(Markup.attribute(input) == attribute)
        var bytes = Array("x".utf8)
        Markup.appendText(input[...], to: &bytes)
        #expect(bytes == Array(("x" + text).utf8), "appending to bytes writes the same")
    }

    /// Every Unicode scalar, alone and after a prepended mark: no markup character survives raw,
    /// and reading the entities back gives the scalar (or U+FFFD for what XML cannot carry).
    @Test func everyScalarComesBackAsItselfOrTheReplacement() {
        var failures: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
            let input = "\u{0600}" + String(scalar) + "\u{0301}"
            let expected = "\u{0600}" + String(Self.carried(scalar)) + "\u{0301}"
            for attribute in [false, true] {
                let out = attribute ? Markup.attribute(input) : Markup.text(input)
                let raw = out.unicodeScalars.filter { "<>".unicodeScalars.contains($0) || (attribute && "\"'\t\n\r".unicodeScalars.contains($0)) }
                if !raw.isEmpty || Self.decode(out) != expected {
                    failures.append("U+\(String(value, radix: 16, uppercase: true)) \(attribute ? "attribute" : "text"): \(out.debugDescription)")
                }
            }
            if failures.count > 10 { break }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// The output of every scalar class, as an element's text and an attribute's value, is a
    /// well-formed XML document whose parsed text and attribute are the input.
    @Test func theOutputIsWellFormedXMLThatReadsBackAsTheInput() throws {
        var sample = "\u{0600}<img src=x onerror=window.__pwned=1>\"><svg onload=x></script>]]><![CDATA[&lt;&#60;'\t\n"
        for range in [0x0...0x7F, 0x80...0x9F, 0xA0...0x2FF, 0x300...0x36F, 0x600...0x60F, 0x200B...0x202F, 0xD7F0...0xD7FF, 0xE000...0xE010,
                      0xFDD0...0xFDEF, 0xFE00...0xFE0F, 0xFFF0...0xFFFF, 0x1F600...0x1F64F, 0x10FFF0...0x10FFFF] as [ClosedRange<UInt32>] {
            for v in range where v != 0x0D { sample.unicodeScalars.append(Unicode.Scalar(v)!) }
        }
        var document = Array(#"<?xml version="1.0" encoding="UTF-8"?><doc a=""#.utf8)
        Markup.appendAttribute(sample, to: &document)
        document += Array(#"" b='"#.utf8)
        Markup.appendAttribute(sample, to: &document)
        document += Array(#"'>"#.utf8)
        Markup.appendText(sample, to: &document)
        document += Array("</doc>".utf8)
        let parsed = try #require(XMLReader.read(document))
        let expected = String(String.UnicodeScalarView(sample.unicodeScalars.map(Self.carried)))
        #expect(parsed.elements == ["doc"], "no element but the document's own")
        #expect(parsed.attributes == ["a": expected, "b": expected])
        #expect(parsed.text == expected)
    }

    @Test func carriageReturnsInTextReadAsLineEndsAsXMLDefines() throws {
        var document = Array("<doc>".utf8)
        Markup.appendText("a\r\nb\rc", to: &document)
        document += Array("</doc>".utf8)
        #expect(try #require(XMLReader.read(document)).text == "a\nb\nc")
    }

    /// What a scalar becomes: itself, or U+FFFD where XML 1.0 has no such character.
    static func carried(_ s: Unicode.Scalar) -> Unicode.Scalar {
        switch s.value {
        case 0x09, 0x0A, 0x0D: s
        case ..<0x20, 0xFFFE, 0xFFFF: "\u{FFFD}"
        default: s
        }
    }

    /// Reads back the five references the escaper writes (and only those).
    static func decode(_ s: String) -> String {
        // Scalar by scalar: a Character prefix test would miss "&amp;" followed by U+0301.
        var out = String.UnicodeScalarView()
        var rest = Substring(s).unicodeScalars
        let entities: [(String, Unicode.Scalar)] = [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#9;", "\t"), ("&#10;", "\n"), ("&#13;", "\r")]
        while let first = rest.first {
            if first == "&", let (name, scalar) = entities.first(where: { rest.starts(with: $0.0.unicodeScalars) }) {
                out.append(scalar)
                rest = rest.dropFirst(name.unicodeScalars.count)
            } else {
                out.append(first)
                rest = rest.dropFirst()
            }
        }
        return String(out)
    }
}

/// A document as libxml2 (through FoundationXML) reads it: elements, attributes, text.
final class XMLReader: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var attributes: [String: String] = [:]
    var text = ""

    static func read(_ bytes: [UInt8]) -> XMLReader? {
        let reader = XMLReader()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = reader
        return parser.parse() ? reader : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(name)
        self.attributes.merge(attributes) { a, _ in a }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}
