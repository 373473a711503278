import Foundation
import LabelGraphics
import Labels

/// Carriers' PDFs through poppler-glib, in process: the page count of a 500-page PDF and one
/// 4 × 6 in page rasterized (dithered 1-bit) at 203 and 300 dpi, plus the whole page → ^GF label
/// step; poppler-utils (pdfinfo, pdftoppm -mono) timed in the same run as whole processes.
/// The corpus comes from scripts/make-carrier-corpus.py --big (or CORPUS_DIR when already made).
///
/// One-shot modes for hyperfine against the same tools as processes:
/// `packstation-bench pdf-pages FILE` prints the page count; `pdf-raster FILE DPI` rasterizes page 1.
enum PDFBench {
    static let rounds = Int(ProcessInfo.processInfo.environment["ROUNDS"] ?? "20")!

    /// The one-shot modes; returns false when the arguments are not one of them.
    static func oneShot(_ arguments: [String]) -> Bool {
        switch arguments.first {
        case "pdf-pages" where arguments.count == 2:
            print(try! PopplerPDF().pageCount(read(arguments[1])))
        case "pdf-raster" where arguments.count == 3:
            let bitmap = try! PopplerPDF().rasterize(read(arguments[1]), page: 0, dotsPerInch: Int(arguments[2])!)
            print("\(bitmap.width)x\(bitmap.height)")
        default:
            return false
        }
        return true
    }

    static func read(_ path: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: path)!)
    }

    static func corpus() -> String {
        if let dir = ProcessInfo.processInfo.environment["CORPUS_DIR"] { return dir }
        let dir = NSTemporaryDirectory() + "packstation-pdf-bench-\(getpid())"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/make-carrier-corpus.py").path
        let made = Measure.shell("/usr/bin/python3 '\(script)' '\(dir)' --big")
        precondition(made.status == 0, "scripts/make-carrier-corpus.py --big failed")
        return dir
    }

    /// Median and best of `rounds` runs of `body`, in milliseconds.
    static func time(_ body: () -> Void) -> (median: Double, best: Double) {
        var samples: [UInt64] = []
        for _ in 0..<rounds {
            let start = Measure.now()
            body()
            samples.append(Measure.now() - start)
        }
        samples.sort()
        return (Double(Measure.quantile(samples, 0.5)) / 1e6, Double(samples[0]) / 1e6)
    }

    static func run() {
        let dir = corpus()
        let pages500 = read(dir + "/pages-500.pdf"), label = read(dir + "/cairo.pdf")
        let reader = PopplerPDF()
        let count = time { precondition(try! reader.pageCount(pages500) == 500) }
        let sizes = time { precondition(try! reader.pageSizes(pages500).count == 500) }
        var rows: [(String, (median: Double, best: Double), String)] = [
            ("page count, pages-500.pdf (\(pages500.count / 1024) KiB)", count, "pdfinfo"),
            ("page count and all 500 sizes", sizes, "pdfinfo -f 1 -l 500"),
        ]
        for dpi in [203, 300] {
            rows.append(("rasterize page 1 of cairo.pdf (4 × 6 in) at \(dpi) dpi, dithered 1-bit", time { _ = try! reader.rasterize(label, page: 0, dotsPerInch: dpi) }, "pdftoppm -mono -r \(dpi) -f 1 -l 1"))
        }
        let labels = PDFLabels(reader: reader, density: .dpi203, labelSize: .inches4x6)
        let size = try! reader.pageSizes(label)[0]
        rows.append(("page 1 → ^GF label (rasterize + fit + compress) at 203 dpi", time {
            var out: [UInt8] = []
            try! ZPLRenderer().render(labels.page(label, index: 0, size: size).layout, into: &out)
        }, "—"))
        let peers: [String: (median: Double, best: Double)] = [
            "pdfinfo": time { _ = Measure.shell("pdfinfo '\(dir)/pages-500.pdf' > /dev/null") },
            "pdfinfo -f 1 -l 500": time { _ = Measure.shell("pdfinfo -f 1 -l 500 '\(dir)/pages-500.pdf' > /dev/null") },
            "pdftoppm -mono -r 203 -f 1 -l 1": time { _ = Measure.shell("pdftoppm -mono -r 203 -f 1 -l 1 '\(dir)/cairo.pdf' > /dev/null") },
            "pdftoppm -mono -r 300 -f 1 -l 1": time { _ = Measure.shell("pdftoppm -mono -r 300 -f 1 -l 1 '\(dir)/cairo.pdf' > /dev/null") },
        ]
        print("poppler-glib in process (median / best of \(rounds), ms); poppler-utils as whole processes in the same run (fork + exec + load included):\n")
        print("| what | ours, in process | peer | peer, process |")
        print("|---|---:|---:|---:|")
        for (what, ours, peer) in rows {
            let p = peers[peer].map { String(format: "%.1f / %.1f", $0.median, $0.best) } ?? "—"
            print(String(format: "| %@ | %.1f / %.1f | %@ | %@ |", what, ours.median, ours.best, peer, p))
        }
        if ProcessInfo.processInfo.environment["CORPUS_DIR"] == nil { try? FileManager.default.removeItem(atPath: dir) }
    }
}
