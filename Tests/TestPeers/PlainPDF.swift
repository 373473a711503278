import Foundation

/// Small PDFs written by hand for tests: PDF 1.4 with a plain cross-reference table, offsets exact.
public enum PlainPDF {
    public struct Page: Sendable {
        public init(width: Double = 288, height: Double = 432, rotate: Int = 0, content: String = "0 g 20 20 100 50 re f") {
            self.width = width; self.height = height; self.rotate = rotate; self.content = content
        }
        public var width: Double
        public var height: Double
        public var rotate: Int
        /// Content stream operators.
        public var content: String
    }

    /// A PDF 1.4 with a plain cross-reference table, offsets exact.
    public static func bytes(_ pages: [Page]) -> [UInt8] {
        var objects: [String] = []
        let kids = pages.indices.map { "\(3 + 2 * $0) 0 R" }.joined(separator: " ")
        objects.append("<< /Type /Catalog /Pages 2 0 R >>")
        objects.append("<< /Type /Pages /Count \(pages.count) /Kids [\(kids)] >>")
        for (i, page) in pages.enumerated() {
            let rotate = page.rotate == 0 ? "" : " /Rotate \(page.rotate)"
            objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(page.width) \(page.height)]\(rotate) /Contents \(4 + 2 * i) 0 R >>")
            objects.append("<< /Length \(page.content.utf8.count) >>\nstream\n\(page.content)\nendstream")
        }
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, object) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { out += String(format: "%010d 00000 n \n", offset) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(out.utf8)
    }
}
